"""The team writes the plan with the client: the employment-services contact person starts it; each agency adds
and changes its own steps (into a draft); the client agrees online or in person; every version stays as it was
agreed; what changed between two versions is told field by field; two people saving the same thing at once lose
nothing; every staff action is in the history with its actor and organisation."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select, update

from portal.common.i18n import today_in_helsinki
from portal.extensions import db
from portal.models import (
    Organisation,
    Plan,
    PlanEvent,
    PlanStep,
    PlanStepEvent,
    PlanVersion,
    TeamNotice,
    User,
)

from ..support.client import PortalClient
from ..support.factories import (
    PASSWORD,
    ClientFactory,
    OrganisationFactory,
    StaffFactory,
    TeamMembershipFactory,
    employment_services,
    kind_id,
)

REVISION = re.compile(r'id="revision" name="revision" type="hidden" value="(\d+)"')
FINGERPRINT = re.compile(r'id="fingerprint" name="fingerprint" type="hidden" value="([0-9a-f]+)"')


@dataclass
class Team:
    client: User
    employment: Organisation
    county: Organisation
    kela: Organisation
    caseworker: User  # the employment-services contact person: the plan's owner
    social_worker: User
    kela_expert: User


@pytest.fixture()
def team(app: Flask) -> Team:
    employment = employment_services()
    county = OrganisationFactory(kind_id=kind_id("wellbeing_county"))
    kela = OrganisationFactory(kind_id=kind_id("kela"))
    caseworker = StaffFactory(organisation_id=employment.id, full_name="Maija Ohjaaja")
    social_worker = StaffFactory(organisation_id=county.id, full_name="Sanna Sosiaaliohjaaja")
    kela_expert = StaffFactory(organisation_id=kela.id, full_name="Kalle Kelanen")
    client = ClientFactory(full_name="Aino Asiakas", locale="en")
    for org, contact in ((employment, caseworker), (county, social_worker), (kela, kela_expert)):
        TeamMembershipFactory(client_id=client.id, organisation_id=org.id, contact_person_id=contact.id)
    return Team(client, employment, county, kela, caseworker, social_worker, kela_expert)


def _signed_in(app: Flask, user: User) -> PortalClient:
    app.test_client_class = PortalClient
    browser: PortalClient = app.test_client()  # type: ignore[assignment]
    browser.set_cookie("lang", "en")
    assert browser.sign_in(user.email, PASSWORD).status_code == 302
    return browser


def _plan(client: User) -> Plan:
    plan = db.session.scalar(select(Plan).where(Plan.client_id == client.id))
    assert plan is not None
    return plan


def _steps(client: User) -> dict[str, PlanStep]:
    return {s.title: s for s in db.session.scalars(select(PlanStep).join(Plan).where(Plan.client_id == client.id))}


def _add_step(browser: PortalClient, client: User, organisation: Organisation, title: str, due_in: int) -> None:
    due = today_in_helsinki() + timedelta(days=due_in)
    response = browser.post_form(f"/staff/clients/{client.id}/plan/steps/new", {
        "revision": "0", "title": title, "description": f"Why {title} matters", "responsible": str(organisation.id),
        "service": "none", "due_date-day": str(due.day), "due_date-month": str(due.month),
        "due_date-year": str(due.year)})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]


def _agree_online(browser: PortalClient) -> None:
    page = browser.get("/plan/agreement").get_data(as_text=True)
    found = FINGERPRINT.search(page)
    assert found, page[:3000]
    response = browser.post_form("/plan/agreement", {"fingerprint": found.group(1)})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]


def test_the_team_writes_the_plan_and_the_client_agrees_to_each_version(app: Flask, team: Team) -> None:
    owner = _signed_in(app, team.caseworker)
    started = owner.post_form(f"/staff/clients/{team.client.id}/plan/start", {"goals": "Part-time work in retail."})
    assert started.status_code == 302
    _add_step(owner, team.client, team.employment, "Apply for four jobs", 10)
    _add_step(owner, team.client, team.county, "Go to the health check", 14)  # the owner gives any agency a step
    kela = _signed_in(app, team.kela_expert)
    _add_step(kela, team.client, team.kela, "Book a rehabilitation assessment", 30)
    # Kela gives a step only to itself: another agency is not on its list
    refused = kela.post_form(f"/staff/clients/{team.client.id}/plan/steps/new", {
        "revision": "0", "title": "Not ours", "responsible": str(team.county.id), "service": "none"})
    assert refused.status_code == 400 and "Choose one of the organisations on the list" in refused.get_data(as_text=True)

    client = _signed_in(app, team.client)
    plan_page = client.get("/plan").get_data(as_text=True)
    assert "Your plan is waiting for you to agree to it" in plan_page
    assert "Kalle Kelanen" in plan_page  # who helps: the named contact, not only "Kela"
    agreement = client.get("/plan/agreement").get_data(as_text=True)
    assert "This is the first version of your plan" in agreement and "New step: “Book a rehabilitation assessment”" \
        in agreement
    _agree_online(client)
    plan = _plan(team.client)
    assert (plan.status, plan.version) == ("agreed", 1)
    first = db.session.scalar(select(PlanVersion).where(PlanVersion.plan_id == plan.id))
    assert first is not None and first.channel == "online" and first.agreed_by_id == team.client.id
    assert [s["title"] for s in first.steps] == ["Apply for four jobs", "Go to the health check",
                                                 "Book a rehabilitation assessment"]

    # The next version: Kela moves its due date; the client sees what changed, field by field
    step = _steps(team.client)["Book a rehabilitation assessment"]
    form = kela.get(f"/staff/clients/{team.client.id}/plan/steps/{step.id}").get_data(as_text=True)
    revision = REVISION.search(form).group(1)  # type: ignore[union-attr]
    later = today_in_helsinki() + timedelta(days=45)
    changed = kela.post_form(f"/staff/clients/{team.client.id}/plan/steps/{step.id}", {
        "revision": revision, "title": step.title, "description": step.description, "responsible": str(team.kela.id),
        "service": "none", "due_date-day": str(later.day), "due_date-month": str(later.month),
        "due_date-year": str(later.year)})
    assert changed.status_code == 302
    db.session.refresh(plan)
    assert (plan.status, plan.version) == ("draft", 2)
    agreement = client.get("/plan/agreement").get_data(as_text=True)
    assert "Changed step: “Book a rehabilitation assessment”" in agreement
    assert "Due date changed from" in agreement and "Apply for four jobs" not in agreement  # only what changed
    home = client.get("/").get_data(as_text=True)
    assert "Your plan is waiting for you to agree to it" in home and "since you last looked" in home
    _agree_online(client)
    version_two = client.get("/plan/versions/2").get_data(as_text=True)
    assert "What changed from version 1" in version_two and "Due date changed from" in version_two
    assert "Version 1" in client.get("/plan/versions").get_data(as_text=True)
    # the agreed version is kept as it was: the database refuses to change it
    with pytest.raises(Exception, match="append-only"):
        with db.session.begin_nested():
            db.session.execute(update(PlanVersion).where(PlanVersion.plan_id == plan.id).values(goals="changed"))

    # Every staff action is in the history with its actor and organisation
    events = db.session.scalars(select(PlanStepEvent).where(PlanStepEvent.step_id == step.id)).all()
    assert [(e.kind, e.field, e.actor_id, e.actor_organisation_id) for e in events] == [
        ("created", None, team.kela_expert.id, team.kela.id),
        ("changed", "due_date", team.kela_expert.id, team.kela.id)]


def test_an_agency_changes_only_its_own_steps_and_the_owner_the_goals(app: Flask, team: Team) -> None:
    owner = _signed_in(app, team.caseworker)
    owner.post_form(f"/staff/clients/{team.client.id}/plan/start", {"goals": "Work."})
    _add_step(owner, team.client, team.employment, "Apply for four jobs", 10)
    theirs = _steps(team.client)["Apply for four jobs"]
    kela = _signed_in(app, team.kela_expert)
    assert kela.get(f"/staff/clients/{team.client.id}/plan/steps/{theirs.id}").status_code == 403
    assert kela.post_form(f"/staff/clients/{team.client.id}/plan/steps/{theirs.id}/remove",
                          {"revision": "1"}).status_code == 403
    assert kela.get(f"/staff/clients/{team.client.id}/plan/goals").status_code == 403
    assert kela.get(f"/staff/clients/{team.client.id}/plan/start").status_code == 403
    # a provider outside the team does not find the client at all
    stranger = _signed_in(app, StaffFactory(organisation_id=OrganisationFactory().id))
    assert stranger.get(f"/staff/clients/{team.client.id}/plan").status_code == 404


def test_two_people_saving_the_same_step_lose_nothing(app: Flask, team: Team) -> None:
    owner = _signed_in(app, team.caseworker)
    owner.post_form(f"/staff/clients/{team.client.id}/plan/start", {"goals": "Work."})
    _add_step(owner, team.client, team.employment, "Apply for four jobs", 10)
    step = _steps(team.client)["Apply for four jobs"]
    manager = _signed_in(app, StaffFactory(organisation_id=team.employment.id, role="manager"))
    url = f"/staff/clients/{team.client.id}/plan/steps/{step.id}"
    seen = {b: REVISION.search(b.get(url).get_data(as_text=True)).group(1) for b in (owner, manager)}  # type: ignore[union-attr]
    common = {"description": "", "responsible": str(team.employment.id), "service": "none"}
    first = owner.post_form(url, {"revision": seen[owner], "title": "Apply for five jobs", **common})
    assert first.status_code == 302
    second = manager.post_form(url, {"revision": seen[manager], "title": "Apply for six jobs", **common})
    assert second.status_code == 409
    page = second.get_data(as_text=True)
    assert "Someone else saved a change to this while you were writing yours" in page
    assert "Apply for five jobs" in page and 'value="Apply for six jobs"' in page  # both: theirs, and yours kept
    db.session.refresh(step)
    assert step.title == "Apply for five jobs"
    again = manager.post_form(url, {"revision": REVISION.search(page).group(1), "title": "Apply for six jobs",  # type: ignore[union-attr]
                                    **common})
    assert again.status_code == 302
    db.session.refresh(step)
    assert step.title == "Apply for six jobs"


def test_the_client_cannot_agree_to_a_draft_that_changed_while_they_read_it(app: Flask, team: Team) -> None:
    owner = _signed_in(app, team.caseworker)
    owner.post_form(f"/staff/clients/{team.client.id}/plan/start", {"goals": "Work."})
    client = _signed_in(app, team.client)
    read = FINGERPRINT.search(client.get("/plan/agreement").get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    _add_step(owner, team.client, team.employment, "Added meanwhile", 10)
    response = client.post_form("/plan/agreement", {"fingerprint": read})
    assert response.status_code == 409
    assert "Your plan changed while you were reading it" in response.get_data(as_text=True)
    assert _plan(team.client).status == "draft"
    assert db.session.scalar(select(PlanVersion.id).where(PlanVersion.plan_id == _plan(team.client).id)) is None


def test_the_client_agrees_in_person_or_asks_for_changes(app: Flask, team: Team) -> None:
    owner = _signed_in(app, team.caseworker)
    owner.post_form(f"/staff/clients/{team.client.id}/plan/start", {"goals": "Work."})
    client = _signed_in(app, team.client)
    missing = client.post_form("/plan/agreement/changes", {"message": ""})
    assert missing.status_code == 400 and "Write what you would like to change" in missing.get_data(as_text=True)
    asked = client.post_form("/plan/agreement/changes", {"message": "I cannot travel to Helsinki."})
    assert asked.status_code == 302
    notice = db.session.scalar(select(TeamNotice).where(TeamNotice.client_id == team.client.id))
    assert notice is not None and (notice.kind, notice.organisation_id) == ("plan_changes_asked", team.employment.id)
    event = db.session.scalar(select(PlanEvent).where(PlanEvent.kind == "changes_asked"))
    assert event is not None and event.message == "I cannot travel to Helsinki."

    page = owner.get(f"/staff/clients/{team.client.id}/plan/agree-in-person").get_data(as_text=True)
    unconfirmed = owner.post_form(f"/staff/clients/{team.client.id}/plan/agree-in-person",
                                  {"fingerprint": FINGERPRINT.search(page).group(1)})  # type: ignore[union-attr]
    assert unconfirmed.status_code == 400
    done = owner.post_form(f"/staff/clients/{team.client.id}/plan/agree-in-person",
                           {"fingerprint": FINGERPRINT.search(page).group(1), "confirmed": "y"})  # type: ignore[union-attr]
    assert done.status_code == 302
    version = db.session.scalar(select(PlanVersion).where(PlanVersion.plan_id == _plan(team.client).id))
    assert version is not None
    assert (version.channel, version.caseworker_id, version.agreed_by_id) == ("in_person", team.caseworker.id,
                                                                               team.client.id)
    assert "Agreed on" in client.get("/plan/versions/1").get_data(as_text=True)


def test_the_client_writes_their_goals_in_their_own_words(app: Flask, team: Team) -> None:
    owner = _signed_in(app, team.caseworker)
    owner.post_form(f"/staff/clients/{team.client.id}/plan/start", {"goals": "Work."})
    client = _signed_in(app, team.client)
    _agree_online(client)
    form = client.get("/plan/goals").get_data(as_text=True)
    saved = client.post_form("/plan/goals", {"revision": REVISION.search(form).group(1),  # type: ignore[union-attr]
                                             "goals": "A calm job near home, mornings only."})
    assert saved.status_code == 302
    plan = _plan(team.client)
    assert (plan.goals, plan.status, plan.version) == ("A calm job near home, mornings only.", "draft", 2)
    agreement = client.get("/plan/agreement").get_data(as_text=True)
    assert "The goals changed." in agreement
    # the client's own change is not news to them: it is not counted on Home
    assert "since you last looked" not in client.get("/").get_data(as_text=True)
    assert db.session.scalar(select(PlanEvent.actor_id).where(PlanEvent.kind == "goals")) == team.client.id


def test_a_made_up_or_foreign_step_or_version_is_not_found(app: Flask, team: Team) -> None:
    owner = _signed_in(app, team.caseworker)
    owner.post_form(f"/staff/clients/{team.client.id}/plan/start", {"goals": "Work."})
    assert owner.get(f"/staff/clients/{team.client.id}/plan/steps/{uuid.uuid4()}").status_code == 404
    assert owner.get(f"/staff/clients/{team.client.id}/plan/versions/7").status_code == 404
    assert _signed_in(app, team.client).get("/plan/versions/7").status_code == 404
