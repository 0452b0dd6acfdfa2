"""Reminders of a plan step's due date: two days before and on the morning of the day (Helsinki time), by
e-mail and SMS, through the same outbox as appointments' reminders (sending.py sends them, each at most once).

`schedule_step` keeps a step's reminders in step with the step, and is called wherever a step's due date or
status changes: a new or changed due date schedules them (again); a removed due date, a step that is done, or
one the client told their team they can't do cancels what has not gone. A reminder that went (or may have) for
an earlier due date stays as it was: it is never sent twice, so that kind is not sent again for the new date.
The sending run checks the step once more before anything goes, so a change that missed this still stops it.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

from flask import Flask, current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Insert, exists, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..common.i18n import HELSINKI, format_date
from ..extensions import db
from ..models import Plan, PlanStatus, PlanStep, ReminderOutbox, ReminderStatus, StepStatus, User, utcnow

# kind: days before the due day; each goes at REMINDER_HOUR in Helsinki
DAYS_BEFORE = {"2d": 2, "due_day": 0}
REMINDER_HOUR = 9
# Rows that never went: they follow the step. Sending, sent and unknown ones went, or may have: left alone.
NOT_GONE = (ReminderStatus.PENDING, ReminderStatus.FAILED, ReminderStatus.CANCELLED)


def reminder_times(due: date) -> dict[str, datetime]:
    """When each reminder of a step due on `due` goes, in UTC (the Helsinki hour, in summer and in winter)."""
    return {kind: datetime.combine(due - timedelta(days=days), time(REMINDER_HOUR),
                                   tzinfo=HELSINKI).astimezone(UTC)
            for kind, days in DAYS_BEFORE.items()}


def _client_of(plan_id: uuid.UUID) -> User | None:
    return db.session.scalar(select(User).join(Plan, Plan.client_id == User.id).where(Plan.id == plan_id))


def _wanted(step: PlanStep, client: User | None, now: datetime) -> dict[tuple[str, str], datetime]:
    """(channel, kind) → when, for what the step should have now."""
    if client is None or not client.active:
        return {}
    return _wanted_for(step.due_date, client.email, client.phone, now)


def _wanted_for(due_date: date | None, email: str | None, phone: str | None,
                now: datetime) -> dict[tuple[str, str], datetime]:
    if due_date is None:
        return {}
    channels = [name for name, reachable in (("email", email), ("sms", phone)) if reachable]
    return {(channel, kind): due for kind, due in reminder_times(due_date).items() if due > now
            for channel in channels}


def schedule_step(step: PlanStep, now: datetime | None = None) -> None:
    """Make the step's reminders what its due date and status call for, in the caller's transaction."""
    if step.status != StepStatus.TODO or step.due_date is None or step.removed_at is not None:
        cancel_step(step.id)  # one statement: checking a step off stays cheap
        return
    now = now or utcnow()
    # Two requests changing one step take turns here (a row lock on PostgreSQL; SQLite has one writer).
    db.session.execute(select(PlanStep.id).where(PlanStep.id == step.id).with_for_update())
    wanted = _wanted(step, _client_of(step.plan_id), now)
    existing = db.session.execute(
        select(ReminderOutbox.id, ReminderOutbox.channel, ReminderOutbox.kind, ReminderOutbox.status,
               ReminderOutbox.due_at).where(ReminderOutbox.step_id == step.id)).all()
    for row_id, channel, kind, status, due_at in existing:
        due = wanted.pop((channel, kind), None)  # a row that went keeps its place: none is made again
        if status not in NOT_GONE:
            continue
        if due is not None and (status != ReminderStatus.PENDING or due_at != due):
            _guarded(row_id, status=ReminderStatus.PENDING.value, due_at=due, next_attempt_at=due, attempts=0,
                     claimed_at=None, last_error=None)
        elif due is None and status != ReminderStatus.CANCELLED:
            _guarded(row_id, status=ReminderStatus.CANCELLED.value, next_attempt_at=None)
    for (channel, kind), due in wanted.items():
        db.session.add(ReminderOutbox(id=uuid.uuid4(), step_id=step.id, channel=channel, kind=kind,
                                      due_at=due, next_attempt_at=due, status=ReminderStatus.PENDING.value))


def schedule_missing(now: datetime | None = None, batch: int = 2000) -> int:
    """Reminders for the steps to do that have none yet (due dates written before reminders existed, or by
    any path that did not call schedule_step): run by `clean-up`, a batch per transaction, committed by the
    caller of each batch. Returns how many steps got reminders. Safe beside schedule_step: a row it made
    meanwhile is kept (the insert skips what exists)."""
    now = now or utcnow()
    today = now.astimezone(HELSINKI).date()
    done, after = 0, None
    while True:
        statement = (
            select(PlanStep.id, PlanStep.due_date, User.email, User.phone)
            .join(Plan, Plan.id == PlanStep.plan_id).join(User, User.id == Plan.client_id)
            .where(PlanStep.status == StepStatus.TODO, PlanStep.removed_at.is_(None),
                   PlanStep.due_date >= today, Plan.status != PlanStatus.REPLACED, User.active.is_(True),
                   ~exists().where(ReminderOutbox.step_id == PlanStep.id))
            .order_by(PlanStep.id).limit(batch))
        if after is not None:
            statement = statement.where(PlanStep.id > after)
        found = db.session.execute(statement).all()
        if not found:
            return done
        rows = [{"id": uuid.uuid4(), "step_id": step_id, "channel": channel, "kind": kind, "due_at": due,
                 "next_attempt_at": due, "status": ReminderStatus.PENDING.value, "attempts": 0}
                for step_id, due_date, email, phone in found
                for (channel, kind), due in _wanted_for(due_date, email, phone, now).items()]
        if rows:
            db.session.execute(_insert_new(), rows)
        done += len({row["step_id"] for row in rows})
        db.session.commit()
        after = found[-1].id


def _insert_new() -> Insert:
    """INSERT that skips a (step, channel, kind) already there: PostgreSQL and SQLite say it the same way."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    return insert(ReminderOutbox).on_conflict_do_nothing(index_elements=["step_id", "channel", "kind"])


