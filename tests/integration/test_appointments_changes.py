"""Moving and cancelling: one transaction, history kept, the team told, nothing deleted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.appointments import queries
from portal.extensions import db
from portal.models import Appointment, AppointmentEvent, ReminderOutbox, TeamNotice, User, utcnow

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


# --- A change that lost a race changes nothing (the guarded UPDATE … WHERE status = 'booked') -------------

def _changed_behind_its_back(appointment: Appointment, status: str) -> None:
    """Another request changed the row after this one loaded it: the loaded object still says booked."""
    from sqlalchemy import update

    db.session.execute(update(Appointment).where(Appointment.id == appointment.id).values(status=status)
                       .execution_options(synchronize_session=False))
    assert appointment.status == "booked"


@pytest.mark.parametrize("meanwhile", ["cancelled", "rescheduled"])
def test_a_move_of_an_appointment_changed_meanwhile_books_nothing(booked, meanwhile: str) -> None:
    client = db.session.get(User, booked.client_id)
    new_slot = make_slot(starts_at=booked.slot.starts_at + timedelta(days=1), organisation_id=booked.slot.organisation_id)
    _changed_behind_its_back(booked, meanwhile)
    with pytest.raises(queries.AlreadyChanged):
        queries.book(new_slot, client, client, None, queries.Needs(), replaces=booked)
    assert booked.status == meanwhile  # what the database holds, not the stale "booked"
    assert queries.free_seats(new_slot) == [1]
    assert db.session.scalars(select(Appointment).where(Appointment.rescheduled_from_id == booked.id)).all() == []
    kinds = list(db.session.scalars(select(AppointmentEvent.kind).where(AppointmentEvent.appointment_id == booked.id)))
    assert kinds == ["booked"]


def test_the_same_move_sent_twice_at_once_shows_the_first_confirmation(booked) -> None:
    """The second press loaded the appointment before the first one committed; the guard finds it moved, and
    the form's key finds the move that was made: the same confirmation, nothing booked twice."""
    import uuid
    from unittest import mock

    from sqlalchemy.orm.attributes import set_committed_value

    client = db.session.get(User, booked.client_id)
    new_slot = make_slot(starts_at=booked.slot.starts_at + timedelta(days=1), organisation_id=booked.slot.organisation_id)
    key = uuid.uuid4()
    first = queries.book(new_slot, client, client, key, queries.Needs(), replaces=booked)
    assert first is not None and booked.status == "rescheduled"
    set_committed_value(booked, "status", "booked")  # as the second request saw it…
    with mock.patch.object(queries, "free_seats", return_value=[1]):  # …with the new seat still free
        again = queries.book(new_slot, client, client, key, queries.Needs(), replaces=booked)
    assert again is not None and again.id == first.id
    assert booked.status == "rescheduled"


@pytest.mark.parametrize("cant_come", [False, True])
def test_a_cancel_of_an_appointment_changed_meanwhile_changes_nothing(booked, cant_come: bool) -> None:
    client = db.session.get(User, booked.client_id)
    _changed_behind_its_back(booked, "rescheduled")
    assert queries.cancel(booked, client, "health", "", cant_come) is False
    assert booked.status == "rescheduled" and booked.cancel_reason is None
    kinds = list(db.session.scalars(select(AppointmentEvent.kind).where(AppointmentEvent.appointment_id == booked.id)))
    assert kinds == ["booked"]
    assert db.session.scalars(select(TeamNotice).where(TeamNotice.client_id == booked.client_id)).all() == []


