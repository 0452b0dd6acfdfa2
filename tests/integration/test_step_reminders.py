"""A plan step's due date gets reminders through the appointments' outbox: two days before and on the morning
of the day (9.00 in Helsinki), by e-mail and SMS, in the client's language, each sent once. Changing or
removing the date, or the step being done (or "can't do"), cancels what has not gone."""

from __future__ import annotations

import faulthandler
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.common.i18n import format_date_in, today_in_helsinki
from portal.extensions import db
from portal.models import Plan, PlanStep, ReminderOutbox, StepStatus, User
from portal.plan import queries as plan_queries
from portal.reminders.senders import LoggingSmsSender
from portal.reminders.sending import send_due
from portal.reminders.steps import reminder_times, schedule_step

from ..support.appointments import make_slot
from ..support.factories import ClientFactory, PlanFactory, StepFactory
from .test_reminders import Inbox, _text, smtp_server

DUE = today_in_helsinki() + timedelta(days=10)
TITLE = "Käy kirjastossa hakemassa työpaikkailmoitukset"


@pytest.fixture()
def inbox(app):  # type: ignore[no-untyped-def]
    with smtp_server(app) as handler:
        yield handler


def _client(locale: str = "fi", phone: str | None = "+358401234567") -> tuple[User, Plan]:
    client = ClientFactory(locale=locale, phone=phone)
    return client, PlanFactory(client_id=client.id)


def _add(client: User, plan: Plan, due: date | None = DUE) -> PlanStep:
    step = plan_queries.add_step(plan, client, TITLE, "", due)
    db.session.flush()
    return step


def _rows(step: PlanStep) -> dict[tuple[str, str], ReminderOutbox]:
    rows = db.session.scalars(select(ReminderOutbox).where(ReminderOutbox.step_id == step.id)
                              .execution_options(populate_existing=True))
    return {(row.channel, row.kind): row for row in rows}


def _statuses(step: PlanStep) -> dict[tuple[str, str], str]:
    return {key: row.status for key, row in _rows(step).items()}


def test_reminders_go_at_nine_in_helsinki_in_winter_and_in_summer() -> None:
    winter, summer = reminder_times(date(2027, 1, 15)), reminder_times(date(2027, 7, 15))
    assert winter == {"2d": datetime(2027, 1, 13, 7, tzinfo=UTC), "due_day": datetime(2027, 1, 15, 7, tzinfo=UTC)}
    assert summer == {"2d": datetime(2027, 7, 13, 6, tzinfo=UTC), "due_day": datetime(2027, 7, 15, 6, tzinfo=UTC)}
    # the clocks go forward on the last Sunday of March: the day before and that day differ by an hour in UTC
    assert reminder_times(date(2027, 3, 30))["2d"] == datetime(2027, 3, 28, 6, tzinfo=UTC)
    assert reminder_times(date(2027, 3, 29))["2d"] == datetime(2027, 3, 27, 7, tzinfo=UTC)


def test_a_step_with_a_due_date_gets_two_reminders_on_each_channel(app) -> None:  # type: ignore[no-untyped-def]
    client, plan = _client()
    step = _add(client, plan)
    rows = _rows(step)
    times = reminder_times(DUE)
    assert {key: (row.status, row.due_at, row.next_attempt_at) for key, row in rows.items()} == {
        (channel, kind): ("pending", times[kind], times[kind]) for channel in ("email", "sms") for kind in times}
    assert all(row.appointment_id is None for row in rows.values())


def test_only_the_channels_the_client_has_and_only_reminders_still_ahead(app) -> None:  # type: ignore[no-untyped-def]
    client, plan = _client(phone=None)
    tomorrow = _add(client, plan, today_in_helsinki() + timedelta(days=1))  # the 2-day one would be in the past
    assert _statuses(tomorrow) == {("email", "due_day"): "pending"}
    assert _statuses(_add(client, plan, None)) == {}
    assert _statuses(_add(client, plan, today_in_helsinki() - timedelta(days=1))) == {}


def test_done_cancels_them_and_not_done_brings_them_back(app) -> None:  # type: ignore[no-untyped-def]
    client, plan = _client()
    step = _add(client, plan)
    ids = {key: row.id for key, row in _rows(step).items()}
    assert plan_queries.change_status(step, client, StepStatus.DONE)
    db.session.flush()
    assert set(_statuses(step).values()) == {"cancelled"}
    assert plan_queries.change_status(step, client, StepStatus.TODO)
    db.session.flush()
    assert set(_statuses(step).values()) == {"pending"}
    assert {key: row.id for key, row in _rows(step).items()} == ids  # the same rows: one per step, channel, kind


