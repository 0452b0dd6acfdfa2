"""Export my data (GDPR Art. 15 and 20): everything the portal holds about the client, as one JSON download and
as a readable page; nothing of anyone else's; no table about a client left out."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import Table

from portal.extensions import db
from portal.models import (
    Appointment,
    AppointmentEvent,
    Base,
    BookingAnswers,
    ClientRecord,
    ReminderOutbox,
    TeamNotice,
    utcnow,
)
from portal.sharing.export_queries import EXPORTED_TABLES

from ..support.appointments import make_slot
from ..support.client import PortalClient
from ..support.factories import ClientFactory, PlanFactory, StepFactory
from ..support.sharing import Team, category, consent, log_rows, make_team

pytestmark = pytest.mark.usefixtures("app")

# Tables that point to a user but are not about a client: a staff member's bookable time (its time and place are
# exported with each appointment of the client's).
NOT_ABOUT_A_CLIENT = {"appointment_slots"}


def _about_clients() -> set[str]:
    """Every table that holds a client's rows: it points to users, or to a table that does."""
    tables: dict[str, Table] = dict(Base.metadata.tables)
    about = {"users"}
    changed = True
    while changed:
        changed = False
        for name, table in tables.items():
            if name in about or name in NOT_ABOUT_A_CLIENT:
                continue
            if any(fk.column.table.name in about for fk in table.foreign_keys):
                about.add(name)
                changed = True
    return about - {"organisations", "organisation_kinds"}


def test_no_table_about_a_client_is_left_out_of_the_export() -> None:
    missing = _about_clients() - EXPORTED_TABLES
    assert missing == set(), f"export these in portal/sharing/export_queries.py (or say why not): {missing}"


def _everything(client_user, token: str) -> Team:  # type: ignore[no-untyped-def]
    """One of everything the portal can hold about a client, each with `token` in it."""
    team = make_team(client_user, token)
    plan = PlanFactory(client_id=client_user.id, goals=f"Goal {token}", version=0, status="replaced")
    step = StepFactory(plan_id=plan.id, title=f"Step {token}", responsible_organisation_id=team.orgs["kela"].id)
    slot = make_slot(staff=team.staff["employment_authority"], topic=f"Topic {token}")
    appointment = Appointment(id=uuid.uuid4(), slot_id=slot.id, seat=1, client_id=client_user.id,
                              booked_by_id=client_user.id, booked_by_role="client", other_needs=f"Needs {token}")
    db.session.add(appointment)
    db.session.flush()
    db.session.add(AppointmentEvent(appointment_id=appointment.id, actor_id=client_user.id, kind="booked",
                                    to_status="booked", detail=f"Event {token}"))
    db.session.add(ReminderOutbox(id=uuid.uuid4(), appointment_id=appointment.id, channel="email", kind="2d",
                                  due_at=slot.starts_at - timedelta(days=2)))
    db.session.add(BookingAnswers(id=uuid.uuid4(), client_id=client_user.id, answers={"other_needs": f"Draft {token}"}))
    db.session.add(TeamNotice(organisation_id=team.orgs["kela"].id, client_id=client_user.id, kind="cant_do",
                              step_id=step.id))
    db.session.add(ClientRecord(client_id=client_user.id, category_id=category("benefits").id,
                                organisation_id=team.orgs["kela"].id, title=f"Record {token}", body=f"Body {token}"))
    consent(client_user, team.orgs["kela"], "work_ability", "requested", message=f"Request {token}",
            asked_by=team.staff["kela"])
    log_rows(client_user, team.staff["kela"], 3)
    db.session.flush()
    return team


def test_the_download_holds_everything_about_the_client_and_nothing_of_anyone_elses(
        signed_in: PortalClient, jobseeker) -> None:  # type: ignore[no-untyped-def]
    mine, theirs = f"own{uuid.uuid4().hex[:8]}", f"other{uuid.uuid4().hex[:8]}"
    _everything(jobseeker.user, mine)
    _everything(ClientFactory(), theirs)
    response = signed_in.get("/my-data.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="my-data-')
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    assert theirs not in text
    data = json.loads(text)
    for section in ("plans", "appointments", "bookings_in_progress", "notices_to_organisations", "team", "consents",
                    "records", "access_log"):
        assert data[section], section
    assert data["profile"]["email"] == jobseeker.user.email and data["profile"]["id"] == str(jobseeker.user.id)
    for words in (f"Goal {mine}", f"Step {mine}", f"Needs {mine}", f"Event {mine}", f"Draft {mine}",
                  f"Record {mine}", f"Body {mine}", f"Request {mine}", f"Worker kela {mine}"):
        assert words in text, words
    plans = {plan["version"]: plan for plan in data["plans"]}
    assert len(plans) == 2 and plans[1]["steps"] and plans[1]["steps"][0]["history"]  # the jobseeker's own plan too
    assert data["appointments"][0]["history"] and data["appointments"][0]["reminders"]
    assert data["consents"][0]["events"][0]["kind"] == "requested"
    assert len(data["access_log"]) == 3
    assert len(data["team"]) == 4


def test_the_readable_page_shows_the_same(signed_in: PortalClient, jobseeker) -> None:  # type: ignore[no-untyped-def]
    token = f"own{uuid.uuid4().hex[:8]}"
    _everything(jobseeker.user, token)
    page = signed_in.get("/my-data").get_data(as_text=True)
    for words in (f"Goal {token}", f"Step {token}", f"Needs {token}", f"Draft {token}", f"Record {token}",
                  f"Body {token}", jobseeker.user.email, "Download my data (JSON file)",
                  "Staff opened your information, or tried to, 3 times."):
        assert words in page, words


def test_an_empty_account_exports_too(client: PortalClient) -> None:
    from ..support.factories import PASSWORD

    new = ClientFactory()
    assert client.sign_in(new.email, PASSWORD).status_code == 302
    assert client.get("/my-data").status_code == 200
    data = json.loads(client.get("/my-data.json").get_data(as_text=True))
    assert data["plans"] == [] and data["access_log"] == [] and data["exported_at"] < (utcnow() + timedelta(
        minutes=1)).isoformat()