def test_cancelling_in_a_tab_opened_before_the_move_says_nothing_was_changed(signed_in: PortalClient, booked) -> None:
    form = signed_in.get(f"/appointments/{booked.id}/cancel")  # this tab is opened first…
    assert form.status_code == 200
    booked.status = "rescheduled"  # …and the appointment is moved in another one
    db.session.flush()
    response = signed_in.post_form(f"/appointments/{booked.id}/cancel", {"reason": "health"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/appointments/{booked.id}")
    page = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "That appointment was already cancelled or moved, so nothing was changed." in page
    assert db.session.scalars(select(TeamNotice).where(TeamNotice.client_id == booked.client_id)).all() == []


# --- Cancel and "I can't come" have words of their own -----------------------------------------------------

def test_the_cancel_form_asks_why_you_cancel_not_why_you_cant_come(signed_in: PortalClient, booked) -> None:
    page = signed_in.get(f"/appointments/{booked.id}/cancel").get_data(as_text=True)
    assert "Why do you want to cancel?" in page and "can&#39;t come" not in page and "can't come" not in page
    response = signed_in.post_form(f"/appointments/{booked.id}/cancel", {})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Choose why you want to cancel" in page
    assert "Choose the reason you can" not in page
    response = signed_in.post_form(f"/appointments/{booked.id}/cancel", {"reason": "other", "detail": ""})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Tell us why you want to cancel" in page and "Tell us why you can" not in page
    db.session.refresh(booked)
    assert booked.status == "booked"


def test_the_cant_come_form_keeps_its_own_words(signed_in: PortalClient, booked) -> None:
    page = signed_in.get(f"/appointments/{booked.id}/cant-come").get_data(as_text=True)
    assert "Why can&#39;t you come?" in page or "Why can't you come?" in page
    assert "Why do you want to cancel?" not in page
    page = signed_in.post_form(f"/appointments/{booked.id}/cant-come", {}).get_data(as_text=True)
    assert "Choose the reason you can" in page and "Choose why you want to cancel" not in page


# --- Changing an answer on the check page of a move keeps it a move ----------------------------------------

def _change_link(html: str, hidden_words: str) -> str:
    import html as html_lib
    import re

    for href, words in re.findall(r'<a href="([^"]+)">Change<span class="visually-hidden"> ([^<]+)</span></a>', html):
        if words == hidden_words:
            return html_lib.unescape(href)
    raise AssertionError(f"no Change link for {hidden_words!r}")


def test_changing_what_on_the_check_page_of_a_move_keeps_the_move(signed_in: PortalClient, booked, jobseeker) -> None:
    from portal.appointments.times import local_day

    signed_in.booked_id = booked.id  # type: ignore[attr-defined]
    first_choice = make_slot(starts_at=booked.slot.starts_at + timedelta(days=1),
                             organisation_id=booked.slot.organisation_id)
    check = _reschedule_to_check(signed_in, first_choice)
    link = _change_link(check, "what the appointment is about")
    assert link.startswith("/appointments/book?")
    page = signed_in.get(link).get_data(as_text=True)
    assert "Move your appointment" in page
    elsewhere = make_slot(starts_at=booked.slot.starts_at + timedelta(days=2))  # another agency
    response = signed_in.post(link, data={"csrf_token": signed_in.csrf_token(),
                                          "what": f"{elsewhere.organisation_id}:"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/appointments/book/day")
    signed_in.post_form("/appointments/book/day", {"day": local_day(elsewhere.starts_at).isoformat()})
    response = signed_in.post_form("/appointments/book/time", {"slot": str(elsewhere.id)})
    assert response.headers["Location"].endswith("/appointments/book/check")  # the support asked for came along
    check = signed_in.get("/appointments/book/check").get_data(as_text=True)
    assert "Check your new time before moving the appointment" in check
    assert "Move appointment" in check and "Book appointment" not in check
    response = signed_in.post_form("/appointments/book/check", confirm_fields(check))
    assert response.status_code == 302
    assert "Your appointment is moved" in signed_in.get(response.headers["Location"]).get_data(as_text=True)
    db.session.refresh(booked)
    assert booked.status == "rescheduled"
    mine = list(db.session.scalars(select(Appointment).where(Appointment.client_id == jobseeker.user.id,
                                                             Appointment.status == "booked")))
    assert [(a.slot_id, a.rescheduled_from_id) for a in mine] == [(elsewhere.id, booked.id)]


def test_every_change_link_and_back_link_of_a_move_stays_in_the_move(signed_in: PortalClient, booked) -> None:
    signed_in.booked_id = booked.id  # type: ignore[attr-defined]
    new_slot = make_slot(starts_at=booked.slot.starts_at + timedelta(days=1), organisation_id=booked.slot.organisation_id)
    check = _reschedule_to_check(signed_in, new_slot)
    for words in ("what the appointment is about", "the time", "the support you need", "other support"):
        page = signed_in.get(_change_link(check, words).split("#")[0])
        assert page.status_code == 200, words
        assert "Move your appointment" in page.get_data(as_text=True), words
    day = signed_in.get("/appointments/book/day").get_data(as_text=True)
    assert f'href="/appointments/book?move={booked.id}"' in day  # Back goes to the first question of the move


def test_book_an_appointment_after_leaving_a_move_half_way_is_a_new_booking(signed_in: PortalClient, booked) -> None:
    signed_in.booked_id = booked.id  # type: ignore[attr-defined]
    new_slot = make_slot(starts_at=booked.slot.starts_at + timedelta(days=1), organisation_id=booked.slot.organisation_id)
    _reschedule_to_check(signed_in, new_slot)
    check = walk_to_check(signed_in, new_slot)  # "Book an appointment" on My appointments
    assert "Check your answers before booking" in check and "Book appointment" in check
    signed_in.post_form("/appointments/book/check", confirm_fields(check))
    db.session.refresh(booked)
    assert booked.status == "booked"  # still there: a new booking never moves an old one


def test_an_appointment_that_ended_while_moving_it_stays_as_it_was(signed_in: PortalClient, booked) -> None:
    signed_in.booked_id = booked.id  # type: ignore[attr-defined]
    new_slot = make_slot(starts_at=booked.slot.starts_at + timedelta(days=1),
                         organisation_id=booked.slot.organisation_id)
    check = _reschedule_to_check(signed_in, new_slot)
    # the old time passes while the check page is open
    booked.slot.starts_at = utcnow() - timedelta(hours=1)
    booked.slot.ends_at = utcnow() - timedelta(minutes=15)
    db.session.flush()
    response = signed_in.post_form("/appointments/book/check", confirm_fields(check))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/appointments/{booked.id}")
    assert "This appointment can no longer be changed." in signed_in.get(response.headers["Location"]).get_data(
        as_text=True)
    db.session.refresh(booked)
    assert booked.status == "booked"  # left for staff to mark attended or not
    assert queries.free_seats(new_slot) == [1]