def test_cant_do_cancels_them(app) -> None:  # type: ignore[no-untyped-def]
    client, plan = _client()
    step = _add(client, plan)
    plan_queries.change_status(step, client, StepStatus.CANT_DO, "childcare", "")
    db.session.flush()
    assert set(_statuses(step).values()) == {"cancelled"}


def test_a_changed_due_date_moves_them_and_a_removed_one_cancels_them(app) -> None:  # type: ignore[no-untyped-def]
    client, plan = _client()
    step = _add(client, plan)
    later = DUE + timedelta(days=20)
    step.due_date = later
    schedule_step(step)
    db.session.flush()
    times = reminder_times(later)
    assert {key: (row.status, row.due_at, row.next_attempt_at) for key, row in _rows(step).items()} == {
        (channel, kind): ("pending", times[kind], times[kind]) for channel in ("email", "sms") for kind in times}
    step.due_date = None
    schedule_step(step)
    db.session.flush()
    assert set(_statuses(step).values()) == {"cancelled"}


def test_a_reminder_that_went_is_not_sent_again_for_a_new_date(app, inbox: Inbox) -> None:  # type: ignore[no-untyped-def]
    client, plan = _client(phone=None)
    step = _add(client, plan)
    assert send_due(now=reminder_times(DUE)["2d"] + timedelta(minutes=1)).sent == 1
    step.due_date = DUE + timedelta(days=7)
    schedule_step(step)
    db.session.flush()
    rows = _rows(step)
    assert rows[("email", "2d")].status == "sent" and rows[("email", "2d")].due_at == reminder_times(DUE)["2d"]
    assert rows[("email", "due_day")].status == "pending"
    assert rows[("email", "due_day")].due_at == reminder_times(DUE + timedelta(days=7))["due_day"]


@pytest.mark.parametrize("locale, weekday", [("fi", "ke"), ("sv", "ons"), ("en", "Wed")])
def test_the_reminder_arrives_once_in_the_clients_language(app, inbox: Inbox, locale: str, weekday: str) -> None:  # type: ignore[no-untyped-def]
    due = date(2030, 6, 12)  # a Wednesday
    client, plan = _client(locale)
    step = _add(client, plan, due)
    sms = LoggingSmsSender()
    at = reminder_times(due)["2d"] + timedelta(minutes=3)
    report = send_due(now=at, sms=sms)
    assert report.sent == 2 and not report.errors, report  # e-mail and SMS
    send_due(now=at, sms=sms)  # the command runs again: nothing goes twice
    send_due(now=at + timedelta(hours=2), sms=sms)
    assert len(inbox.messages) == 1 and len(sms.sent) == 1
    message, (phone, text, reference) = inbox.messages[0], sms.sent[0]
    shown = format_date_in(due, locale)
    assert shown.startswith(weekday)
    body = _text(message)
    assert shown in message["Subject"] and shown in body and shown in text
    assert message["To"] == client.email and phone == client.phone
    assert f"/plan/steps/{step.id}" in body and f"/plan/steps/{step.id}" in text
    # no name and no title: a message on a lock screen is read by others too
    for words in (TITLE, client.full_name):
        assert words not in body and words not in text and words not in message["Subject"]
    if locale == "en":
        assert message["Subject"] == f"Reminder: a step in your plan is due on {shown}"
    rows = _rows(step)
    assert rows[("email", "2d")].status == "sent" and rows[("sms", "2d")].status == "sent"
    assert reference == str(rows[("sms", "2d")].id)
    assert message["Message-ID"] == f"<reminder-{rows[('email', '2d')].id}@jobseekers-portal>"
    assert rows[("email", "due_day")].status == "pending"  # its day has not come


def test_on_the_day_the_reminder_says_today(app, inbox: Inbox) -> None:  # type: ignore[no-untyped-def]
    due = date(2030, 6, 12)
    client, plan = _client("en", phone=None)
    _add(client, plan, due)
    report = send_due(now=reminder_times(due)["due_day"] + timedelta(minutes=1))
    # the 2-day reminder's moment has passed too, but it still names the right day: both go, once each
    assert report.sent == 2, report
    subjects = sorted(message["Subject"] for message in inbox.messages)
    assert subjects == [f"Reminder: a step in your plan is due on {format_date_in(due, 'en')}",
                        "Reminder: a step in your plan is due today"]


