"""The client's booking journey without JavaScript: question pages, check answers, confirmation, .ics."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Appointment, AppointmentEvent, ReminderOutbox, SlotStatus, utcnow

from ..support.appointments import confirm_fields, make_slot, walk_to_check
from ..support.client import PortalClient
from ..support.factories import ClientFactory


@pytest.fixture()
def english(signed_in: PortalClient) -> PortalClient:
    signed_in.set_cookie("lang", "en")
    return signed_in


def _count(**where: object) -> int:
    statement = select(func.count()).select_from(Appointment)
    for name, value in where.items():
        statement = statement.where(getattr(Appointment, name) == value)
    return db.session.scalar(statement) or 0


def test_booking_journey_ends_on_a_confirmation_with_calendar_file(english: PortalClient, jobseeker) -> None:
    slot = make_slot(topic_en="Job-search review meeting")
    check = walk_to_check(english, slot, interpreter="yes", language="Somali")
    assert "Check your answers before booking" in check
    assert "Yes, Somali" in check
    assert "Change" in check
    response = english.post_form("/appointments/book/check", confirm_fields(check))
    assert response.status_code == 302
    assert "/confirmation" in response.headers["Location"]
    page = english.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your appointment is booked" in page
    assert "Add to calendar" in page
    assert "If you can" in page  # how to cancel
    appointment = db.session.scalars(select(Appointment).where(Appointment.client_id == jobseeker.user.id)).one()
    assert appointment.interpreter_language == "Somali"
    assert appointment.status == "booked"
    ics = english.get(f"/appointments/{appointment.id}/calendar.ics")
    assert ics.mimetype == "text/calendar"
    assert b"TZID=Europe/Helsinki" in ics.data and b"BEGIN:VTIMEZONE" in ics.data
    outbox = db.session.execute(select(ReminderOutbox.channel, ReminderOutbox.kind)
                                .where(ReminderOutbox.appointment_id == appointment.id)).all()
    # a confirmation now, and e-mail 2 days and 2 hours before (no phone number)
    assert sorted(outbox) == [("email", "2d"), ("email", "2h"), ("email", "booked")]


def test_days_are_a_list_with_free_times_not_a_date_picker(english: PortalClient) -> None:
    slot = make_slot()
    make_slot(starts_at=slot.starts_at + timedelta(hours=1), staff=None, organisation_id=slot.organisation_id)
    english.get("/appointments/book")
    english.post_form("/appointments/book", {"what": f"{slot.organisation_id}:"})
    page = english.get("/appointments/book/day").get_data(as_text=True)
    assert 'type="radio"' in page and 'type="date"' not in page
    assert "2 free times" in page


def test_missing_answers_get_an_error_summary_and_keep_the_page(english: PortalClient) -> None:
    make_slot()
    english.get("/appointments/book")
    response = english.post_form("/appointments/book", {})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "<title>Error: " in page
    assert 'href="#what-0"' in page and "Choose what the appointment is about" in page


def test_interpreter_needs_a_language(english: PortalClient) -> None:
    slot = make_slot()
    walk_to_check(english, slot)
    response = english.post_form("/appointments/book/needs", {"interpreter": "yes", "language": ""})
    assert response.status_code == 400
    assert "Enter the language you need an interpreter for" in response.get_data(as_text=True)


def test_double_submit_books_once_and_shows_the_same_confirmation(english: PortalClient, jobseeker) -> None:
    slot = make_slot()
    fields = confirm_fields(walk_to_check(english, slot))
    first = english.post_form("/appointments/book/check", fields)
    second = english.post_form("/appointments/book/check", fields)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert _count(client_id=jobseeker.user.id) == 1


@pytest.mark.parametrize("tampered", ["not-a-uuid", "00000000-0000-0000-0000-000000000000", "<script>"])
def test_tampered_time_gets_a_clear_message(english: PortalClient, tampered: str) -> None:
    slot = make_slot()
    walk_to_check(english, slot)
    response = english.post_form("/appointments/book/time", {"slot": tampered})
    assert response.status_code == 400
    assert "That time cannot be booked. Choose one of the free times on the list." in response.get_data(as_text=True)


def test_tampered_confirm_form_changes_nothing(english: PortalClient, jobseeker) -> None:
    slot = make_slot()
    other = make_slot(organisation_id=slot.organisation_id)
    fields = confirm_fields(walk_to_check(english, slot))
    response = english.post_form("/appointments/book/check", {**fields, "slot_id": str(other.id)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/appointments/book/check")
    response = english.post_form("/appointments/book/check", {**fields, "idempotency_key": "x' OR 1=1"})
    assert response.status_code == 302
    assert _count(client_id=jobseeker.user.id) == 0


@pytest.mark.parametrize("kind", ["past", "withdrawn", "internal", "other agency"])
def test_slots_that_cannot_be_booked_are_refused(english: PortalClient, jobseeker, kind: str) -> None:
    """A tampered time answer: a past, withdrawn, internal or other agency's slot id is refused next to the
    field, even on the same day as the free time the client was offered, and nothing is booked."""
    from portal.appointments.times import local_day

    bookable = make_slot()
    same_day = bookable.starts_at + timedelta(hours=1)
    forbidden = {
        "past": lambda: make_slot(organisation_id=bookable.organisation_id, starts_in=-timedelta(hours=1)),
        "withdrawn": lambda: make_slot(organisation_id=bookable.organisation_id, starts_at=same_day,
                                       status=SlotStatus.WITHDRAWN.value),
        "internal": lambda: make_slot(organisation_id=bookable.organisation_id, starts_at=same_day, internal=True),
        "other agency": lambda: make_slot(starts_at=same_day),
    }[kind]()
    english.get("/appointments/book")
    choice = f"{bookable.organisation_id}:"
    assert english.post_form("/appointments/book", {"what": choice}).status_code == 302
    day = local_day(bookable.starts_at).isoformat()
    assert english.post_form("/appointments/book/day", {"day": day}).status_code == 302

    response = english.post_form("/appointments/book/time", {"slot": str(forbidden.id)})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "That time cannot be booked. Choose one of the free times on the list." in page
    assert str(forbidden.id) not in page  # not offered as a choice either
    # the answer was not kept: "Check your answers" sends the client back to the questions
    assert english.get("/appointments/book/check").status_code == 302
    assert _count(client_id=jobseeker.user.id) == 0


def test_slot_withdrawn_while_checking_answers_is_refused_kindly(english: PortalClient, jobseeker) -> None:
    slot = make_slot()
    fields = confirm_fields(walk_to_check(english, slot))
    slot.status = SlotStatus.WITHDRAWN.value
    db.session.flush()
    response = english.post_form("/appointments/book/check", fields)
    assert response.status_code == 400
    assert "This time is no longer available" in response.get_data(as_text=True)
    assert _count(client_id=jobseeker.user.id) == 0


def test_time_taken_by_someone_else_offers_the_nearest_free_times(english: PortalClient, jobseeker) -> None:
    from ..support.factories import ClientFactory

    slot = make_slot()
    nearby = make_slot(starts_at=slot.starts_at + timedelta(hours=2), organisation_id=slot.organisation_id)
    fields = confirm_fields(walk_to_check(english, slot))
    db.session.add(Appointment(slot_id=slot.id, seat=1, client_id=ClientFactory().id,
                               booked_by_id=jobseeker.user.id, booked_by_role="client"))
    db.session.flush()
    response = english.post_form("/appointments/book/check", fields)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Sorry, this time was just taken" in page
    assert "Here are the nearest free times" in page and str(nearby.id) in page
    # choosing a nearby time goes on to the remaining questions
    response = english.post_form("/appointments/book/time", {"slot": str(nearby.id)})
    assert response.status_code == 302


def test_another_clients_appointment_is_not_found(english: PortalClient) -> None:
    from ..support.factories import ClientFactory

    slot = make_slot()
    other = ClientFactory()
    appointment = Appointment(slot_id=slot.id, seat=1, client_id=other.id, booked_by_id=other.id,
                              booked_by_role="client")
    db.session.add(appointment)
    db.session.flush()
    for path in ("", "/confirmation", "/calendar.ics", "/cancel", "/reschedule"):
        assert english.get(f"/appointments/{appointment.id}{path}").status_code == 404


def test_staff_cannot_use_the_client_booking_pages(client: PortalClient, staff_user) -> None:
    from ..support.factories import PASSWORD

    client.sign_in(staff_user.email, PASSWORD)
    assert client.get("/appointments").status_code == 403


def test_my_appointments_and_home_show_the_next_one(english: PortalClient) -> None:
    slot = make_slot()
    english.post_form("/appointments/book/check", confirm_fields(walk_to_check(english, slot)))
    page = english.get("/appointments").get_data(as_text=True)
    assert "Upcoming" in page and "Booked" in page
    home = english.get("/").get_data(as_text=True)
    assert "Next: " in home and "My appointments" in home


def test_events_are_append_only(english: PortalClient) -> None:
    from sqlalchemy.exc import DatabaseError

    slot = make_slot()
    english.post_form("/appointments/book/check", confirm_fields(walk_to_check(english, slot)))
    event = db.session.scalars(select(AppointmentEvent)).first()
    assert event is not None
    with pytest.raises(DatabaseError), db.session.begin_nested():
        event.detail = "changed"
        db.session.flush()
    assert utcnow()


# --- Too soon is not "already passed" ----------------------------------------------------------------------

def test_a_time_within_the_booking_notice_is_too_soon_not_past(english: PortalClient, jobseeker) -> None:
    slot = make_slot()
    later = make_slot(starts_at=slot.starts_at + timedelta(hours=2), organisation_id=slot.organisation_id)
    fields = confirm_fields(walk_to_check(english, slot))
    slot.starts_at = (utcnow() + timedelta(minutes=10)).replace(microsecond=0)  # the answers took a while
    slot.ends_at = slot.starts_at + timedelta(minutes=45)
    db.session.flush()
    response = english.post_form("/appointments/book/check", fields)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "This time is too soon to book online" in page and "Choose a later time." in page
    assert "already passed" not in page
    assert str(later.id) in page  # later times to choose instead
    assert _count(client_id=jobseeker.user.id) == 0


def test_refusals_tell_past_from_too_soon(app) -> None:  # type: ignore[no-untyped-def]
    from portal.appointments import queries

    now = utcnow()
    assert queries.slot_for_client(make_slot(starts_in=-timedelta(hours=1)).id, now)[1] == queries.Refusal.PAST
    assert queries.slot_for_client(make_slot(starts_in=timedelta(minutes=10)).id, now)[1] == queries.Refusal.TOO_SOON
    assert queries.slot_for_client(make_slot(starts_in=timedelta(minutes=31)).id, now)[1] is None


# --- A past appointment nobody has marked is not "Booked" --------------------------------------------------

def test_a_past_appointment_not_yet_marked_reads_past_not_booked(english: PortalClient, jobseeker) -> None:
    slot = make_slot(starts_in=-timedelta(days=1))
    appointment = Appointment(slot_id=slot.id, seat=1, client_id=jobseeker.user.id, booked_by_id=jobseeker.user.id,
                              booked_by_role="client")
    db.session.add(appointment)
    db.session.flush()
    listing = english.get("/appointments").get_data(as_text=True)
    past = listing[listing.index("Past and cancelled"):]
    assert ">Past</strong>" in past and ">Booked</strong>" not in listing
    page = english.get(f"/appointments/{appointment.id}").get_data(as_text=True)
    assert ">Past</strong>" in page and ">Booked</strong>" not in page
    assert f"{slot.organisation.name_en} has not yet marked whether you came." in page
    db.session.refresh(appointment)
    assert appointment.status == "booked"  # the team can still mark it attended or not


# --- Every free day is offered, and the choices are in the reader's alphabetical order ---------------------

def test_free_days_count_every_free_time_not_only_the_first_400(app) -> None:  # type: ignore[no-untyped-def]
    import uuid

    from portal.appointments import queries
    from portal.appointments.times import local_day
    from portal.models import Slot

    first = make_slot()
    starts = first.starts_at
    db.session.add_all(
        Slot(id=uuid.uuid4(), organisation_id=first.organisation_id, staff_id=first.staff_id,
             created_by_id=first.staff_id, starts_at=starts + timedelta(minutes=i),
             ends_at=starts + timedelta(minutes=i + 45)) for i in range(1, 450)
    )
    last = make_slot(starts_at=starts + timedelta(days=2), organisation_id=first.organisation_id,
                     staff=None)
    db.session.flush()
    days = dict(queries.free_days(first.organisation_id, None, utcnow()))
    assert days[local_day(last.starts_at)] == 1
    assert sum(days.values()) == 451


def test_choices_are_sorted_by_the_name_in_the_readers_language(signed_in: PortalClient) -> None:
    from ..support.factories import OrganisationFactory

    names = {  # fi, sv, en
        "a": ("Aalto-virasto", "Östra verket", "Zeta Agency"),
        "b": ("Öljy-virasto", "Åsa verket", "Alpha Agency"),
        "c": ("Zeta-virasto", "Ärla verket", "Mid Agency"),
    }
    for key, (fi, sv, en) in names.items():
        make_slot(organisation_id=OrganisationFactory(code=f"sort-{key}", name_fi=fi, name_sv=sv, name_en=en).id)
    expected = {"fi": "acb", "sv": "bca", "en": "bca"}  # Swedish: å before ä before ö, all after z
    for lang, order in expected.items():
        signed_in.set_cookie("lang", lang)
        page = signed_in.get("/appointments/book").get_data(as_text=True)
        column = {"fi": 0, "sv": 1, "en": 2}[lang]
        positions = {key: page.index(names[key][column]) for key in names}
        assert "".join(sorted(positions, key=positions.__getitem__)) == order, (lang, positions)


def test_a_time_is_free_while_a_seat_is_left_and_a_cancelled_seat_is_free_again(app) -> None:  # type: ignore[no-untyped-def]
    from portal.appointments import queries

    slot = make_slot(capacity=2)
    clients = [ClientFactory(), ClientFactory()]

    def listed() -> bool:
        return slot.id in [free.id for free in queries.free_slots(slot.organisation_id, None, utcnow())]

    def hold(seat: int) -> Appointment:
        appointment = Appointment(slot_id=slot.id, seat=seat, client_id=clients[seat - 1].id,
                                  booked_by_id=clients[seat - 1].id, booked_by_role="client")
        db.session.add(appointment)
        db.session.flush()
        return appointment

    assert listed()
    hold(1)
    assert listed()  # one seat of two is left
    second = hold(2)
    assert not listed()
    second.status = "cancelled"
    db.session.flush()
    assert listed()
