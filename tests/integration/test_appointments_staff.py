"""Staff publish times (in bulk, across the clock changes), withdraw them, mark attendance, book directly."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Appointment, Slot

from ..support.appointments import make_slot
from ..support.client import PortalClient
from ..support.factories import PASSWORD, ClientFactory


@pytest.fixture()
def staff_client(client: PortalClient, staff_user) -> PortalClient:  # type: ignore[no-untyped-def]
    client.set_cookie("lang", "en")
    assert client.sign_in(staff_user.email, PASSWORD).status_code == 302
    return client


def _publish(client: PortalClient, first: date, last: date, **extra: str) -> object:
    data = {"first_day-day": str(first.day), "first_day-month": str(first.month), "first_day-year": str(first.year),
            "last_day-day": str(last.day), "last_day-month": str(last.month), "last_day-year": str(last.year),
            "weekdays": ["0", "1", "2", "3", "4", "5", "6"], "start_time": "9.00", "end_time": "10.00",
            "length": "60", "mode": "in_person", "location_fi": "Room 2", "service": "none", "capacity": "1",
            "who": "public", **extra}
    return client.post_form("/staff/appointments/slots/new", data)


@pytest.mark.parametrize(
    "first, last, expected_utc",
    [
        # 9.00 in Helsinki is 07.00 UTC in winter and 06.00 UTC in summer (spring change 29.3.2026)
        (date(2026, 3, 28), date(2026, 3, 30), [datetime(2026, 3, 28, 7, tzinfo=UTC),
                                                datetime(2026, 3, 29, 6, tzinfo=UTC),
                                                datetime(2026, 3, 30, 6, tzinfo=UTC)]),
        # and back again at the autumn change (25.10.2026)
        (date(2026, 10, 24), date(2026, 10, 26), [datetime(2026, 10, 24, 6, tzinfo=UTC),
                                                  datetime(2026, 10, 25, 7, tzinfo=UTC),
                                                  datetime(2026, 10, 26, 7, tzinfo=UTC)]),
    ],
    ids=["spring", "autumn"],
)
def test_bulk_publish_keeps_the_wall_clock_across_dst(staff_client: PortalClient, staff_user, first: date,
                                                      last: date, expected_utc: list[datetime]) -> None:
    with mock.patch("portal.appointments.staff_forms.today_in_helsinki", return_value=date(2026, 1, 1)), \
         mock.patch("portal.common.i18n.today_in_helsinki", return_value=date(2026, 1, 1)):
        response = _publish(staff_client, first, last)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    slots = db.session.scalars(select(Slot).where(Slot.organisation_id == staff_user.organisation_id)
                               .order_by(Slot.starts_at)).all()
    assert [s.starts_at for s in slots] == expected_utc
    assert all(s.ends_at - s.starts_at == timedelta(hours=1) for s in slots)


def test_publish_form_errors_are_clear(staff_client: PortalClient) -> None:
    response = staff_client.post_form("/staff/appointments/slots/new", {"start_time": "25.00", "service": "evil"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enter a time like 9.00 or 14.30" in page
    assert "Enter the first day" in page
    assert "Choose one of the services on the list" in page


def test_day_view_and_withdraw_an_unbooked_slot(staff_client: PortalClient, staff_user) -> None:
    from portal.appointments.times import local_day

    slot = make_slot(staff=staff_user)
    day = local_day(slot.starts_at).isoformat()
    page = staff_client.get(f"/staff/appointments?day={day}").get_data(as_text=True)
    assert "Withdraw time" in page
    response = staff_client.post_form(f"/staff/appointments/slots/{slot.id}/withdraw")
    assert response.status_code == 302
    db.session.refresh(slot)
    assert slot.status == "withdrawn" and slot.withdrawn_at is not None


def test_a_booked_slot_is_not_withdrawn(staff_client: PortalClient, staff_user) -> None:
    slot = make_slot(staff=staff_user)
    client = ClientFactory()
    db.session.add(Appointment(slot_id=slot.id, seat=1, client_id=client.id, booked_by_id=client.id,
                               booked_by_role="client"))
    db.session.flush()
    staff_client.post_form(f"/staff/appointments/slots/{slot.id}/withdraw")
    db.session.refresh(slot)
    assert slot.status == "published"


def test_another_organisations_slot_is_not_found(staff_client: PortalClient) -> None:
    slot = make_slot()
    assert staff_client.post_form(f"/staff/appointments/slots/{slot.id}/withdraw").status_code == 404


@pytest.mark.parametrize("action, status", [("attended", "attended"), ("no-show", "no_show")])
def test_mark_attendance_after_the_start(staff_client: PortalClient, staff_user, action: str, status: str) -> None:
    slot = make_slot(starts_in=-timedelta(minutes=10), staff=staff_user)
    client = ClientFactory()
    appointment = Appointment(slot_id=slot.id, seat=1, client_id=client.id, booked_by_id=client.id,
                              booked_by_role="client", interpreter_language="Arabic")
    db.session.add(appointment)
    db.session.flush()
    from portal.appointments.times import local_day

    page = staff_client.get(f"/staff/appointments?day={local_day(slot.starts_at)}").get_data(as_text=True)
    assert client.full_name in page and "Interpreter: Arabic" in page
    response = staff_client.post_form(f"/staff/appointments/{appointment.id}/{action}")
    assert response.status_code == 302
    db.session.refresh(appointment)
    assert appointment.status == status


def test_attendance_cannot_be_marked_before_the_start(staff_client: PortalClient, staff_user) -> None:
    slot = make_slot(staff=staff_user)
    client = ClientFactory()
    appointment = Appointment(slot_id=slot.id, seat=1, client_id=client.id, booked_by_id=client.id,
                              booked_by_role="client")
    db.session.add(appointment)
    db.session.flush()
    staff_client.post_form(f"/staff/appointments/{appointment.id}/attended")
    db.session.refresh(appointment)
    assert appointment.status == "booked"


def test_staff_book_a_follow_up_for_a_client(team_client, staff_client: PortalClient, staff_user) -> None:
    client = team_client()
    day = date.today() + timedelta(days=10)
    response = staff_client.post_form("/staff/appointments/book", {
        "client_email": client.email, "day-day": str(day.day), "day-month": str(day.month),
        "day-year": str(day.year), "start_time": "13.15", "length": "30", "mode": "phone", "location_fi": "",
        "topic_fi": "Follow-up", "interpreter_language": "",
    })
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    appointment = db.session.scalars(select(Appointment).where(Appointment.client_id == client.id)).one()
    assert appointment.booked_by_role == "staff" and appointment.slot.internal
    assert appointment.slot.organisation_id == staff_user.organisation_id


def test_clients_cannot_reach_staff_pages(signed_in: PortalClient) -> None:
    assert signed_in.get("/staff/appointments").status_code == 403


# --- Days outside the calendar, publishing twice, cancelled bookings in the day view ----------------------

@pytest.mark.parametrize("asked", ["9999-12-31", "0001-01-01"])
def test_a_day_outside_the_calendar_shows_today(staff_client: PortalClient, asked: str) -> None:
    """These used to be 500s (OverflowError): the next day of 31.12.9999, UTC of 1.1.0001."""
    from portal.common.i18n import today_in_helsinki

    response = staff_client.get(f"/staff/appointments?day={asked}&scope=mine")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"?day={today_in_helsinki().isoformat()}&scope=mine")
    page = staff_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "That day is too far in the past or the future to show, so here is today." in page


def test_publishing_far_ahead_is_refused_next_to_the_field(staff_client: PortalClient, staff_user) -> None:
    response = _publish(staff_client, date(9999, 12, 31), date(9999, 12, 31))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert page.count("Times can be published at most a year ahead.") >= 2  # the summary and the field
    first_day_error = page[page.index('id="first_day-error"'):]
    assert first_day_error[:first_day_error.index("</p>")].endswith("or earlier.")
    assert _count_slots(staff_user) == 0


def _flashed(client: PortalClient, response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return client.get(response.headers["Location"]).get_data(as_text=True)


def _count_slots(staff_user) -> int:  # type: ignore[no-untyped-def]
    return len(db.session.scalars(select(Slot).where(Slot.staff_id == staff_user.id)).all())


def test_publishing_twice_makes_each_time_once(staff_client: PortalClient, staff_user) -> None:
    first = date.today() + timedelta(days=7)
    page = _flashed(staff_client, _publish(staff_client, first, first + timedelta(days=1)))
    assert "2 times published." in page
    assert _count_slots(staff_user) == 2

    page = _flashed(staff_client, _publish(staff_client, first, first + timedelta(days=1)))
    assert ("No new times were published. "
            "You already had 2 of these times, so they were not published again.") in page
    assert _count_slots(staff_user) == 2

    page = _flashed(staff_client, _publish(staff_client, first, first + timedelta(days=2)))
    assert "1 time published. You already had 2 of these times, so they were not published again." in page
    assert _count_slots(staff_user) == 3


def test_a_withdrawn_time_can_be_published_again(staff_client: PortalClient, staff_user) -> None:
    first = date.today() + timedelta(days=7)
    _publish(staff_client, first, first)
    slot = db.session.scalars(select(Slot).where(Slot.staff_id == staff_user.id)).one()
    staff_client.post_form(f"/staff/appointments/slots/{slot.id}/withdraw")
    page = _flashed(staff_client, _publish(staff_client, first, first))
    assert "1 time published." in page and "already had" not in page


def test_the_day_view_shows_cancelled_and_cant_come_bookings(staff_client: PortalClient, staff_user) -> None:
    from portal.appointments import queries
    from portal.appointments.times import local_day

    early = make_slot(staff=staff_user, starts_at=datetime(2030, 5, 14, 6, tzinfo=UTC))
    late = make_slot(staff=staff_user, starts_at=datetime(2030, 5, 14, 8, tzinfo=UTC))
    kept = make_slot(staff=staff_user, starts_at=datetime(2030, 5, 14, 10, tzinfo=UTC))
    cancelling, unable, keeping = ClientFactory(), ClientFactory(), ClientFactory()
    for slot, person in ((early, cancelling), (late, unable), (kept, keeping)):
        booked = queries.book(slot, person, person, None, queries.Needs())
        assert booked is not None
        if person is cancelling:
            assert queries.cancel(booked, person, "childcare", "My child is ill.", cant_come=False)
        elif person is unable:
            assert queries.cancel(booked, person, "transport", None, cant_come=True)
    db.session.flush()

    response = staff_client.get(f"/staff/appointments?day={local_day(early.starts_at)}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    items = {slot: page[page.index(f'id="slot-{slot.id}"'):] for slot in (early, late, kept)}
    items = {slot: text[:text.index("</li>")] for slot, text in items.items()}

    assert cancelling.full_name in items[early] and "Cancelled" in items[early]
    assert "The booking was cancelled on " in items[early]
    assert "Reason: Childcare" in items[early] and "My child is ill." in items[early]
    assert "Free" in items[early]  # the seat is free again, and it says so

    assert unable.full_name in items[late] and "Can't come" in items[late]
    assert "The client said on " in items[late] and "that they can't come." in items[late]
    assert "Reason: Getting there (transport)" in items[late]

    assert keeping.full_name in items[kept] and "Booked" in items[kept]
    assert "Cancelled" not in items[kept] and "Free" not in items[kept]


def test_marking_attendance_with_htmx_swaps_the_list_and_says_what_happened(staff_client: PortalClient,
                                                                            staff_user) -> None:
    import json

    slot = make_slot(starts_in=-timedelta(minutes=10), staff=staff_user)
    client = ClientFactory()
    appointment = Appointment(slot_id=slot.id, seat=1, client_id=client.id, booked_by_id=client.id,
                              booked_by_role="client")
    db.session.add(appointment)
    db.session.flush()
    response = staff_client.post_form(f"/staff/appointments/{appointment.id}/attended?scope=mine",
                                      headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="day-list">') and "<h1" not in body
    assert client.full_name in body and "Mark as attended" not in body and "Mark as did not attend" in body
    assert "scope=mine" in body  # the swapped list's forms keep the view the caseworker chose
    assert json.loads(response.headers["HX-Trigger"]) == {"portal:announce": {"message": "Marked as attended."}}
    assert "HX-Request" in response.vary
    db.session.refresh(appointment)
    assert appointment.status == "attended"
    # the message was said, not also left waiting for the next full page
    assert "Marked as attended." not in staff_client.get("/staff/appointments").get_data(as_text=True)


def test_without_javascript_the_day_view_keeps_its_scope(staff_client: PortalClient, staff_user) -> None:
    slot = make_slot(staff=staff_user)
    response = staff_client.post_form(f"/staff/appointments/slots/{slot.id}/withdraw?scope=mine")
    assert response.status_code == 302 and "scope=mine" in response.location


def test_a_refused_mark_is_shown_on_screen_with_htmx_and_without(staff_client: PortalClient, staff_user) -> None:
    slot = make_slot(starts_in=-timedelta(minutes=10), staff=staff_user)
    client = ClientFactory()
    appointment = Appointment(slot_id=slot.id, seat=1, client_id=client.id, booked_by_id=client.id,
                              booked_by_role="client", status="attended")
    db.session.add(appointment)
    db.session.flush()
    already = "The appointment was already marked like this."
    response = staff_client.post_form(f"/staff/appointments/{appointment.id}/attended",
                                      headers={"HX-Request": "true"})
    assert response.status_code == 200 and "HX-Trigger" not in response.headers
    body = response.get_data(as_text=True)
    assert 'role="alert"' in body and already in body and "data-autofocus" in body
    response = staff_client.post_form(f"/staff/appointments/{appointment.id}/attended")
    assert response.status_code == 302
    assert already in staff_client.get(response.headers["Location"]).get_data(as_text=True)

    appointment.status = "cancelled"
    db.session.flush()
    response = staff_client.post_form(f"/staff/appointments/{appointment.id}/no-show",
                                      headers={"HX-Request": "true"})
    assert "That appointment was already cancelled or moved, so nothing was changed." in response.get_data(
        as_text=True)
    db.session.refresh(appointment)
    assert appointment.status == "cancelled"


def test_a_withdrawn_time_stays_in_its_place_with_an_undo(staff_client: PortalClient, staff_user) -> None:
    """Without JavaScript: the redirect comes back to the row (its anchor), which says it was withdrawn and
    offers to publish it again; with htmx, the list swapped in place says so, with focus kept on the row."""
    slot = make_slot(staff=staff_user)
    response = staff_client.post_form(f"/staff/appointments/slots/{slot.id}/withdraw")
    assert response.status_code == 302
    assert f"withdrawn={slot.id}" in response.location and response.location.endswith(f"#slot-{slot.id}")
    page = staff_client.get(response.location).get_data(as_text=True)
    row = page[page.index(f'id="slot-{slot.id}"'):]
    assert "Withdrawn: clients can no longer book this time." in row
    assert f'action="/staff/appointments/slots/{slot.id}/publish-again' in row
    assert "was withdrawn. Clients can no longer book it. You can publish it again." in page  # the banner

    response = staff_client.post_form(f"/staff/appointments/slots/{slot.id}/publish-again",
                                      headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and body.lstrip().startswith('<div id="day-list">')
    assert f'data-focus-row="slot-{slot.id}"' in body and "Withdraw time" in body
    assert "is published again. Clients can book it." in response.headers["HX-Trigger"]
    db.session.refresh(slot)
    assert slot.status == "published" and slot.withdrawn_at is None

    response = staff_client.post_form(f"/staff/appointments/slots/{slot.id}/withdraw", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert f'id="slot-{slot.id}"' in body and "Publish again" in body
    assert "was withdrawn" in response.headers["HX-Trigger"]


def test_a_withdrawn_time_shows_only_when_asked_for(staff_client: PortalClient, staff_user) -> None:
    from portal.appointments.times import local_day

    mine, other = make_slot(staff=staff_user), make_slot()
    for slot in (mine, other):
        slot.status = "withdrawn"
    db.session.flush()
    day = local_day(mine.starts_at).isoformat()
    assert f'id="slot-{mine.id}"' not in staff_client.get(f"/staff/appointments?day={day}").get_data(as_text=True)
    page = staff_client.get(f"/staff/appointments?day={day}&withdrawn={other.id}").get_data(as_text=True)
    assert f'id="slot-{other.id}"' not in page  # another organisation's time is never shown
    assert staff_client.post_form(f"/staff/appointments/slots/{other.id}/publish-again").status_code == 404


@pytest.mark.parametrize("why", ["started", "clash", "published"])
def test_a_time_that_cannot_be_published_again_says_why(staff_client: PortalClient, staff_user, why: str) -> None:
    slot = make_slot(staff=staff_user, starts_in=-timedelta(minutes=5) if why == "started" else None)
    if why != "published":
        slot.status = "withdrawn"
    if why == "clash":
        make_slot(staff=staff_user, starts_at=slot.starts_at)
    db.session.flush()
    response = staff_client.post_form(f"/staff/appointments/slots/{slot.id}/publish-again",
                                      headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    expected = {"started": "This time has already started, so it cannot be published again.",
                "clash": "You have already published another time that starts then",
                "published": "This time is already published."}[why]
    assert 'role="alert"' in body and expected in body
    db.session.refresh(slot)
    assert slot.status == ("published" if why == "published" else "withdrawn")


def test_staff_give_the_topic_and_place_in_each_language(staff_client: PortalClient, staff_user) -> None:
    page = staff_client.get("/staff/appointments/slots/new").get_data(as_text=True)
    for lang, label in (("fi", "Suomeksi"), ("sv", "På svenska"), ("en", "In English")):
        assert f'<label class="label label--small" for="topic_{lang}" lang="{lang}">{label}</label>' in page
        assert re.search(rf'<input[^>]* id="topic_{lang}" lang="{lang}"', page)
    first = date.today() + timedelta(days=7)
    response = _publish(staff_client, first, first, topic_sv="Jobbsökningssamtal", topic_en="Job-search review",
                        location_sv="Rum 2")
    assert response.status_code == 302
    slot = db.session.scalars(select(Slot).where(Slot.staff_id == staff_user.id)).one()
    assert (slot.topic_fi, slot.topic_sv, slot.topic_en) == ("", "Jobbsökningssamtal", "Job-search review")
    assert (slot.location_fi, slot.location_sv, slot.location_en) == ("Room 2", "Rum 2", "")
    assert (slot.topic("fi"), slot.topic("fi").lang) == ("Jobbsökningssamtal", "sv")
    assert (slot.location("en"), slot.location("en").lang) == ("Room 2", "fi")
