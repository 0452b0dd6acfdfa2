"""Who viewed my data: every staff read and refused attempt, newest first, with who, which organisation, what,
when (Helsinki time), why and the outcome in plain words; by organisation; a page at a time in the same number
of queries whatever the log's size."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import event

from portal.extensions import db
from portal.sharing.log_queries import PAGE_SIZE

from ..support.client import PortalClient
from ..support.factories import ClientFactory
from ..support.sharing import Team, log_rows, make_team

pytestmark = pytest.mark.usefixtures("app")

ENTRY = re.compile(r'<li class="log-entry log-entry--(allowed|refused)">(.*?)</li>', re.S)


@pytest.fixture()
def team(jobseeker) -> Team:  # type: ignore[no-untyped-def]
    return make_team(jobseeker.user)


def _entries(html: str) -> list[tuple[str, str]]:
    return ENTRY.findall(html)


def test_each_read_and_refusal_in_plain_words_newest_first(signed_in: PortalClient, team: Team) -> None:
    summer = datetime(2026, 7, 1, 9, 30, tzinfo=UTC)  # 12:30 in Helsinki (UTC+3)
    log_rows(team.client, team.staff["employment_authority"], 1, start=summer)
    log_rows(team.client, team.staff["service_provider"], 1, category_code="work_ability", outcome="refused",
             basis="not_shared", start=datetime(2026, 7, 2, 8, 0, tzinfo=UTC))
    from ..support.factories import OrganisationFactory, StaffFactory

    outsider = StaffFactory(organisation_id=OrganisationFactory(name_en="Outside Org").id, full_name="Olli Outsider")
    log_rows(team.client, outsider, 1, category_code=None, outcome="refused", basis="not_in_team",
             start=datetime(2026, 7, 3, 8, 0, tzinfo=UTC))
    html = signed_in.get("/sharing/log").get_data(as_text=True)
    entries = _entries(html)
    assert [outcome for outcome, _ in entries] == ["refused", "refused", "allowed"]
    outside, refused, allowed = (body for _, body in entries)
    assert "Olli Outsider, Outside Org" in outside and "nothing was shown" in outside
    assert "does not work with you" in outside
    assert "Work ability and health" in refused and "You have not shared this with the organisation." in refused
    assert f"{team.staff['employment_authority'].full_name}, {team.orgs['employment_authority'].name_en}" in allowed
    assert "Your plan and its steps" in allowed and "to plan your services together with you" in allowed
    assert "The organisation records this information itself." in allowed and ">Allowed</strong>" in allowed
    assert "Wed 1 Jul 2026 at 12:30" in allowed  # Helsinki time, with the weekday


def test_only_the_clients_own_log(signed_in: PortalClient, team: Team) -> None:
    other = ClientFactory()
    log_rows(other, team.staff["kela"], 5)
    log_rows(team.client, team.staff["kela"], 2)
    assert len(_entries(signed_in.get("/sharing/log").get_data(as_text=True))) == 2


def test_by_organisation(signed_in: PortalClient, team: Team) -> None:
    log_rows(team.client, team.staff["kela"], 3)
    log_rows(team.client, team.staff["wellbeing_county"], 2)
    page = signed_in.get("/sharing/log").get_data(as_text=True)
    assert f'<option value="{team.orgs["kela"].id}">{team.orgs["kela"].name_en} (3)</option>' in page
    assert "5 times in all" in page
    kela = signed_in.get(f"/sharing/log?organisation={team.orgs['kela'].id}").get_data(as_text=True)
    entries = _entries(kela)
    assert len(entries) == 3 and all(team.orgs["kela"].name_en in body for _, body in entries)
    assert "3 times by this organisation" in kela
    assert f'<option value="{team.orgs["kela"].id}" selected>' in kela
    # an organisation not in the log, or not an id at all: everything
    for other in (team.orgs["service_provider"].id, "not-an-id"):
        assert len(_entries(signed_in.get(f"/sharing/log?organisation={other}").get_data(as_text=True))) == 5


def test_a_page_at_a_time(signed_in: PortalClient, team: Team) -> None:
    total = PAGE_SIZE * 4 + 7
    log_rows(team.client, team.staff["kela"], total, start=datetime(2026, 9, 1, 12, 0, tzinfo=UTC))
    first = signed_in.get("/sharing/log").get_data(as_text=True)
    assert len(_entries(first)) == PAGE_SIZE and "Page 1 of 5" in first
    assert "Tue 1 Sep 2026 at 15:00" in _entries(first)[0][1]  # the newest first
    assert 'href="/sharing/log?page=2" rel="next"' in first and 'rel="prev"' not in first
    last = signed_in.get("/sharing/log?page=5").get_data(as_text=True)
    assert len(_entries(last)) == 7 and "Page 5 of 5" in last and 'rel="next"' not in last
    assert 'aria-current="page">5</a>' in last
    beyond = signed_in.get("/sharing/log?page=99").get_data(as_text=True)
    assert "Page 5 of 5" in beyond
    assert "Page 1 of 5" in signed_in.get("/sharing/log?page=nonsense").get_data(as_text=True)
    kela = team.orgs["kela"].id
    filtered = signed_in.get(f"/sharing/log?organisation={kela}&page=2").get_data(as_text=True)
    assert f'href="/sharing/log?page=3&amp;organisation={kela}"' in filtered


@contextmanager
def _statements() -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_the_same_number_of_queries_whatever_the_logs_size(signed_in: PortalClient, team: Team,
                                                           client: PortalClient) -> None:
    from ..support.factories import PASSWORD

    big = ClientFactory()
    big_team = make_team(big, "big")
    log_rows(big, big_team.staff["kela"], 2000)
    log_rows(team.client, team.staff["kela"], 3)
    other = client
    assert other.sign_in(big.email, PASSWORD).status_code == 302
    counts = {}
    for name, browser, path in (("small", signed_in, "/sharing/log"), ("big", other, "/sharing/log"),
                                ("big, page 40", other, "/sharing/log?page=40"),
                                ("big, by organisation", other, f"/sharing/log?organisation={big_team.orgs['kela'].id}")):
        browser.get(path)  # the first request of a kind compiles its SQL
        with _statements() as seen:
            assert browser.get(path).status_code == 200
        counts[name] = len(seen)
    assert len(set(counts.values())) == 1, counts
    print(f"SQL statements per 'who viewed my data' page: {counts}")
