"""Sharing my data: what each organisation of the client's team can see and why, giving with the notice,
withdrawing with one press (with and without htmx), answering requests, and the page agreeing with the access
policy."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.access import reads
from portal.extensions import db
from portal.models import AccessLogEntry, Consent, ConsentEvent, utcnow
from portal.sharing import queries, view
from portal.sharing.notice import NOTICE_VERSION, Notice

from ..support.client import PortalClient
from ..support.sharing import Team, category, consent, make_team, purpose

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture()
def team(jobseeker) -> Team:  # type: ignore[no-untyped-def]
    return make_team(jobseeker.user)


def _row(html: str, team: Team, kind: str, code: str) -> str:
    """The HTML of one organisation's row for one category."""
    row_id = f"share-{team.orgs[kind].id}-{category(code).id}"
    found = re.search(rf'<li class="share[^"]*" id="{row_id}">(.*?)</li>\s*(?=<li class="share|</ul>\s*</section>)',
                      html, re.S)
    assert found, row_id
    return found.group(1)


def test_each_organisation_of_the_team_and_why_it_can_see_each_category(signed_in: PortalClient,
                                                                          team: Team) -> None:
    consent(team.client, team.orgs["service_provider"], "plan", "given", expires_at=utcnow() + timedelta(days=30))
    consent(team.client, team.orgs["kela"], "benefits", "withdrawn")
    html = signed_in.get("/sharing").get_data(as_text=True)
    for org in team.orgs.values():
        assert f'<h2 id="org-{org.id}-title">{org.name_en}</h2>' in html
    controller = _row(html, team, "employment_authority", "plan")
    assert "Can see" in controller and "It records this information itself." in controller
    assert "Withdraw consent" not in controller and "Give consent" not in controller
    by_law = _row(html, team, "kela", "assessment")
    assert "A law allows it." in by_law and "381/2023" in by_law and "Give consent" not in by_law
    agreed = _row(html, team, "service_provider", "plan")
    assert "You agreed on" in agreed and "Valid until" in agreed and "Withdraw consent" in agreed
    not_shared = _row(html, team, "service_provider", "work_ability")
    assert "Cannot see" in not_shared and "Sensitive" in not_shared and "Give consent" in not_shared
    assert "always your choice" in not_shared
    assert "You withdrew your consent on" in _row(html, team, "kela", "benefits")


def test_an_expired_consent_is_not_in_force_before_clean_up_records_it(signed_in: PortalClient, team: Team) -> None:
    consent(team.client, team.orgs["kela"], "work_ability", "given", expires_at=utcnow() - timedelta(minutes=1))
    row = _row(signed_in.get("/sharing").get_data(as_text=True), team, "kela", "work_ability")
    assert "Cannot see" in row and "Your consent ended on" in row and "Withdraw consent" not in row


def test_giving_shows_the_notice_then_records_it_with_the_consent_in_step(signed_in: PortalClient,
                                                                         team: Team) -> None:
    kela = team.orgs["kela"]
    url = f"/sharing/give/{kela.id}/{category('work_ability').id}/{purpose().id}"
    page = signed_in.get(url).get_data(as_text=True)
    for heading in ("What information", "Who can see it", "Why", "For how long", "How to withdraw"):
        assert f"<dt>{heading}</dt>" in page
    assert "This is sensitive information" in page
    response = signed_in.post_form(url, {"duration": "6_months"})
    assert response.status_code == 302 and "/sharing/receipts/" in response.headers["Location"]
    row = db.session.scalar(select(Consent).where(Consent.client_id == team.client.id))
    assert row is not None and row.status == "given" and row.expires_at is not None
    event = db.session.scalar(select(ConsentEvent).where(ConsentEvent.consent_id == row.id))
    assert event is not None and event.kind == "given" and event.channel == "online"
    assert event.actor_id == team.client.id and event.language == "en"
    assert event.notice_version == NOTICE_VERSION and event.notice_hash == Notice.digest(event.notice_text)
    assert event.lawful_basis == "GDPR 6(1)(a), 9(2)(a)"  # explicit consent: health details
    # the words kept are the words shown, with the duration chosen in its place
    assert "Work ability and health" in event.notice_text and "For 6 months, until" in event.notice_text
    for line in event.notice_text.splitlines():
        heading, _, text = line.partition(": ")
        assert f"<dt>{heading}</dt>" in page
        assert heading == "For how long" or text in page.replace("&amp;", "&")
    assert event.expires_at == row.expires_at


def test_giving_without_choosing_how_long_asks_again_and_changes_nothing(signed_in: PortalClient,
                                                                        team: Team) -> None:
    url = f"/sharing/give/{team.orgs['kela'].id}/{category('benefits').id}/{purpose().id}"
    response = signed_in.post_form(url, {})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "<title>Error: Give consent" in html
    assert "Choose for how long the organisation can see it" in html
    assert db.session.scalar(select(func.count()).select_from(Consent)
                             .where(Consent.client_id == team.client.id)) == 0


