"""Booking abuse (issue 16, item 13): one seat per client in a time, no overlapping appointments, and a cap on
upcoming appointments per organisation when the client books. 50 parallel requests: test_booking_limits_race.py.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.appointments import queries
from portal.appointments.times import local_day
from portal.extensions import db
from portal.models import Appointment, Slot, User

from ..support.appointments import make_slot, three_days_ahead_at_ten
from ..support.client import PortalClient
from ..support.factories import PASSWORD, ClientFactory, StaffFactory, in_team


def _count(client: User) -> int:
    return db.session.scalar(select(func.count()).select_from(Appointment).where(
        Appointment.client_id == client.id, Appointment.status == "booked")) or 0


def _try_to_book(browser: PortalClient, slot: Slot) -> tuple[object, object]:
    """The check page, and what pressing "Book appointment" on it answers (support/appointments.py's
    walk_to_check expects the check page to be shown, which a refusal replaces)."""
    browser.post_form("/appointments/book", {"what": f"{slot.organisation_id}:{slot.service_id or ''}"})
    browser.post_form("/appointments/book/day", {"day": local_day(slot.starts_at).isoformat()})
    browser.post_form("/appointments/book/time", {"slot": str(slot.id)})
    browser.post_form("/appointments/book/needs", {"interpreter": "no"})
    page = browser.get("/appointments/book/check")
    html = page.get_data(as_text=True)
    key = html.split('name="idempotency_key" type="hidden" value="')[1].split('"')[0] if "idempotency_key" in html \
        else str(uuid.uuid4())
    pressed = browser.post_form("/appointments/book/check", {"idempotency_key": key, "slot_id": str(slot.id)})
    return page, pressed


def _book(client: User, slot: Slot) -> Appointment:
    booked = queries.book(slot, client, client, uuid.uuid4(), queries.Needs())
    assert booked is not None
    return booked


def test_one_client_cannot_hold_two_seats_of_one_time(signed_in: PortalClient, jobseeker) -> None:
    slot = make_slot(capacity=5)
    booked = _book(jobseeker.user, slot)
    page, pressed = _try_to_book(signed_in, slot)
    for response in (page, pressed):
        assert response.status_code == 409  # type: ignore[attr-defined]
        html = response.get_data(as_text=True)  # type: ignore[attr-defined]
        assert "You have already booked this time" in html
        assert f"/appointments/{booked.id}" in html
    assert _count(jobseeker.user) == 1


def test_an_overlapping_time_is_refused_and_the_clash_is_named(signed_in: PortalClient, jobseeker) -> None:
    first = make_slot(topic_fi="CV clinic")
    _book(jobseeker.user, first)
    other = make_slot(starts_at=first.starts_at + timedelta(minutes=30))  # another agency, half an hour later
    _, pressed = _try_to_book(signed_in, other)
    assert pressed.status_code == 409  # type: ignore[attr-defined]
    html = pressed.get_data(as_text=True)  # type: ignore[attr-defined]
    assert "You already have an appointment at that time" in html
    assert "“CV clinic”" in html and "Nothing was booked" in html and "See that appointment" in html
    assert _count(jobseeker.user) == 1


def test_back_to_back_times_are_not_a_clash(signed_in: PortalClient, jobseeker) -> None:
    first = make_slot()
    _book(jobseeker.user, first)
    _, pressed = _try_to_book(signed_in, make_slot(starts_at=first.ends_at))
    assert pressed.status_code == 302  # type: ignore[attr-defined]


def test_a_fourth_upcoming_appointment_with_one_organisation_is_refused_with_what_to_do(
        signed_in: PortalClient, jobseeker) -> None:
    staff = StaffFactory()
    in_team(jobseeker.user, staff.organisation_id)  # staff book only clients of their organisation's team
    start = three_days_ahead_at_ten()
    for day in range(3):
        _book(jobseeker.user, make_slot(staff=staff, starts_at=start + timedelta(days=day)))
    _, pressed = _try_to_book(signed_in, make_slot(staff=staff, starts_at=start + timedelta(days=3)))
    assert pressed.status_code == 409  # type: ignore[attr-defined]
    html = pressed.get_data(as_text=True)  # type: ignore[attr-defined]
    assert "You cannot book more appointments with" in html
    assert "You already have 3 upcoming appointments with" in html
    assert "move one of them to a time that suits you better" in html and "ask your contact person" in html
    assert _count(jobseeker.user) == 3
    # another organisation's time is fine
    _, elsewhere = _try_to_book(signed_in, make_slot(starts_at=start + timedelta(days=4)))
    assert elsewhere.status_code == 302  # type: ignore[attr-defined]


def test_moving_one_of_the_three_is_allowed(signed_in: PortalClient, jobseeker) -> None:
    staff = StaffFactory()
    start = three_days_ahead_at_ten()
    booked = [_book(jobseeker.user, make_slot(staff=staff, starts_at=start + timedelta(days=d))) for d in range(3)]
    later = make_slot(staff=staff, starts_at=start + timedelta(days=5))
    moved = queries.book(later, jobseeker.user, jobseeker.user, uuid.uuid4(), queries.Needs(), replaces=booked[0])
    assert moved is not None and booked[0].status == "rescheduled"


def test_the_cap_is_a_setting_and_zero_turns_it_off(app: Flask, signed_in: PortalClient, jobseeker,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "MAX_UPCOMING_PER_ORGANISATION", 0)
    staff = StaffFactory()
    start = three_days_ahead_at_ten()
    for day in range(5):
        _book(jobseeker.user, make_slot(staff=staff, starts_at=start + timedelta(days=day)))
    assert _count(jobseeker.user) == 5


def test_staff_may_book_beyond_the_cap_but_never_an_overlap(client: PortalClient, jobseeker) -> None:
    from datetime import date

    staff = StaffFactory()
    in_team(jobseeker.user, staff.organisation_id)  # staff book only clients of their organisation's team
    start = three_days_ahead_at_ten()
    for day in range(3):
        _book(jobseeker.user, make_slot(staff=staff, starts_at=start + timedelta(days=day)))
    client.set_cookie("lang", "en")
    assert client.sign_in(staff.email, PASSWORD).status_code == 302

    def book_at(day: date, time: str) -> object:
        page = client.get("/staff/appointments/book").get_data(as_text=True)
        key = page.split('name="idempotency_key" type="hidden" value="')[1].split('"')[0]
        return client.post_form("/staff/appointments/book", {
            "client_email": jobseeker.user.email, "day-day": str(day.day), "day-month": str(day.month),
            "day-year": str(day.year), "start_time": time, "length": "30", "mode": "phone", "location": "",
            "topic": "Follow-up", "interpreter_language": "", "idempotency_key": key, "plan_step": "none"})

    fourth = book_at(local_day(start) + timedelta(days=10), "13.15")
    assert fourth.status_code == 302  # type: ignore[attr-defined]
    clash = book_at(local_day(start), "10.15")  # during the first of the three
    assert clash.status_code == 400  # type: ignore[attr-defined]
    html = clash.get_data(as_text=True)  # type: ignore[attr-defined]
    assert "The client already has another appointment at that time" in html
    assert _count(jobseeker.user) == 4


# --- what the database itself refuses, whatever the app checked ------------------------------------------------


def _row(slot: Slot, client: User, seat: int = 1, status: str = "booked") -> Appointment:
    return Appointment(id=uuid.uuid4(), slot_id=slot.id, seat=seat, client_id=client.id, status=status,
                       booked_by_id=client.id, booked_by_role="client")


def test_the_database_refuses_a_second_seat_of_one_time_for_one_client(jobseeker) -> None:
    slot = make_slot(capacity=3)
    db.session.add(_row(slot, jobseeker.user, seat=1))
    db.session.flush()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(_row(slot, jobseeker.user, seat=2, status="attended"))
        db.session.flush()


def test_the_database_refuses_an_overlapping_booked_appointment(jobseeker) -> None:
    first = make_slot()
    db.session.add(_row(first, jobseeker.user))
    db.session.flush()
    overlapping = make_slot(starts_at=first.starts_at + timedelta(minutes=44))
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(_row(overlapping, jobseeker.user))
        db.session.flush()
    cancelled = _row(overlapping, jobseeker.user, status="cancelled")  # a cancelled one holds no time
    db.session.add(cancelled)
    db.session.flush()
    with pytest.raises(IntegrityError), db.session.begin_nested():  # nor can it be booked again
        cancelled.status = "booked"
        db.session.flush()


def test_two_clients_at_the_same_time_are_fine(jobseeker) -> None:
    slot = make_slot(capacity=2)
    db.session.add_all([_row(slot, jobseeker.user, seat=1), _row(slot, ClientFactory(), seat=2)])
    db.session.flush()
    assert db.session.scalar(select(func.count()).select_from(Appointment).where(Appointment.slot_id == slot.id)) == 2
