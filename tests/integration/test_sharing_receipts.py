"""A receipt for every change to a consent: a page to keep and print, and a JSON copy with the ISO/IEC TS 27560
consent-record fields. Only the client's own."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import ConsentEvent
from portal.sharing.notice import NOTICE_VERSION

from ..support.client import PortalClient
from ..support.factories import ClientFactory
from ..support.sharing import Team, category, consent, make_team, purpose

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture()
def team(jobseeker) -> Team:  # type: ignore[no-untyped-def]
    return make_team(jobseeker.user)


def _give(browser: PortalClient, team: Team, code: str = "work_ability", duration: str = "1_year") -> str:
    url = f"/sharing/give/{team.orgs['kela'].id}/{category(code).id}/{purpose().id}"
    response = browser.post_form(url, {"duration": duration})
    assert response.status_code == 302
    return response.headers["Location"]


def test_the_receipt_page_of_a_given_consent(signed_in: PortalClient, team: Team) -> None:
    page = signed_in.get(_give(signed_in, team)).get_data(as_text=True)
    event = db.session.scalar(select(ConsentEvent))
    assert event is not None
    assert "<h1 class=\"panel__title\">You gave your consent</h1>" in page
    assert f"{team.orgs['kela'].name_en} can now see this information: Work ability and health." in page
    for words in ("Online, in this service", "Your explicit consent", "Articles 6(1)(a) and 9(2)(a)",
                  NOTICE_VERSION, event.notice_hash, str(event.id), "English", "Valid until",
                  team.orgs["wellbeing_county"].name_en):  # who records work ability: the county
        assert words in page, words
    assert "What you agreed to" in page and "How to withdraw: You can withdraw" in page
    assert f'href="/sharing/receipts/{event.id}.json" download' in page


def test_the_json_receipt_has_the_27560_fields(signed_in: PortalClient, team: Team) -> None:
    location = _give(signed_in, team, duration="6_months")
    event = db.session.scalar(select(ConsentEvent))
    assert event is not None
    response = signed_in.get(f"{location}.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == f'attachment; filename="consent-receipt-{event.id}.json"'
    assert response.headers["Cache-Control"] == "no-store"
    record = json.loads(response.get_data(as_text=True))
    assert record["receipt_id"] == str(event.id) and record["record_id"] == str(event.consent_id)
    assert record["pii_principal_id"] == str(team.client.id)
    assert record["schema_version"].startswith("ISO/IEC TS 27560:2023")
    assert record["language"] == "en" and record["jurisdiction"] == "FI"
    assert record["privacy_notice"] == {"version": NOTICE_VERSION, "sha256": event.notice_hash, "language": "en",
                                        "text": event.notice_text}
    assert record["purposes"] == [{"purpose_id": "plan_services", "purpose": "to plan your services together with you"}]
    assert record["lawful_basis"] == "GDPR 6(1)(a), 9(2)(a)"
    assert record["pii_information"] == [{"pii_type": "work_ability", "name": "Work ability and health",
                                          "special_pii_category": True}]
    assert [p["party_name"] for p in record["pii_controllers"]] == [team.orgs["wellbeing_county"].name_en]
    assert record["recipient_third_parties"][0]["party_name"] == team.orgs["kela"].name_en
    assert record["withdrawal_method"].endswith("/sharing")
    assert record["event"]["event_state"] == "ConsentGiven"
    assert record["event"]["event_type"] == "explicit consent"
    assert record["event"]["entity_id"] == {"role": "pii_principal", "id": str(team.client.id)}
    assert record["event"]["event_time"] == event.at.isoformat()
    assert record["event"]["validity_duration"]["until"] == event.expires_at.isoformat()
    # no personal data of the client's: their name and e-mail are not in it
    text = response.get_data(as_text=True)
    assert team.client.full_name not in text and team.client.email not in text


def test_a_withdrawal_receipt_names_the_notice_it_ends(signed_in: PortalClient, team: Team) -> None:
    _give(signed_in, team)
    given = db.session.scalar(select(ConsentEvent))
    assert given is not None
    location = signed_in.post_form(f"/sharing/consents/{given.consent_id}/withdraw").headers["Location"]
    record = json.loads(signed_in.get(f"{location}.json").get_data(as_text=True))
    assert record["event"]["event_state"] == "ConsentWithdrawn"
    assert record["privacy_notice"]["sha256"] == given.notice_hash
    assert record["record_id"] == str(given.consent_id)


def test_a_request_receipt_says_who_asked(signed_in: PortalClient, team: Team) -> None:
    asked = consent(team.client, team.orgs["kela"], "benefits", "requested", message="Saisinko?",
                    asked_by=team.staff["kela"])
    event = db.session.scalar(select(ConsentEvent).where(ConsentEvent.consent_id == asked.id))
    assert event is not None
    page = signed_in.get(f"/sharing/receipts/{event.id}").get_data(as_text=True)
    assert "Your consent was asked for" in page and team.staff["kela"].full_name in page and "Saisinko?" in page
    record = json.loads(signed_in.get(f"/sharing/receipts/{event.id}.json").get_data(as_text=True))
    assert record["event"]["entity_id"] == {"role": "staff", "name": team.staff["kela"].full_name}
    assert record["event"]["event_state"] == "ConsentRequested" and record["privacy_notice"] is None


def test_another_clients_receipt_is_simply_not_found(signed_in: PortalClient, team: Team) -> None:
    theirs = consent(ClientFactory(), team.orgs["kela"], "work_ability", "given")
    event = db.session.scalar(select(ConsentEvent).where(ConsentEvent.consent_id == theirs.id))
    assert event is not None
    assert signed_in.get(f"/sharing/receipts/{event.id}").status_code == 404
    assert signed_in.get(f"/sharing/receipts/{event.id}.json").status_code == 404
    assert str(event.id) not in signed_in.get("/sharing/history").get_data(as_text=True)


def test_every_change_is_in_the_history_newest_first(signed_in: PortalClient, team: Team) -> None:
    _give(signed_in, team)
    given = db.session.scalar(select(ConsentEvent))
    assert given is not None
    signed_in.post_form(f"/sharing/consents/{given.consent_id}/withdraw")
    page = signed_in.get("/sharing/history").get_data(as_text=True)
    kinds = re.findall(r"<strong>(Consent given|Consent withdrawn)</strong>", page)
    assert kinds == ["Consent withdrawn", "Consent given"]
    receipts = re.findall(r'href="/sharing/receipts/([0-9a-f-]+)"', page)
    assert len(receipts) == 2 and str(given.id) == receipts[1]
