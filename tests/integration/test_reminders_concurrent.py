"""Two `send-reminders` runs at the same time, against a real SMTP server: every due reminder arrives once.

Each run has its own app context, session and database connection. On PostgreSQL the runs take rows with
FOR UPDATE SKIP LOCKED; on SQLite one writes at a time and the other waits or finds nothing. The runs must see
each other's commits, so this module has a database of its own (a fresh SQLite file, or a fresh PostgreSQL
database next to TEST_DATABASE_URL's), dropped at the end.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from portal import create_app
from portal.appointments import queries
from portal.extensions import db
from portal.models import AppointmentEvent, ReminderOutbox, utcnow
from portal.reminders.senders import LoggingSmsSender
from portal.reminders.sending import Report, send_due

from ..conftest import TEST_CONFIG
from ..support.appointments import make_slot
from ..support.databases import own_database
from ..support.factories import ClientFactory, OrganisationFactory, StaffFactory
from .test_reminders import smtp_server

RUNS = 2
APPOINTMENTS = 15
ROUNDS = 3


@pytest.fixture(scope="module")
def reminders_database_url() -> Iterator[str]:
    with own_database("reminders") as url:
        yield url


@pytest.fixture(scope="module")
def own_app(reminders_database_url: str) -> Iterator[Flask]:
    app = create_app({**TEST_CONFIG, "DATABASE_URL": reminders_database_url})
    try:
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()


def _book_committed(app: Flask, count: int) -> list[uuid.UUID]:
    """Appointments 3 days ahead (e-mail only), committed; returns the ids of their 2-day e-mail reminders and
    of their booking confirmations, which go through the same outbox."""
    with app.app_context():
        staff = StaffFactory(organisation_id=OrganisationFactory().id)
        appointments = []
        for i in range(count):
            client = ClientFactory(locale=("fi", "sv", "en")[i % 3])
            slot = make_slot(starts_in=timedelta(days=3, minutes=i), staff=staff)
            appointments.append(queries.book(slot, client, client, None, queries.Needs()))
        db.session.flush()
        ids = list(db.session.scalars(select(ReminderOutbox.id).where(
            ReminderOutbox.appointment_id.in_([a.id for a in appointments]),
            ReminderOutbox.kind.in_(("2d", "booked")))))
        db.session.commit()
        assert len(ids) == 2 * count
        return ids


def _runs_at_once(app: Flask, now: datetime) -> list[Report]:
    start = threading.Barrier(RUNS)

    def run() -> Report:
        start.wait()
        with app.app_context():  # like a separate `flask send-reminders` process: its own session
            return send_due(now=now, sms=LoggingSmsSender())

    with ThreadPoolExecutor(max_workers=RUNS) as pool:
        futures = [pool.submit(run) for _ in range(RUNS)]
        return [future.result(timeout=120) for future in futures]  # an exception in a run fails the test


def test_two_runs_at_once_send_each_reminder_exactly_once(own_app: Flask) -> None:
    with smtp_server(own_app) as inbox:
        inbox.delay = 0.01  # a real server takes a moment: the two runs overlap
        expected: list[uuid.UUID] = []
        for round_ in range(ROUNDS):
            ids = _book_committed(own_app, APPOINTMENTS)
            expected += ids
            reports = _runs_at_once(own_app, utcnow() + timedelta(days=1, hours=1))
            print(f"\nround {round_}: sent per run {[r.sent for r in reports]}")
            assert sum(r.sent for r in reports) == 2 * APPOINTMENTS, reports
            assert not any(r.failed or r.unknown or r.errors for r in reports), reports
            assert len(inbox.messages) == len(expected)

        ids_sent = Counter(message["Message-ID"].split("-", 1)[1] for message in inbox.messages)
        assert ids_sent == Counter(f"{row_id}@jobseekers-portal>" for row_id in expected)

    with own_app.app_context():
        rows = db.session.scalars(select(ReminderOutbox).where(ReminderOutbox.id.in_(expected))).all()
        assert {(row.status, row.attempts) for row in rows} == {("sent", 1)}
        events = db.session.scalar(select(func.count()).select_from(AppointmentEvent)
                                   .where(AppointmentEvent.kind.in_(("reminder_sent", "confirmation_sent"))))
        assert events == len(expected)
        # the 2-hour reminders are not due yet: untouched
        later = db.session.scalars(select(ReminderOutbox.status).where(ReminderOutbox.kind == "2h")).all()
        assert later and set(later) == {"pending"}


def test_a_row_another_run_holds_is_skipped_not_waited_for(own_app: Flask) -> None:
    with own_app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("row locks and SKIP LOCKED are PostgreSQL's; SQLite has one writer at a time")
    with smtp_server(own_app) as inbox:
        now = utcnow() + timedelta(days=1, hours=1)
        # the only rows due at `now`: these bookings' confirmations and 2-day reminders (an earlier test's are
        # sent, the 2-hour ones not due yet)
        ids = _book_committed(own_app, 3)
        with own_app.app_context():
            held = ids[0]
            locker = db.engine.connect()
            transaction = locker.begin()  # another run that has the row locked and has not committed yet
            locker.execute(select(ReminderOutbox.id).where(ReminderOutbox.id == held).with_for_update())
            try:
                with ThreadPoolExecutor(max_workers=1) as pool:
                    def run() -> Report:
                        with own_app.app_context():
                            return send_due(now=now)
                    report = pool.submit(run).result(timeout=30)  # would hang here if it waited for the lock
            finally:
                transaction.rollback()
                locker.close()
        assert report.sent == len(ids) - 1 and not report.errors, report
        sent_ids = {message["Message-ID"].split("-", 1)[1] for message in inbox.messages}
        assert f"{held}@jobseekers-portal>" not in sent_ids
        with own_app.app_context():
            assert db.session.get(ReminderOutbox, held).status == "pending"  # type: ignore[union-attr]
            assert send_due(now=now).sent == 1  # released: the next run sends it
        ids_sent = Counter(message["Message-ID"].split("-", 1)[1] for message in inbox.messages)
        assert ids_sent == Counter(f"{row_id}@jobseekers-portal>" for row_id in ids)
