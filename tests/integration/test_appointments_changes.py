"""Moving and cancelling: one transaction, history kept, the team told, nothing deleted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.appointments import queries
from portal.extensions import db
from portal.models import Appointment, AppointmentEvent, ReminderOutbox, TeamNotice

from ..support.appointments import confirm_fields, make_slot, walk_to_check
from ..support.client import PortalClient
from ..support.factories import ClientFactory


@pytest.fixture()
def booked(signed_in: PortalClient, jobseeker) -> Appointment:  # type: ignore[no-untyped-def]
    signed_in.set_cookie("lang", "en")
    slot = make_slot()
    signed_in.post_form("/appointments/book/check", confirm_fields(walk_to_check(signed_in, slot)))
    return db.session.scalars(select(Appointment).where(Appointment.client_id == jobseeker.user.id)).one()


def _reschedule_to_check(client: PortalClient, new_slot) -> str:  # type: ignore[no-untyped-def]
    from portal.appointments.times import local_day

    return_ = client.get(f"/appointments/{_booked_id(client)}/reschedule")
    assert return_.status_code == 302
    client.post_form("/appointments/book/day", {"day": local_day(new_slot.starts_at).isoformat()})
    response = client.post_form("/appointments/book/time", {"slot": str(new_slot.id)})
    assert response.headers["Location"].endswith("/appointments/book/check")  # needs carried over
    return client.get("/appointments/book/check").get_data(as_text=True)


def _booked_id(client: PortalClient) -> str:
    return client.booked_id  # type: ignore[attr-defined,no-any-return]


def test_reschedule_releases_the_old_time_and_takes_the_new_one(signed_in: PortalClient, booked) -> None:
    new_slot = make_slot(starts_at=booked.slot.starts_at + timedelta(days=1), organisation_id=booked.slot.organisation_id)
    signed_in.booked_id = booked.id  # type: ignore[attr-defined]
    check = _reschedule_to_check(signed_in, new_slot)
    assert "Check your new time before moving the appointment" in check
    response = signed_in.post_form("/appointments/book/check", confirm_fields(check))
    assert response.status_code == 302
    assert "Your appointment is moved" in signed_in.get(response.headers["Location"]).get_data(as_text=True)
    db.session.refresh(booked)
    assert booked.status == "rescheduled"
    new = db.session.scalars(select(Appointment).where(Appointment.rescheduled_from_id == booked.id)).one()
    assert new.slot_id == new_slot.id and new.status == "booked"
    assert queries.free_seats(booked.slot) == [1]  # the old time can be booked by someone else
    cancelled = db.session.scalars(select(ReminderOutbox.status).where(ReminderOutbox.appointment_id == booked.id))
    assert set(cancelled) == {"cancelled"}


def test_reschedule_to_a_taken_time_changes_nothing(signed_in: PortalClient, booked) -> None:
    new_slot = make_slot(starts_at=booked.slot.starts_at + timedelta(days=1), organisation_id=booked.slot.organisation_id)
    signed_in.booked_id = booked.id  # type: ignore[attr-defined]
    check = _reschedule_to_check(signed_in, new_slot)
    other = ClientFactory()
    db.session.add(Appointment(slot_id=new_slot.id, seat=1, client_id=other.id, booked_by_id=other.id,
                               booked_by_role="client"))
    db.session.flush()
    response = signed_in.post_form("/appointments/book/check", confirm_fields(check))
    assert response.status_code == 409
    db.session.refresh(booked)
    assert booked.status == "booked"
    assert queries.free_seats(booked.slot) == []


def test_reschedule_is_atomic_when_the_insert_fails(app, signed_in: PortalClient, booked) -> None:  # type: ignore[no-untyped-def]
    """The seat guard refuses the new booking after the old one was already marked moved: both roll back."""
    new_slot = make_slot(starts_at=booked.slot.starts_at + timedelta(days=1), organisation_id=booked.slot.organisation_id)
    other = ClientFactory()
    db.session.add(Appointment(slot_id=new_slot.id, seat=1, client_id=other.id, booked_by_id=other.id,
                               booked_by_role="client"))
    db.session.flush()
    from unittest import mock

    with mock.patch.object(queries, "free_seats", return_value=[1]):  # the check sees a stale "free"
        result = queries.book(new_slot, booked.client if False else db.session.get(type(other), booked.client_id),
                              db.session.get(type(other), booked.client_id), None, queries.Needs(), replaces=booked)
    assert result is None
    db.session.refresh(booked)
    assert booked.status == "booked"


def test_cancel_keeps_the_record_and_tells_the_team(signed_in: PortalClient, booked) -> None:
    response = signed_in.post_form(f"/appointments/{booked.id}/cancel", {"reason": "health"})
    assert response.status_code == 302
    page = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your appointment is cancelled" in page
    db.session.refresh(booked)
    assert booked.status == "cancelled" and booked.cancel_reason == "health"
    kinds = list(db.session.scalars(select(AppointmentEvent.kind).where(AppointmentEvent.appointment_id == booked.id)
                                    .order_by(AppointmentEvent.at)))
    assert kinds == ["booked", "cancelled"]
    notice = db.session.scalars(select(TeamNotice).where(TeamNotice.client_id == booked.client_id)).one()
    assert notice.organisation_id == booked.slot.organisation_id and notice.kind == "appointment_cancelled"
    listing = signed_in.get("/appointments").get_data(as_text=True)
    assert "Cancelled" in listing  # still in the history


def test_cant_come_offers_other_times(signed_in: PortalClient, booked) -> None:
    nearby = make_slot(starts_at=booked.slot.starts_at + timedelta(hours=3), organisation_id=booked.slot.organisation_id)
    form = signed_in.get(f"/appointments/{booked.id}/cant-come").get_data(as_text=True)
    assert "Why can" in form
    response = signed_in.post_form(f"/appointments/{booked.id}/cant-come", {"reason": "other", "detail": ""})
    assert response.status_code == 400
    assert "Tell us why you can" in response.get_data(as_text=True)
    response = signed_in.post_form(f"/appointments/{booked.id}/cant-come", {"reason": "transport"})
    page = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert str(nearby.id) in page and "Book another time" in page
    notice = db.session.scalars(select(TeamNotice).where(TeamNotice.client_id == booked.client_id)).one()
    assert notice.kind == "appointment_cant_come"


def test_a_cancelled_appointment_cannot_be_cancelled_or_moved_again(signed_in: PortalClient, booked) -> None:
    signed_in.post_form(f"/appointments/{booked.id}/cancel", {"reason": "health"})
    for path in ("cancel", "reschedule"):
        response = signed_in.get(f"/appointments/{booked.id}/{path}")
        assert response.status_code == 302 and response.headers["Location"].endswith(f"/appointments/{booked.id}")