def cancel_step(step_id: uuid.UUID) -> None:
    """No more reminders of this step (what went stays recorded)."""
    db.session.execute(
        update(ReminderOutbox)
        .where(ReminderOutbox.step_id == step_id,
               ReminderOutbox.status.in_((ReminderStatus.PENDING, ReminderStatus.FAILED)))
        .values(status=ReminderStatus.CANCELLED.value, next_attempt_at=None)
        .execution_options(synchronize_session=False))


def _guarded(row_id: uuid.UUID, **values: object) -> None:
    """Change a row only if no sending run has claimed it meanwhile (then it goes as it was)."""
    db.session.execute(
        update(ReminderOutbox).where(ReminderOutbox.id == row_id, ReminderOutbox.status.in_(NOT_GONE))
        .values(**values).execution_options(synchronize_session=False))


def step_url(step_id: uuid.UUID) -> str:
    base = current_app.config.get("PORTAL_BASE_URL") or ""
    path = url_for("plan.step", step_id=step_id, _external=not base)
    return base.rstrip("/") + path if base else path


def _still_wanted(row: ReminderOutbox, step: PlanStep | None, plan: Plan | None, client: User | None,
                  now: datetime) -> bool:
    """The step is to do, in the client's current plan, due on the day this reminder was made for, and that
    day has not passed; the client is there and can be reached on the row's channel."""
    if step is None or plan is None or client is None or not client.active:
        return False
    if plan.status == PlanStatus.REPLACED or step.status != StepStatus.TODO or step.due_date is None:
        return False
    if reminder_times(step.due_date).get(row.kind) != row.due_at:
        return False  # another date now
    if now.astimezone(HELSINKI).date() > step.due_date:
        return False
    return row.channel != "sms" or bool(client.phone)


def _words(row: ReminderOutbox, due: str, url: str) -> tuple[str, str]:
    """Subject (empty for an SMS) and text, in the language in force."""
    today = row.kind == "due_day"
    if row.channel == "sms":
        if today:
            return "", _("Reminder: a step in your plan is due today, %(date)s. See it, or tell your team "
                         "you can't do it: %(url)s", date=due, url=url)
        return "", _("Reminder: a step in your plan is due on %(date)s. See it, or tell your team you can't "
                     "do it: %(url)s", date=due, url=url)
    subject = (_("Reminder: a step in your plan is due today") if today else
               _("Reminder: a step in your plan is due on %(date)s", date=due))
    return subject, _(
        "Hello,\n\nA step in your employment plan is due on %(date)s.\n\nSee the step and mark it as done, "
        "or tell your team if you can't do it: %(url)s\n\nThis message was sent automatically. Please do not "
        "reply to it.", date=due, url=url)


def compose(app: Flask, row: ReminderOutbox, now: datetime) -> tuple[User, str, str] | None:
    """The client, subject and text of a step's reminder in the client's language, or None when it is not
    needed any more (done, can't do, no due date or another one, not in the current plan, over). Neither the
    client's name nor the step's title is in it: a message on a phone's lock screen is read by others too."""
    step = db.session.get(PlanStep, row.step_id, populate_existing=True)
    plan = db.session.get(Plan, step.plan_id) if step else None
    client = db.session.get(User, plan.client_id) if plan else None
    if not _still_wanted(row, step, plan, client, now):
        return None
    assert step is not None and step.due_date is not None and client is not None
    config = app.config
    locale = client.locale if client.locale in config["LANGUAGES"] else config["BABEL_DEFAULT_LOCALE"]
    with app.app_context(), app.test_request_context("/", base_url=config["PORTAL_BASE_URL"]), \
            force_locale(locale):
        subject, text = _words(row, format_date(step.due_date), step_url(step.id))
    return client, subject, text