def test_giving_twice_makes_one_event(signed_in: PortalClient, team: Team) -> None:
    url = f"/sharing/give/{team.orgs['kela'].id}/{category('benefits').id}/{purpose().id}"
    assert signed_in.post_form(url, {"duration": "until_withdrawn"}).status_code == 302
    again = signed_in.post_form(url, {"duration": "until_withdrawn"})
    assert again.status_code == 302 and again.headers["Location"].startswith("/sharing#share-")
    assert db.session.scalar(select(func.count()).select_from(ConsentEvent)
                             .where(ConsentEvent.client_id == team.client.id)) == 1


def test_an_organisation_outside_the_team_or_an_unknown_category_is_not_found(signed_in: PortalClient,
                                                                              team: Team) -> None:
    from ..support.factories import OrganisationFactory

    stranger = OrganisationFactory()
    assert signed_in.get(f"/sharing/give/{stranger.id}/{category('plan').id}/{purpose().id}").status_code == 404
    assert signed_in.get(f"/sharing/give/{team.orgs['kela'].id}/{purpose().id}/{purpose().id}").status_code == 404


def test_withdrawing_is_one_press_and_ends_on_the_receipt(signed_in: PortalClient, team: Team) -> None:
    given = consent(team.client, team.orgs["kela"], "work_ability", "given")
    response = signed_in.post_form(f"/sharing/consents/{given.id}/withdraw")
    assert response.status_code == 302 and "/sharing/receipts/" in response.headers["Location"]
    db.session.refresh(given)
    assert given.status == "withdrawn"
    kinds = db.session.scalars(select(ConsentEvent.kind).where(ConsentEvent.consent_id == given.id)
                               .order_by(ConsentEvent.at)).all()
    assert kinds == ["given", "withdrawn"]
    receipt = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "You withdrew your consent" in receipt


