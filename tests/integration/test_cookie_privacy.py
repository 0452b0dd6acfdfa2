"""The session cookie is signed, not encrypted: anyone who has it can read it. After every request of the
journeys below (a client's and a caseworker's), the cookie is decoded and must hold none of the person's data:
no name, email address, step title, reason or need, and only the keys listed here (issue 16, item 7)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from portal.extensions import db

from ..support.appointments import confirm_fields, make_slot, walk_to_check
from ..support.client import PortalClient
from ..support.factories import PASSWORD, ClientFactory, PlanFactory, StaffFactory, StepFactory, in_team

# What a session may hold: who (a random id and the session version), when (times), a random CSRF secret,
# the id of a booking in progress, and messages for the next page.
KEYS = {"_user_id", "_fresh", "_permanent", "csrf_token", "seen", "since", "booking", "_flashes"}
NEEDS = "I use a wheelchair and need a step-free entrance"
DETAIL = "My back hurts after the operation"
OWN_STEP = "Ask Dr Lindqvist about the pain clinic"


class CookieReader(PortalClient):
    """Decodes the session cookie after every request and checks it."""

    personal: tuple[str, ...] = ()
    decoded: int = 0

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        response = super().open(*args, **kwargs)
        cookie = self.get_cookie(self.application.config["SESSION_COOKIE_NAME"])
        if cookie is not None and cookie.value:
            where = f"{kwargs.get('method', 'GET')} {args[0] if args else kwargs.get('path')}"
            serializer = self.application.session_interface.get_signing_serializer(self.application)
            session = serializer.loads(cookie.value)
            assert set(session) <= KEYS, (where, set(session) - KEYS)
            text = json.dumps(session, ensure_ascii=False, default=str).lower()
            for value in self.personal:
                assert value.lower() not in text, (where, value, session)
            self.decoded += 1
        return response


@pytest.fixture()
def reader(app: Flask) -> CookieReader:
    app.test_client_class = CookieReader
    browser: CookieReader = app.test_client()  # type: ignore[assignment]
    browser.set_cookie("lang", "en")
    return browser


def test_a_clients_journey_leaves_nothing_personal_in_the_cookie(reader: CookieReader) -> None:
    person = ClientFactory(full_name="Bertil Klient", email="bertil.klient@example.test")
    plan = PlanFactory(client_id=person.id)
    steps = [StepFactory(plan_id=plan.id, position=n, title=title) for n, title in
             enumerate(["Update your CV at the library", "Visit the kidney clinic in Tikkurila"])]
    slot = make_slot()
    reader.personal = (person.full_name, person.email, *(s.title for s in steps), NEEDS, DETAIL, OWN_STEP)

    assert reader.sign_in(person.email, PASSWORD).status_code == 302
    reader.get("/plan")
    for action in ("done", "not-done"):
        assert reader.post_form(f"/plan/steps/{steps[0].id}/{action}").status_code == 302
        reader.get("/plan")
    assert reader.post_form(f"/plan/steps/{steps[0].id}/done", headers={"HX-Request": "true"}).status_code == 200
    reader.get(f"/plan/steps/{steps[1].id}/cant-do")
    assert reader.post_form(f"/plan/steps/{steps[1].id}/cant-do",
                            {"reason": "other", "detail": DETAIL}).status_code == 302
    reader.get(f"/plan/steps/{steps[1].id}")
    reader.get("/plan/steps/new")
    assert reader.post_form("/plan/steps/new", {"title": OWN_STEP}).status_code == 302
    reader.get("/plan")

    walk_to_check(reader, slot)
    reader.post_form("/appointments/book/needs", {"interpreter": "yes", "language": "Swedish",
                                                  "other_needs": NEEDS})
    page = reader.get("/appointments/book/check").get_data(as_text=True)
    booked = reader.post_form("/appointments/book/check", confirm_fields(page))
    assert booked.status_code == 302
    appointment = booked.headers["Location"].split("/")[2]
    reader.get(booked.headers["Location"])
    reader.get("/appointments")
    reader.get(f"/appointments/{appointment}/reschedule")
    reader.get(f"/appointments/{appointment}/cancel")
    assert reader.post_form(f"/appointments/{appointment}/cancel",
                            {"reason": "other", "detail": DETAIL}).status_code == 302
    reader.get(f"/appointments/{appointment}/cancelled")

    reader.get("/language/sv?next=/plan", headers={"Sec-Fetch-Site": "same-origin"})
    reader.post_form("/session/extend", {"next": "/plan"})
    reader.get("/")
    assert reader.post_form("/account/password", {"current_password": PASSWORD,
                                                  "new_password": "plum harbour violin 42",
                                                  "confirm_password": "plum harbour violin 42"}).status_code == 302
    reader.get("/")
    reader.post_form("/sign-out")
    reader.get("/signed-out")
    assert reader.decoded >= 35


def test_a_caseworkers_journey_leaves_nothing_personal_in_the_cookie(reader: CookieReader) -> None:
    staff = StaffFactory(full_name="Maija Ohjaaja", email="maija.ohjaaja@example.test")
    person = ClientFactory(full_name="Bertil Klient", email="bertil.klient@example.test")
    in_team(person, staff.organisation_id)  # staff reach only clients of their organisation's team
    reader.personal = (staff.full_name, staff.email, person.full_name, person.email, NEEDS)
    assert reader.sign_in(staff.email, PASSWORD).status_code == 302
    reader.get("/staff/appointments")
    first = date.today() + timedelta(days=9)
    reader.get("/staff/appointments/slots/new")
    published = reader.post_form("/staff/appointments/slots/new", {
        "first_day-day": str(first.day), "first_day-month": str(first.month), "first_day-year": str(first.year),
        "weekdays": [str(n) for n in range(7)], "start_time": "9.00", "end_time": "10.00", "length": "60",
        "mode": "in_person", "location": "Room 2", "service": "none", "capacity": "1", "who": "public"})
    assert published.status_code == 302
    reader.get(published.headers["Location"])
    page = reader.get(f"/staff/appointments/book?client={person.id}").get_data(as_text=True)
    key = page.split('name="idempotency_key" type="hidden" value="')[1].split('"')[0]
    day = date.today() + timedelta(days=10)
    booked = reader.post_form("/staff/appointments/book", {
        "client_email": person.email, "day-day": str(day.day), "day-month": str(day.month),
        "day-year": str(day.year), "start_time": "13.15", "length": "30", "mode": "phone", "location": "",
        "topic": "Follow-up", "interpreter_language": "", "other_needs": NEEDS, "idempotency_key": key,
        "plan_step": "none"})
    assert booked.status_code == 302, booked.get_data(as_text=True)[:2000]
    reader.get(booked.headers["Location"])
    reader.post_form("/sign-out")
    assert reader.decoded >= 10
    db.session.expire_all()
