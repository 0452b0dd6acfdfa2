"""Helsinki wall-clock times to UTC across the 2026 clock changes, and the .ics that carries them."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest
from flask import Flask
from icalendar import Calendar

from portal.appointments import ics
from portal.appointments.times import day_bounds, local_to_utc, plan_slots
from portal.models import Appointment, Organisation, Slot


def test_spring_gap_time_does_not_exist() -> None:
    assert local_to_utc(date(2026, 3, 29), time(3, 30)) is None
    assert local_to_utc(date(2026, 3, 29), time(2, 30)) == datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    assert local_to_utc(date(2026, 3, 29), time(4, 30)) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_autumn_overlap_means_the_first_time() -> None:
    assert local_to_utc(date(2026, 10, 25), time(3, 30)) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_days_around_the_changes_are_23_and_25_hours() -> None:
    start, end = day_bounds(date(2026, 3, 29))
    assert end - start == timedelta(hours=23)
    start, end = day_bounds(date(2026, 10, 25))
    assert end - start == timedelta(hours=25)


def test_weekly_slots_keep_the_wall_clock_hour() -> None:
    planned = plan_slots(date(2026, 3, 23), date(2026, 4, 3), [0], time(9), time(10), 60)  # Mondays
    assert [s for s, _ in planned.times] == [datetime(2026, 3, 23, 7, tzinfo=UTC), datetime(2026, 3, 30, 6, tzinfo=UTC)]


def test_slots_in_the_spring_gap_are_skipped() -> None:
    planned = plan_slots(date(2026, 3, 29), date(2026, 3, 29), [6], time(2), time(5), 60)
    assert [s.hour for s, _ in planned.times] == [0, 1]  # 2.00 and 4.00 Helsinki time
    assert planned.skipped == [(date(2026, 3, 29), time(3))]


def _appointment(starts: datetime) -> Appointment:
    org = Organisation(id=uuid.uuid4(), code="x", name_fi="Virasto", name_sv="Verket", name_en="Agency")
    slot = Slot(id=uuid.uuid4(), organisation_id=org.id, starts_at=starts, ends_at=starts + timedelta(minutes=45),
                mode="in_person", location_fi="Room 1", capacity=1)
    slot.organisation, slot.service = org, None
    appointment = Appointment(id=uuid.uuid4(), slot_id=slot.id, status="booked", created_at=starts)
    appointment.slot = slot
    return appointment


@pytest.mark.parametrize(
    "utc, local",
    [
        (datetime(2026, 3, 27, 7, tzinfo=UTC), "20260327T090000"),  # winter time, before the gap
        (datetime(2026, 3, 30, 6, tzinfo=UTC), "20260330T090000"),  # summer time, after it
        (datetime(2026, 10, 23, 6, tzinfo=UTC), "20261023T090000"),  # summer time, before the overlap
        (datetime(2026, 10, 26, 7, tzinfo=UTC), "20261026T090000"),  # winter time, after it
    ],
)
def test_ics_carries_helsinki_time_with_a_timezone(app: Flask, utc: datetime, local: str) -> None:
    with app.test_request_context("/"):
        data = ics.for_appointment(_appointment(utc), "en", now=utc)
    text = data.decode()
    assert f"DTSTART;TZID=Europe/Helsinki:{local}" in text
    assert "BEGIN:VTIMEZONE" in text and "TZID:Europe/Helsinki" in text
    event = next(c for c in Calendar.from_ical(data).walk("VEVENT"))
    assert event.decoded("dtstart").astimezone(UTC) == utc


def test_slots_on_the_last_day_of_the_calendar_do_not_overflow() -> None:
    """31.12.9999 used to raise OverflowError (stepping to the next day, and 23.15 + 45 minutes)."""
    planned = plan_slots(date(9999, 12, 31), date(9999, 12, 31), range(7), time(22, 30), time(23, 59), 45)
    assert planned.times == [(datetime(9999, 12, 31, 20, 30, tzinfo=UTC),
                              datetime(9999, 12, 31, 21, 15, tzinfo=UTC))]


def test_only_days_the_calendar_works_with_are_in_it() -> None:
    from portal.appointments.times import in_calendar

    assert in_calendar(date(2026, 11, 25))
    assert not in_calendar(date(9999, 12, 31))
    assert not in_calendar(date(1, 1, 1))