def test_withdrawing_with_htmx_swaps_only_the_organisations_section(signed_in: PortalClient, team: Team) -> None:
    given = consent(team.client, team.orgs["kela"], "work_ability", "given")
    response = signed_in.post_form(f"/sharing/consents/{given.id}/withdraw",
                                   headers={"HX-Request": "true", "HX-Current-URL": "http://localhost/sharing"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<section class="share-org" id="org-{team.orgs["kela"].id}"')
    assert html.count('<section class="share-org"') == 1 and "<h1" not in html
    row = _row(html + "</ul></section>", team, "kela", "work_ability")
    assert 'class="share__changed" tabindex="-1">You withdrew your consent.' in row
    assert "Give consent" in row
    assert "can no longer see this information: Work ability and health" in response.headers["HX-Trigger"]
    assert "HX-Request" in response.headers["Vary"]


def test_withdrawing_what_is_already_withdrawn_changes_nothing(signed_in: PortalClient, team: Team) -> None:
    gone = consent(team.client, team.orgs["kela"], "work_ability", "withdrawn")
    response = signed_in.post_form(f"/sharing/consents/{gone.id}/withdraw")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sharing#share-")
    assert db.session.scalar(select(func.count()).select_from(ConsentEvent)
                             .where(ConsentEvent.consent_id == gone.id)) == 1


def test_an_expired_token_on_withdraw_changes_nothing_and_says_so(signed_in: PortalClient, team: Team) -> None:
    given = consent(team.client, team.orgs["kela"], "work_ability", "given")
    signed_in.application.config["WTF_CSRF_TIME_LIMIT"] = -1  # every token is already too old
    try:
        plain = signed_in.post_form(f"/sharing/consents/{given.id}/withdraw")
        swapped = signed_in.post_form(f"/sharing/consents/{given.id}/withdraw", headers={"HX-Request": "true"})
    finally:
        signed_in.application.config["WTF_CSRF_TIME_LIMIT"] = 3600
    assert plain.status_code == 400 and "open for a long time" in plain.get_data(as_text=True)
    assert "open for a long time" in swapped.get_data(as_text=True)
    db.session.refresh(given)
    assert given.status == "given"


def test_another_clients_consent_is_not_found(signed_in: PortalClient, team: Team) -> None:
    from ..support.factories import ClientFactory

    other = ClientFactory()
    theirs = consent(other, team.orgs["kela"], "work_ability", "given")
    for action in ("withdraw", "decline"):
        assert signed_in.post_form(f"/sharing/consents/{theirs.id}/{action}").status_code == 404
    db.session.refresh(theirs)
    assert theirs.status == "given"


def test_a_request_shows_on_home_and_the_sharing_page_and_can_be_declined(signed_in: PortalClient,
                                                                         team: Team) -> None:
    asked = consent(team.client, team.orgs["kela"], "work_ability", "requested", message="Voisinko nähdä?",
                    asked_by=team.staff["kela"])
    home = signed_in.get("/").get_data(as_text=True)
    assert f"/sharing#request-{asked.id}" in home and "asks to see this information: Work ability" in home
    page = signed_in.get("/sharing").get_data(as_text=True)
    assert "Voisinko nähdä?" in page and team.staff["kela"].full_name in page
    response = signed_in.post_form(f"/sharing/consents/{asked.id}/decline")
    assert response.status_code == 302
    db.session.refresh(asked)
    assert asked.status == "refused"
    assert f"request-{asked.id}" not in signed_in.get("/").get_data(as_text=True)
    assert "You declined the request" in signed_in.get(response.headers["Location"]).get_data(as_text=True)


def test_approving_a_request_is_giving_with_the_notice(signed_in: PortalClient, team: Team) -> None:
    asked = consent(team.client, team.orgs["kela"], "work_ability", "requested", message="Voisinko nähdä?",
                    asked_by=team.staff["kela"])
    url = f"/sharing/give/{team.orgs['kela'].id}/{category('work_ability').id}/{purpose().id}"
    page = signed_in.get(url).get_data(as_text=True)
    assert "Voisinko nähdä?" in page and "What information" in page
    assert signed_in.post_form(url, {"duration": "1_year"}).status_code == 302
    db.session.refresh(asked)
    assert asked.status == "given"
    kinds = db.session.scalars(select(ConsentEvent.kind).where(ConsentEvent.consent_id == asked.id)
                               .order_by(ConsentEvent.at)).all()
    assert kinds == ["requested", "given"]


def test_a_request_from_an_organisation_that_left_the_team_is_not_shown(signed_in: PortalClient,
                                                                       team: Team) -> None:
    from portal.models import TeamMembership

    consent(team.client, team.orgs["kela"], "work_ability", "requested", asked_by=team.staff["kela"])
    membership = db.session.scalar(select(TeamMembership).where(
        TeamMembership.organisation_id == team.orgs["kela"].id))
    membership.ended_at = utcnow()
    db.session.flush()
    assert "asks to see this information" not in signed_in.get("/").get_data(as_text=True)


def test_the_clients_own_reads_are_not_logged(signed_in: PortalClient, team: Team) -> None:
    consent(team.client, team.orgs["kela"], "work_ability", "given")
    for path in ("/", "/team", "/sharing", "/sharing/history", "/sharing/log", "/my-data", "/my-data.json"):
        assert signed_in.get(path).status_code == 200, path
    assert db.session.scalar(select(func.count()).select_from(AccessLogEntry)) == 0


@pytest.mark.parametrize("state", ["none", "given", "withdrawn", "expired", "requested"])
def test_the_page_says_what_the_access_policy_decides(app, jobseeker, state: str) -> None:  # type: ignore[no-untyped-def]
    """For every organisation, category and purpose: "can see" on the page exactly when a staff read through
    portal.access would be allowed."""
    team = make_team(jobseeker.user)
    if state != "none":
        for kind in ("wellbeing_county", "kela", "service_provider"):
            expires = utcnow() - timedelta(days=1) if state == "expired" else None
            consent(team.client, team.orgs[kind], "work_ability" if kind != "wellbeing_county" else "benefits",
                    "given" if state == "expired" else state, expires_at=expires)
    now = utcnow()
    sections = view.build(queries.sharing_facts(team.client.id), now)
    purposes = [purpose("plan_services"), purpose("appointment")]
    checked = 0
    for section in sections:
        staff = team.staff[next(k for k, org in team.orgs.items() if org.id == section.organisation.id)]
        for purpose_row in purposes:
            access = reads.open_client(staff, team.client.id, purpose_row.code)
            assert access is not None
            for row in section.rows:
                assert row.allows(purpose_row.id) == access.may_read(row.category.code), (
                    section.organisation.name_en, row.category.code, purpose_row.code)
                checked += 1
    assert checked == 4 * 6 * 2


def test_a_consent_to_an_organisation_that_left_the_team_can_still_be_withdrawn(signed_in: PortalClient,
                                                                               team: Team) -> None:
    from portal.models import TeamMembership

    given = consent(team.client, team.orgs["kela"], "work_ability", "given")
    membership = db.session.scalar(select(TeamMembership).where(
        TeamMembership.organisation_id == team.orgs["kela"].id))
    membership.ended_at = utcnow()
    db.session.flush()
    html = signed_in.get("/sharing").get_data(as_text=True)
    assert "It no longer works with you" in html
    row = _row(html, team, "kela", "work_ability")
    assert "Cannot see" in row and "Withdraw consent" in row and "Give consent" not in row
    assert html.count(f'id="share-{team.orgs["kela"].id}-') == 1  # only the category with a consent in force
    response = signed_in.post_form(f"/sharing/consents/{given.id}/withdraw", headers={"HX-Request": "true"})
    assert response.status_code == 204 and response.headers["HX-Redirect"].startswith("/sharing/receipts/")
    db.session.refresh(given)
    assert given.status == "withdrawn"
    assert "It no longer works with you" not in signed_in.get("/sharing").get_data(as_text=True)
