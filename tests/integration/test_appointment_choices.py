"""Moving, "I can't come" and cancelling read apart, moving first; needing an interpreter is offered one instead
of giving the appointment up (issue 15, item 5)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Appointment, AppointmentEvent, TeamNotice

from ..support.appointments import confirm_fields, make_slot, walk_to_check
from ..support.client import PortalClient


@pytest.fixture()
def english(signed_in: PortalClient) -> PortalClient:
    signed_in.set_cookie("lang", "en")
    return signed_in


@pytest.fixture()
def booked(english: PortalClient, jobseeker) -> Appointment:  # type: ignore[no-untyped-def]
    english.post_form("/appointments/book/check", confirm_fields(walk_to_check(english, make_slot())))
    return db.session.scalars(select(Appointment).where(Appointment.client_id == jobseeker.user.id)).one()


def test_moving_comes_first_and_each_choice_says_what_it_means(english: PortalClient, booked: Appointment) -> None:
    page = english.get(f"/appointments/{booked.id}").get_data(as_text=True)
    choices = re.findall(r'<a class="(button[^"]*)" href="([^"]+)" aria-describedby="([\w-]+)">([^<]+)</a>\s*'
                         r'<p class="hint" id="\3">([^<]+)</p>', page)
    assert [(css, text) for css, _href, _hint_id, text, _hint in choices] == [
        ("button", "Move to another time"),
        ("button button--secondary", "I can't come"),
        ("button button--secondary", "Cancel appointment"),
    ]
    hints = [hint for *_rest, hint in choices]
    assert "stays yours until you confirm the new one" in hints[0]
    assert "can affect your unemployment benefit" in hints[1] and booked.slot.organisation.name_en in hints[1]
    assert "no longer need" in hints[2]


def test_the_cant_come_form_says_what_it_does(english: PortalClient, booked: Appointment) -> None:
    page = english.get(f"/appointments/{booked.id}/cant-come").get_data(as_text=True)
    organisation = booked.slot.organisation.name_en
    assert f"Tell {organisation} I can't come</button>" in page
    assert f'href="/appointments/{booked.id}/reschedule"' in page  # moving is offered here too


@pytest.mark.parametrize("path", ["cant-come", "cancel"])
def test_needing_an_interpreter_is_offered_one_instead_of_cancelling(english: PortalClient, booked: Appointment,
                                                                     path: str) -> None:
    response = english.post_form(f"/appointments/{booked.id}/{path}",
                                 {"reason": "interpreter", "detail": "Puhun somalia.\nKiitos."})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h1>You can have an interpreter at this appointment</h1>" in page
    assert f'action="/appointments/{booked.id}/interpreter"' in page
    # giving it up anyway is still one button away, with what the client wrote
    anyway = page[page.index(f'action="/appointments/{booked.id}/{path}"'):]
    assert 'name="anyway" value="yes"' in anyway and 'value="Puhun somalia.\nKiitos."' in anyway
    db.session.refresh(booked)
    assert booked.status == "booked"

    response = english.post_form(f"/appointments/{booked.id}/interpreter", {"language": ""})
    assert response.status_code == 400
    assert "Enter the language you need an interpreter for" in response.get_data(as_text=True)

    response = english.post_form(f"/appointments/{booked.id}/interpreter", {"language": "Somali"})
    assert response.status_code == 302 and response.headers["Location"] == f"/appointments/{booked.id}"
    page = english.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your appointment stays booked. We will book an interpreter (Somali) for it." in page
    assert "You asked for an interpreter for this appointment." in page
    db.session.refresh(booked)
    assert booked.status == "booked" and booked.interpreter_language == "Somali"
    assert db.session.scalars(select(TeamNotice.kind).where(TeamNotice.client_id == booked.client_id)).all() == [
        "appointment_interpreter"]
    assert db.session.scalars(select(AppointmentEvent.detail).where(
        AppointmentEvent.appointment_id == booked.id, AppointmentEvent.kind == "interpreter_added")).one() == "Somali"


def test_giving_the_appointment_up_anyway_cancels_it(english: PortalClient, booked: Appointment) -> None:
    response = english.post_form(f"/appointments/{booked.id}/cant-come",
                                 {"reason": "interpreter", "detail": "", "anyway": "yes"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/cancelled")
    db.session.refresh(booked)
    assert booked.status == "cancelled" and booked.cancel_reason == "interpreter"


def test_an_interpreter_cannot_be_added_to_a_cancelled_appointment(english: PortalClient, booked: Appointment) -> None:
    english.post_form(f"/appointments/{booked.id}/cancel", {"reason": "health"})
    response = english.post_form(f"/appointments/{booked.id}/interpreter", {"language": "Somali"})
    assert response.status_code == 302
    db.session.refresh(booked)
    assert booked.interpreter_language is None
