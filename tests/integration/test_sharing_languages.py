"""The sharing pages in Finnish, Swedish and English: each page's own words in the reader's language, none of
the English ones left on a Finnish or Swedish page, and the dates as each language writes them."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import ConsentEvent

from ..support.client import PortalClient
from ..support.sharing import category, consent, log_rows, make_team, purpose

pytestmark = pytest.mark.usefixtures("app")

TITLES = {
    "fi": {"/team": "Yhteyshenkilöni", "/sharing": "Tietojeni jakaminen", "/sharing/log": "Kuka on katsonut tietojani",
           "/sharing/history": "Suostumukseni ja niiden kuitit", "/my-data": "Kaikki tietoni", "give": "Anna suostumus",
           "receipt": "Annoit suostumuksesi"},
    "sv": {"/team": "Mina kontaktpersoner", "/sharing": "Delning av mina uppgifter",
           "/sharing/log": "Vem har sett mina uppgifter", "/sharing/history": "Mina samtycken och kvittona",
           "/my-data": "Alla mina uppgifter", "give": "Ge samtycke", "receipt": "Du gav ditt samtycke"},
    "en": {"/team": "My team", "/sharing": "Sharing my data", "/sharing/log": "Who viewed my data",
           "/sharing/history": "My consents and their receipts", "/my-data": "Export my data", "give": "Give consent",
           "receipt": "You gave your consent"},
}
# English words of these pages that must not be left on a Finnish or Swedish one
ENGLISH = ["Can see", "Cannot see", "Give consent", "Withdraw consent", "Why:", "You agreed on", "A law allows it",
           "See the receipt", "How to reach them", "Allowed", "Refused", "Receipt number", "What information",
           "Sensitive", "Who records it", "Valid until", "Download"]


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_every_sharing_page_in_the_readers_language(signed_in: PortalClient, jobseeker, lang: str) -> None:  # type: ignore[no-untyped-def]
    team = make_team(jobseeker.user)
    consent(team.client, team.orgs["service_provider"], "plan", "given")
    consent(team.client, team.orgs["kela"], "work_ability", "requested", asked_by=team.staff["kela"])
    log_rows(team.client, team.staff["kela"], 2)
    log_rows(team.client, team.staff["service_provider"], 1, category_code="work_ability", outcome="refused",
             basis="not_shared")
    event = db.session.scalar(select(ConsentEvent).where(ConsentEvent.kind == "given"))
    assert event is not None
    paths = {**{path: path for path in ("/team", "/sharing", "/sharing/log", "/sharing/history", "/my-data")},
             "give": f"/sharing/give/{team.orgs['kela'].id}/{category('benefits').id}/{purpose().id}",
             "receipt": f"/sharing/receipts/{event.id}"}
    headers = {"Accept-Language": lang}
    for name, path in paths.items():
        html = signed_in.get(path, headers=headers).get_data(as_text=True)
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
        assert h1 and TITLES[lang][name] in h1.group(1), (lang, name)
        assert f'<html lang="{lang}">' in html
        if lang != "en":
            text = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style|head)[^>]*>.*?</\1>", "", html, flags=re.S))
            left = [word for word in ENGLISH if word in text]
            assert left == [], (lang, name, left)
    # times as each language writes them, with the weekday: "ma 30.11.2026 klo 9.30", "Mon 30 Nov 2026 at 09:30"
    pattern = {"fi": r"\w+ \d+\.\d+\.\d{4} klo \d+\.\d\d", "sv": r"\w+ \d+\.\d+\.\d{4} kl\. \d+\.\d\d",
               "en": r"\w+ \d+ \w+ \d{4} at \d\d:\d\d"}[lang]
    times = re.findall(r'<time datetime="[^"]+">([^<]+)</time>', signed_in.get("/sharing/log", headers=headers)
                       .get_data(as_text=True))
    assert len(times) == 3 and all(re.fullmatch(pattern, when) for when in times), times