@pytest.mark.parametrize("change", ["done", "new date", "no date", "plan replaced", "day over"])
def test_a_change_the_outbox_missed_still_stops_the_reminder(app, inbox: Inbox, change: str) -> None:  # type: ignore[no-untyped-def]
    """Whatever changed the step without schedule_step, the sending run checks it again before anything
    goes."""
    client, plan = _client(phone=None)
    step = _add(client, plan)
    at = reminder_times(DUE)["2d"] + timedelta(minutes=1)
    if change == "done":
        step.status = "done"
    elif change == "new date":
        step.due_date = DUE + timedelta(days=1)
    elif change == "no date":
        step.due_date = None
    elif change == "plan replaced":
        plan.status = "replaced"
    else:
        at = datetime.combine(DUE + timedelta(days=1), datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
    db.session.flush()
    report = send_due(now=at)
    assert report.sent == 0 and report.skipped >= 1 and not inbox.messages, report
    assert _statuses(step)[("email", "2d")] == "cancelled"


def test_appointment_and_step_reminders_go_in_one_run(app, inbox: Inbox) -> None:  # type: ignore[no-untyped-def]
    from portal.appointments import queries as appointment_queries

    client, plan = _client("en", phone=None)
    _add(client, plan)
    at = reminder_times(DUE)["2d"] + timedelta(minutes=1)
    slot = make_slot(starts_at=(at + timedelta(days=1)).replace(second=0, microsecond=0))
    appointment_queries.book(slot, client, client, None, appointment_queries.Needs())
    db.session.flush()
    assert send_due(now=at).sent == 3  # with the booking's confirmation
    assert sorted(m["Subject"].split(" on ")[0] for m in inbox.messages if m["Subject"].startswith("Reminder")) == [
        "Reminder: a step in your plan is due", "Reminder: your appointment"]


def test_the_database_refuses_a_reminder_of_both_or_neither(app) -> None:  # type: ignore[no-untyped-def]
    step = StepFactory()
    appointment_id = None
    for step_id, appointment_id in ((None, None), (step.id, uuid.uuid4())):
        with pytest.raises(IntegrityError), db.session.begin_nested():
            db.session.add(ReminderOutbox(step_id=step_id, appointment_id=appointment_id, channel="email",
                                          kind="2d", due_at=datetime.now(UTC)))
            db.session.flush()


def test_the_database_refuses_a_second_reminder_of_the_same_kind(app) -> None:  # type: ignore[no-untyped-def]
    step = StepFactory()
    db.session.add(ReminderOutbox(step_id=step.id, channel="email", kind="2d", due_at=datetime.now(UTC)))
    db.session.flush()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(ReminderOutbox(step_id=step.id, channel="email", kind="2d", due_at=datetime.now(UTC)))
        db.session.flush()


def test_clean_up_gives_steps_without_reminders_theirs_once(app) -> None:  # type: ignore[no-untyped-def]
    """Due dates written before reminders existed (or by a path that did not schedule them) get them from the
    hourly clean-up: only steps still to do, in a current plan, with the day still ahead; never twice."""
    from portal.reminders.steps import schedule_missing

    client, plan = _client()
    ahead = StepFactory(plan_id=plan.id, due_date=DUE)
    scheduled_already = _add(client, plan)
    not_wanted = [
        StepFactory(plan_id=plan.id, due_date=DUE, status=StepStatus.DONE),
        StepFactory(plan_id=plan.id, due_date=DUE, removed_at=datetime.now(UTC)),
        StepFactory(plan_id=plan.id, due_date=today_in_helsinki() - timedelta(days=1)),
        StepFactory(plan_id=PlanFactory(client_id=client.id, version=0, status="replaced").id, due_date=DUE),
        StepFactory(plan_id=PlanFactory(client_id=ClientFactory(active=False).id).id, due_date=DUE),
    ]
    before = {key: (row.id, row.due_at) for key, row in _rows(scheduled_already).items()}
    db.session.flush()

    assert schedule_missing(batch=2) >= 1  # small batches: every one is reached, none taken twice
    times = reminder_times(DUE)
    assert {key: (row.status, row.due_at) for key, row in _rows(ahead).items()} == {
        (channel, kind): ("pending", times[kind]) for channel in ("email", "sms") for kind in times}
    assert {key: (row.id, row.due_at) for key, row in _rows(scheduled_already).items()} == before
    assert all(_rows(step) == {} for step in not_wanted)
    assert schedule_missing() == 0
    # a step that gets none (both moments passed on its due day) is looked at once per run, not again and again
    late = reminder_times(DUE)["due_day"] + timedelta(hours=1)
    StepFactory(plan_id=plan.id, due_date=DUE)
    db.session.flush()
    faulthandler.dump_traceback_later(60, exit=True)  # were it to go round for ever: say where, and stop
    try:
        assert schedule_missing(now=late, batch=1) == 0
    finally:
        faulthandler.cancel_dump_traceback_later()
