"""My team: each organisation working with the client now, its named contact person, how to reach it and its
steps in the client's plan."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import TeamMembership, utcnow

from ..support.client import PortalClient
from ..support.factories import ClientFactory, StepFactory
from ..support.sharing import make_team

pytestmark = pytest.mark.usefixtures("app")


def _section(html: str, organisation_id: object) -> str:
    found = re.search(rf'<section class="team-member" id="org-{organisation_id}".*?</section>', html, re.S)
    assert found, organisation_id
    return found.group(0)


def test_each_organisation_with_its_contact_person_contacts_and_steps(signed_in: PortalClient, jobseeker) -> None:  # type: ignore[no-untyped-def]
    team = make_team(jobseeker.user, "t")
    kela = team.orgs["kela"]
    kela_step = StepFactory(plan_id=jobseeker.plan.id, title="See Kela about rehabilitation",
                            responsible_organisation_id=kela.id)
    html = signed_in.get("/team").get_data(as_text=True)
    section = _section(html, kela.id)
    assert f"Your contact person: {team.staff['kela'].full_name}" in section
    assert 'href="tel:091234567">09 123 4567</a>' in section and 'href="mailto:kela@example.test"' in section
    assert "Katu 1, 01300 Vantaa" in section and "Mon–Fri 9–15" in section and "Working with you since" in section
    assert f'href="/plan/steps/{kela_step.id}">See Kela about rehabilitation</a>' in section
    assert "To do" in section
    # another organisation's steps are not Kela's
    assert jobseeker.steps[0].title not in section
    assert "It has no steps in your plan yet." in _section(html, team.orgs["service_provider"].id)
    assert f'href="/sharing#org-{kela.id}"' in section


def test_an_ended_membership_and_another_clients_team_are_not_shown(signed_in: PortalClient, jobseeker) -> None:  # type: ignore[no-untyped-def]
    team = make_team(jobseeker.user, "mine")
    theirs = make_team(ClientFactory(), "theirs")
    membership = db.session.scalar(select(TeamMembership).where(
        TeamMembership.organisation_id == team.orgs["kela"].id))
    membership.ended_at, membership.end_reason = utcnow(), "Rehabilitation over"
    db.session.flush()
    html = signed_in.get("/team").get_data(as_text=True)
    assert team.orgs["kela"].name_en not in html and team.orgs["wellbeing_county"].name_en in html
    assert "theirs" not in html


def test_no_team_yet(signed_in: PortalClient) -> None:
    assert "No organisation works with you yet." in signed_in.get("/team").get_data(as_text=True)
    assert "No organisation works with you yet" in signed_in.get("/sharing").get_data(as_text=True)


def test_staff_cannot_open_the_clients_pages(client: PortalClient) -> None:
    from ..support.factories import PASSWORD, StaffFactory

    staff = StaffFactory()
    assert client.sign_in(staff.email, PASSWORD).status_code == 302
    for path in ("/team", "/sharing", "/sharing/log", "/sharing/history", "/my-data", "/my-data.json"):
        assert client.get(path).status_code == 403, path
