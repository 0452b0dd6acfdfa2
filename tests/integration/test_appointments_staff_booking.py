"""Staff book a client directly: no personal data in the address, a double submit books once, other needs
are recorded, and the appointment can be linked to one of the client's open plan steps (shown on the step
page)."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Appointment, AppointmentStatus, PlanStep, Slot, User

from ..support.client import PortalClient
from ..support.factories import PASSWORD, ClientFactory, OrganisationFactory, PlanFactory, StepFactory

KEY = re.compile(r'id="idempotency_key" name="idempotency_key" type="hidden" value="([^"]+)"')


@pytest.fixture()
def staff_client(client: PortalClient, staff_user) -> PortalClient:  # type: ignore[no-untyped-def]
    client.set_cookie("lang", "en")
    assert client.sign_in(staff_user.email, PASSWORD).status_code == 302
    return client


def _booking(email: str, key: str | None = None, **extra: str) -> dict[str, str]:
    day = date.today() + timedelta(days=10)
    data = {"client_email": email, "day-day": str(day.day), "day-month": str(day.month),
            "day-year": str(day.year), "start_time": "13.15", "length": "30", "mode": "phone", "location_fi": "",
            "topic_fi": "Follow-up", "interpreter_language": "", **extra}
    if key is not None:
        data["idempotency_key"] = key
    return data


def _key_of(html: str) -> str:
    found = KEY.search(html)
    assert found, html[:3000]
    return found.group(1)


def _appointments_of(client: User) -> list[Appointment]:
    return list(db.session.scalars(select(Appointment).where(Appointment.client_id == client.id)))


def _internal_slots_of(staff: User) -> list[Slot]:
    return list(db.session.scalars(select(Slot).where(Slot.staff_id == staff.id, Slot.internal.is_(True))))


# --- 2. No personal data in the address ------------------------------------------------------------------

def test_an_email_address_in_the_address_is_not_used(staff_client: PortalClient) -> None:
    client = ClientFactory()
    page = staff_client.get(f"/staff/appointments/book?client={client.email}").get_data(as_text=True)
    assert f'value="{client.email}"' not in page  # not taken into the form: such links must not exist
    assert client.full_name not in page


def test_the_clients_id_in_the_address_fills_in_the_client(team_client, staff_client: PortalClient) -> None:
    client = team_client()
    response = staff_client.get(f"/staff/appointments/book?client={client.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'value="{client.email}"' in page
    assert f"{client.full_name} has no open steps in their plan." in page
    assert 'action="/staff/appointments/book"' in page  # the form does not carry the id on


def test_a_made_up_client_id_is_simply_not_filled_in(staff_client: PortalClient) -> None:
    for made_up in ("0b7c6b0e-3f86-4a43-9b0a-7d2c9c6f2f11", "not-an-id", ""):
        response = staff_client.get(f"/staff/appointments/book?client={made_up}")
        assert response.status_code == 200
        assert "Show the client's plan steps" in response.get_data(as_text=True)


# --- 3. A double submit books once ------------------------------------------------------------------------

def test_booking_twice_with_the_same_form_books_once(team_client, staff_client: PortalClient, staff_user) -> None:
    client = team_client()
    key = _key_of(staff_client.get("/staff/appointments/book").get_data(as_text=True))
    first = staff_client.post_form("/staff/appointments/book", _booking(client.email, key))
    second = staff_client.post_form("/staff/appointments/book", _booking(client.email, key))
    assert first.status_code == second.status_code == 302, second.get_data(as_text=True)[:3000]
    assert first.headers["Location"] == second.headers["Location"]
    page = staff_client.get(second.headers["Location"]).get_data(as_text=True)
    assert "The appointment was booked. The client will get a confirmation and reminders." in page
    assert len(_appointments_of(client)) == 1
    assert len(_internal_slots_of(staff_user)) == 1
    assert str(_appointments_of(client)[0].idempotency_key) == key


def test_each_booking_form_has_its_own_key(team_client, staff_client: PortalClient, staff_user) -> None:
    client = team_client()
    for start in ("13.15", "14.30"):  # one client is never booked twice at the same time
        key = _key_of(staff_client.get("/staff/appointments/book").get_data(as_text=True))
        response = staff_client.post_form("/staff/appointments/book", _booking(client.email, key, start_time=start))
        assert response.status_code == 302
    assert len(_appointments_of(client)) == 2
    assert len(_internal_slots_of(staff_user)) == 2


def test_a_form_that_failed_keeps_its_key(team_client, staff_client: PortalClient) -> None:
    client = team_client()
    key = _key_of(staff_client.get("/staff/appointments/book").get_data(as_text=True))
    failed = staff_client.post_form("/staff/appointments/book",
                                    _booking(client.email, key, start_time="25.00"))
    assert failed.status_code == 400
    assert _key_of(failed.get_data(as_text=True)) == key


def test_another_staff_members_key_books_nothing_of_theirs(team_client, staff_client: PortalClient) -> None:
    """A key someone else used (tampered, or a stale copy of another's form): refused, not shown."""
    from ..support.appointments import make_slot

    theirs = make_slot()
    owner = ClientFactory()
    used = Appointment(slot_id=theirs.id, seat=1, client_id=owner.id, booked_by_id=owner.id,
                       booked_by_role="client", idempotency_key=uuid.uuid4())
    db.session.add(used)
    db.session.flush()
    client = team_client()
    response = staff_client.post_form("/staff/appointments/book",
                                      _booking(client.email, str(used.idempotency_key)))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The appointment could not be booked. Check the details and book again." in page
    assert owner.full_name not in page
    assert _key_of(page) != str(used.idempotency_key)
    assert _appointments_of(client) == []


# --- 6. Other needs ---------------------------------------------------------------------------------------

def test_other_needs_are_recorded_and_shown_to_staff(team_client, staff_client: PortalClient) -> None:
    client = team_client()
    response = staff_client.post_form("/staff/appointments/book", _booking(
        client.email, interpreter_language="Somali", other_needs="Step-free access\nA quiet room"))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    appointment = _appointments_of(client)[0]
    assert appointment.interpreter_language == "Somali"
    assert appointment.other_needs == "Step-free access\nA quiet room"
    page = staff_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Other support: Step-free access\nA quiet room" in page


# --- 5. Linking the appointment to a step of the client's plan ---------------------------------------------

@pytest.fixture()
def planned(team_client, app, staff_user) -> tuple[User, dict[str, PlanStep]]:  # type: ignore[no-untyped-def]
    """A client whose plan has steps the caseworker's organisation is responsible for, in every state, and
    steps they are not to see: another agency's, the client's own and one already linked to an appointment."""
    client = team_client()
    plan = PlanFactory(client_id=client.id)
    ours = staff_user.organisation_id
    steps = {status: StepFactory(plan_id=plan.id, status=status, title=f"A step that is {status}",
                                 responsible_organisation_id=ours)
             for status in ("todo", "cant_do", "done")}
    steps["other agency"] = StepFactory(plan_id=plan.id, title="Another agency's step",
                                        responsible_organisation_id=OrganisationFactory().id)
    steps["own"] = StepFactory(plan_id=plan.id, title="The client's own step", responsible_organisation_id=None)
    return client, steps


def test_the_clients_open_steps_are_offered(staff_client: PortalClient, planned) -> None:  # type: ignore[no-untyped-def]
    client, steps = planned
    page = staff_client.get(f"/staff/appointments/book?client={client.id}").get_data(as_text=True)
    assert "A step that is todo (to do)" in page
    assert "A step that is cant_do (the client can&#39;t do it)" in page
    assert "A step that is done" not in page
    assert "Another agency&#39;s step" not in page and "The client&#39;s own step" not in page
    assert "No plan step" in page


def test_show_the_clients_plan_steps_keeps_the_input_and_books_nothing(staff_client: PortalClient,
                                                                       planned) -> None:  # type: ignore[no-untyped-def]
    client, steps = planned
    response = staff_client.post_form("/staff/appointments/book", _booking(client.email, show_steps="yes"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "A step that is todo (to do)" in page and 'value="Follow-up"' in page
    assert _appointments_of(client) == []

    unknown = staff_client.post_form("/staff/appointments/book",
                                     _booking("nobody@example.test", show_steps="yes"))
    assert unknown.status_code == 400
    assert "No client has this email address. Check the address." in unknown.get_data(as_text=True)


@pytest.mark.parametrize("status", ["todo", "cant_do"])
def test_the_appointment_is_linked_to_the_chosen_step(staff_client: PortalClient, planned, status: str) -> None:  # type: ignore[no-untyped-def]
    client, steps = planned
    response = staff_client.post_form("/staff/appointments/book",
                                      _booking(client.email, plan_step=str(steps[status].id)))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    appointment = _appointments_of(client)[0]
    db.session.refresh(steps[status])
    assert steps[status].appointment_id == appointment.id
    assert all(step.appointment_id is None for key, step in steps.items() if key != status)
    # a step that has its appointment is not offered again (a second link would silently replace the first)
    page = staff_client.get(f"/staff/appointments/book?client={client.id}").get_data(as_text=True)
    assert f"A step that is {status}" not in page


def test_no_plan_step_links_nothing(staff_client: PortalClient, planned) -> None:  # type: ignore[no-untyped-def]
    client, steps = planned
    response = staff_client.post_form("/staff/appointments/book", _booking(client.email, plan_step="none"))
    assert response.status_code == 302
    assert len(_appointments_of(client)) == 1
    for step in steps.values():
        db.session.refresh(step)
        assert step.appointment_id is None


@pytest.mark.parametrize("which", ["another client's", "done", "other agency", "own", "made up", "not an id"])
def test_only_an_open_step_of_this_clients_plan_can_be_linked(staff_client: PortalClient, staff_user, planned,
                                                               which: str) -> None:  # type: ignore[no-untyped-def]
    client, steps = planned
    other = StepFactory(plan_id=PlanFactory(client_id=ClientFactory().id).id)
    step_id = {"another client's": str(other.id), "done": str(steps["done"].id),
               "other agency": str(steps["other agency"].id), "own": str(steps["own"].id),
               "made up": "0b7c6b0e-3f86-4a43-9b0a-7d2c9c6f2f11", "not an id": "1 OR 1=1"}[which]
    response = staff_client.post_form("/staff/appointments/book", _booking(client.email, plan_step=step_id))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert ("That step is not an open step in this client&#39;s plan. "
            "Choose one of the steps on the list.") in page
    assert 'href="#plan_step-0"' in page and 'id="plan_step-0"' in page  # the summary links to the question
    assert _appointments_of(client) == []
    assert _internal_slots_of(staff_user) == []
    db.session.refresh(other)
    assert other.appointment_id is None


def _step_page(app, client: User, step: PlanStep) -> str:  # type: ignore[no-untyped-def]
    browser = app.test_client()
    browser.set_cookie("lang", "en")
    assert browser.sign_in(client.email, PASSWORD).status_code == 302
    response = browser.get(f"/plan/steps/{step.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_clients_step_page_shows_the_appointment(app, staff_client: PortalClient, planned) -> None:  # type: ignore[no-untyped-def]
    from portal.common.i18n import format_datetime

    client, steps = planned
    response = staff_client.post_form("/staff/appointments/book",
                                      _booking(client.email, plan_step=str(steps["todo"].id)))
    assert response.status_code == 302
    appointment = _appointments_of(client)[0]
    page = _step_page(app, client, steps["todo"])
    assert "<dt>Your appointment</dt>" in page
    with app.test_request_context(headers={"Accept-Language": "en"}):
        shown = format_datetime(appointment.slot.starts_at)
    starts = appointment.slot.starts_at.isoformat()
    assert f'<a href="/appointments/{appointment.id}"><time datetime="{starts}">{shown}</time></a>' in page
    assert "Follow-up" in page
    assert "Your appointment" not in _step_page(app, client, steps["cant_do"])


def test_the_step_page_follows_an_appointment_the_client_moved(app, staff_client: PortalClient,
                                                               planned) -> None:  # type: ignore[no-untyped-def]
    from portal.appointments import queries

    from ..support.appointments import make_slot

    client, steps = planned
    staff_client.post_form("/staff/appointments/book",
                           _booking(client.email, plan_step=str(steps["todo"].id)))
    old = _appointments_of(client)[0]
    later = make_slot(starts_in=timedelta(days=20))
    new = queries.book(later, client, client, None, queries.Needs(), replaces=old)
    assert new is not None
    db.session.flush()
    assert old.status == AppointmentStatus.RESCHEDULED
    page = _step_page(app, client, steps["todo"])
    assert f'href="/appointments/{new.id}"' in page and f'href="/appointments/{old.id}"' not in page


def test_the_demo_links_ainos_appointment_to_her_employment_services_step(app) -> None:  # type: ignore[no-untyped-def]
    from portal import demo
    from portal.models import Organisation, Plan

    demo.seed()
    demo.seed()  # safe to run again
    aino = db.session.scalars(select(User).where(User.email == "aino.asiakas@example.fi")).one()
    employment = db.session.scalars(
        select(Organisation).where(Organisation.code == "vantaa-employment")).one()
    linked = db.session.scalars(
        select(PlanStep).join(Plan, Plan.id == PlanStep.plan_id)
        .where(Plan.client_id == aino.id, PlanStep.appointment_id.is_not(None))
    ).all()
    assert len(linked) == 1
    step = linked[0]
    assert step.responsible_organisation_id == employment.id and step.status == "todo"
    appointment = db.session.get(Appointment, step.appointment_id)
    assert appointment is not None and appointment.client_id == aino.id
    assert appointment.slot.organisation_id == employment.id

    browser = app.test_client()
    assert browser.sign_in(aino.email, demo.PASSWORD).status_code == 302
    # Aino's pages are in her account's language (Finnish); she switches to English on our own page.
    browser.get("/language/en", query_string={"next": "/"}, headers={"Sec-Fetch-Site": "same-origin"})
    page = browser.get(f"/plan/steps/{step.id}").get_data(as_text=True)
    assert "<dt>Your appointment</dt>" in page and f'href="/appointments/{appointment.id}"' in page


@pytest.mark.parametrize("email", ["a\x00@example.fi", "\x00"])
def test_a_nul_byte_in_the_clients_address_gets_a_message_not_a_500(staff_client: PortalClient, email: str) -> None:
    for extra in ({}, {"show_steps": "yes"}):
        response = staff_client.post_form("/staff/appointments/book", _booking(email, **extra))
        assert response.status_code == 400, response.status_code
