"""Two `send-reminders` runs at once with plan steps' and appointments' reminders due together: each reminder
arrives once (FOR UPDATE SKIP LOCKED on PostgreSQL; one writer at a time on SQLite). A database of its own, as
the runs must see each other's commits."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from portal import create_app
from portal.appointments import queries as appointment_queries
from portal.common.i18n import today_in_helsinki
from portal.extensions import db
from portal.models import ReminderOutbox
from portal.plan import queries as plan_queries
from portal.reminders.senders import LoggingSmsSender
from portal.reminders.sending import Report, send_due
from portal.reminders.steps import reminder_times

from ..conftest import TEST_CONFIG
from ..support.appointments import make_slot
from ..support.databases import own_database
from ..support.factories import ClientFactory, OrganisationFactory, PlanFactory, StaffFactory
from .test_reminders import smtp_server

STEPS = 12
APPOINTMENTS = 6
RUNS = 2


@pytest.fixture(scope="module")
def own_app() -> Iterator[Flask]:
    with own_database("step-reminders") as url:
        app = create_app({**TEST_CONFIG, "DATABASE_URL": url})
        try:
            yield app
        finally:
            with app.app_context():
                db.engine.dispose()


def _committed(app: Flask, now: datetime) -> list[str]:
    """Steps whose 2-day reminder is due at `now`, and appointments whose 2-day one is: their e-mail rows'
    ids (the bookings' confirmations, due at once, go in the same runs)."""
    due = today_in_helsinki() + timedelta(days=10)
    with app.app_context():
        staff = StaffFactory(organisation_id=OrganisationFactory().id)
        steps, appointments = [], []
        for i in range(STEPS):
            client = ClientFactory(locale=("fi", "sv", "en")[i % 3])
            steps.append(plan_queries.add_step(PlanFactory(client_id=client.id), client, f"Step {i}", "", due))
        for i in range(APPOINTMENTS):
            client = ClientFactory(locale="fi")
            slot = make_slot(starts_at=(now + timedelta(days=1, minutes=10 + i)).replace(second=0, microsecond=0),
                             staff=staff)
            appointments.append(appointment_queries.book(slot, client, client, None, appointment_queries.Needs()))
        db.session.flush()
        ids = [str(row_id) for row_id in db.session.scalars(select(ReminderOutbox.id).where(
            ReminderOutbox.kind.in_(("2d", "booked")), ReminderOutbox.channel == "email",
            (ReminderOutbox.step_id.in_([s.id for s in steps]))
            | (ReminderOutbox.appointment_id.in_([a.id for a in appointments]))))]
        db.session.commit()
    assert len(ids) == STEPS + 2 * APPOINTMENTS
    return ids


def test_two_runs_at_once_send_each_step_reminder_exactly_once(own_app: Flask) -> None:
    now = reminder_times(today_in_helsinki() + timedelta(days=10))["2d"] + timedelta(minutes=1)
    expected = _committed(own_app, now)
    start = threading.Barrier(RUNS)

    def run() -> Report:
        start.wait()
        with own_app.app_context():  # like a separate `flask send-reminders` process: its own session
            return send_due(now=now, sms=LoggingSmsSender())

    with smtp_server(own_app) as inbox:
        inbox.delay = 0.01  # a real server takes a moment: the two runs overlap
        with ThreadPoolExecutor(max_workers=RUNS) as pool:
            reports = [future.result(timeout=120) for future in [pool.submit(run) for _ in range(RUNS)]]
        print(f"\nsent per run {[r.sent for r in reports]}")
        assert not any(r.failed or r.unknown or r.errors for r in reports), reports
        sent = Counter(message["Message-ID"].split("-", 1)[1] for message in inbox.messages)
    assert sent == Counter(f"{row_id}@jobseekers-portal>" for row_id in expected)
    with own_app.app_context():
        statuses = db.session.scalars(select(ReminderOutbox.status).where(ReminderOutbox.kind.in_(("2d", "booked")))).all()
        assert Counter(statuses) == Counter({"sent": len(expected)})
