"""Staff and their organisation's clients: only the team's clients are found, each read is logged, a withdrawn
consent or an ended membership takes effect on the very next request, and a manager of the client's employment
services adds and ends team memberships (recorded, with a reason)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    AccessLogEntry,
    Consent,
    ConsentEvent,
    DataCategory,
    Purpose,
    TeamMembership,
    User,
    utcnow,
)

from ..support.client import PortalClient
from ..support.factories import (
    PASSWORD,
    ClientFactory,
    OrganisationFactory,
    PlanFactory,
    StaffFactory,
    employment_services,
    in_team,
    kind_id,
)


def _signed_in(app: Flask, user: User) -> PortalClient:
    app.test_client_class = PortalClient
    browser: PortalClient = app.test_client()  # type: ignore[assignment]
    browser.set_cookie("lang", "en")
    assert browser.sign_in(user.email, PASSWORD).status_code == 302
    return browser


def _id(model, code: str) -> uuid.UUID:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(model.id).where(model.code == code))  # type: ignore[no-any-return]


def test_staff_find_only_their_organisations_clients(app: Flask) -> None:
    org = employment_services()
    staff = StaffFactory(organisation_id=org.id)
    ours, theirs = ClientFactory(full_name="Oona Oma"), ClientFactory(full_name="Vilma Vieras")
    in_team(ours, org.id)
    in_team(theirs, OrganisationFactory().id)
    browser = _signed_in(app, staff)
    page = browser.get("/staff/clients").get_data(as_text=True)
    assert "Oona Oma" in page and "Vilma Vieras" not in page
    assert "Oona Oma" in browser.get("/staff/clients?name=oona").get_data(as_text=True)
    assert "Oona Oma" not in browser.get("/staff/clients?name=vilma").get_data(as_text=True)
    response = browser.get(f"/staff/clients/{theirs.id}")
    assert response.status_code == 404 and "Vilma Vieras" not in response.get_data(as_text=True)
    refused = db.session.scalars(select(AccessLogEntry).where(AccessLogEntry.client_id == theirs.id)).all()
    assert [(e.staff_id, e.outcome, e.basis) for e in refused] == [(staff.id, "refused", "not_in_team")]
    assert browser.get(f"/staff/clients/{uuid.uuid4()}").status_code == 404  # no such client: the same


def test_a_withdrawn_consent_is_refused_on_the_very_next_request(app: Flask) -> None:
    provider = OrganisationFactory(kind_id=kind_id("service_provider"))
    staff = StaffFactory(organisation_id=provider.id)
    client = ClientFactory()
    in_team(client, provider.id)
    PlanFactory(client_id=client.id, goals="Tavoite: kesätyö kirjastossa")
    consent = Consent(id=uuid.uuid4(), client_id=client.id, organisation_id=provider.id,
                      category_id=_id(DataCategory, "plan"), purpose_id=_id(Purpose, "plan_services"),
                      status="given", given_at=utcnow())
    db.session.add(consent)
    db.session.flush()
    browser = _signed_in(app, staff)
    assert "kesätyö kirjastossa" in browser.get(f"/staff/clients/{client.id}").get_data(as_text=True)
    consent.status = "withdrawn"
    db.session.add(ConsentEvent(consent_id=consent.id, client_id=client.id, kind="withdrawn", actor_id=client.id))
    db.session.flush()
    page = browser.get(f"/staff/clients/{client.id}").get_data(as_text=True)
    assert "kesätyö kirjastossa" not in page
    plan_reads = db.session.scalars(select(AccessLogEntry.outcome).where(
        AccessLogEntry.client_id == client.id, AccessLogEntry.category_id == _id(DataCategory, "plan"))
        .order_by(AccessLogEntry.at)).all()
    assert plan_reads == ["allowed", "refused"]


def test_an_ended_membership_ends_access_on_the_very_next_request(app: Flask) -> None:
    org = employment_services()
    staff = StaffFactory(organisation_id=org.id)
    client = ClientFactory()
    in_team(client, org.id)
    browser = _signed_in(app, staff)
    assert browser.get(f"/staff/clients/{client.id}").status_code == 200
    membership = db.session.scalar(select(TeamMembership).where(TeamMembership.client_id == client.id))
    assert membership is not None
    membership.ended_at = utcnow() - timedelta(seconds=1)
    db.session.flush()
    assert browser.get(f"/staff/clients/{client.id}").status_code == 404


def test_staff_ask_for_consent_in_their_own_words(app: Flask) -> None:
    provider = OrganisationFactory(kind_id=kind_id("service_provider"))
    staff = StaffFactory(organisation_id=provider.id)
    client = ClientFactory()
    in_team(client, provider.id)
    browser = _signed_in(app, staff)
    page = browser.get(f"/staff/clients/{client.id}/consent-request").get_data(as_text=True)
    assert "Work ability and health" in page
    missing = browser.post_form(f"/staff/clients/{client.id}/consent-request", {})
    assert missing.status_code == 400 and "Write a message to the client" in missing.get_data(as_text=True)
    response = browser.post_form(f"/staff/clients/{client.id}/consent-request", {
        "category": str(_id(DataCategory, "work_ability")), "purpose": str(_id(Purpose, "plan_services")),
        "message": "Työkykyarvio auttaisi valitsemaan sopivan valmennuksen."})
    assert response.status_code == 302
    consent = db.session.scalar(select(Consent).where(Consent.client_id == client.id))
    assert consent is not None and consent.status == "requested" and consent.organisation_id == provider.id
    assert consent.request_message == "Työkykyarvio auttaisi valitsemaan sopivan valmennuksen."
    events = db.session.scalars(select(ConsentEvent).where(ConsentEvent.consent_id == consent.id)).all()
    assert [(e.kind, e.actor_id) for e in events] == [("requested", staff.id)]


def test_a_category_already_shared_cannot_be_asked_for(app: Flask) -> None:
    org = employment_services()
    staff = StaffFactory(organisation_id=org.id)
    client = ClientFactory()
    in_team(client, org.id)
    response = _signed_in(app, staff).post_form(f"/staff/clients/{client.id}/consent-request", {
        "category": str(_id(DataCategory, "plan")), "purpose": str(_id(Purpose, "plan_services")),
        "message": "Saanko nähdä?"})
    assert response.status_code == 400  # the controller sees the plan already: not on the list
    assert db.session.scalar(select(Consent).where(Consent.client_id == client.id)) is None


def test_a_manager_of_employment_services_adds_and_ends_team_memberships(app: Flask) -> None:
    org = employment_services()
    manager = StaffFactory(organisation_id=org.id, role="manager")
    caseworker = StaffFactory(organisation_id=org.id)
    coaching = OrganisationFactory(kind_id=kind_id("service_provider"))
    coach = StaffFactory(organisation_id=coaching.id)
    client = ClientFactory()
    in_team(client, org.id)
    assert _signed_in(app, caseworker).get(f"/staff/clients/{client.id}/team/new").status_code == 403
    coach_browser = _signed_in(app, coach)
    assert coach_browser.get(f"/staff/clients/{client.id}").status_code == 404

    browser = _signed_in(app, manager)
    missing = browser.post_form(f"/staff/clients/{client.id}/team/new", {"organisation": str(coaching.id)})
    assert missing.status_code == 400 and "Write why" in missing.get_data(as_text=True)
    response = browser.post_form(f"/staff/clients/{client.id}/team/new", {
        "organisation": str(coaching.id), "role": "Your work coach", "reason": "Agreed at the meeting on 1.12."})
    assert response.status_code == 302
    member = db.session.scalar(select(TeamMembership).where(TeamMembership.organisation_id == coaching.id))
    assert member is not None and (member.started_by_id, member.start_reason) == (manager.id,
                                                                                 "Agreed at the meeting on 1.12.")
    assert coach_browser.get(f"/staff/clients/{client.id}").status_code == 200

    ended = browser.post_form(f"/staff/clients/{client.id}/team/{member.id}/end", {"reason": "Coaching ended."})
    assert ended.status_code == 302
    db.session.refresh(member)
    assert member.ended_at is not None and (member.ended_by_id, member.end_reason) == (manager.id, "Coaching ended.")
    assert coach_browser.get(f"/staff/clients/{client.id}").status_code == 404
