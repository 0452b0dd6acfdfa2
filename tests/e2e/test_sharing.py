"""Sharing my data with the keyboard only, in Chromium at phone size: give, withdraw, approve a request, read
who viewed my data, export; and withdrawing without JavaScript."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import PASSWORD, Person
from .keyboard import Keyboard
from .pages import HomePage, sign_in
from .sharing_pages import (
    APPOINTMENTS,
    COUNTY,
    KELA,
    WORK_ABILITY,
    GivePage,
    LogPage,
    MyDataPage,
    ReceiptPage,
    SharingPage,
)

pytestmark = pytest.mark.e2e


@pytest.fixture()
def with_team(make_client: Callable[..., str]) -> Person:
    """A client of their own with the demo team: the county sees their appointments by consent, Kela has asked
    to see their work ability."""
    return Person(email=make_client(team=True), password=PASSWORD, name="Erkki Testaaja")


def _to_sharing(page: Page, keys: Keyboard, person: Person) -> SharingPage:
    home = sign_in(page, person.email, person.password)
    keys.tab_to(home.footer_link("Sharing my data"))
    keys.press("Enter")
    sharing = SharingPage(page)
    expect(sharing.h1).to_have_text("Sharing my data")
    return sharing


def _choose_and_give(keys: Keyboard, give: GivePage) -> None:
    """One Tab stop into the radio group, an arrow key to choose, then on to the button."""
    first = give.duration(re.compile("^For 6 months"))
    keys.tab_to(first, limit=30)
    keys.press("ArrowDown")
    expect(give.duration(re.compile("^For one year"))).to_be_checked()
    keys.tab_to(give.give, limit=2)
    keys.press("Enter")


def test_give_then_withdraw_with_the_keyboard_only(page: Page, with_team: Person) -> None:
    keys = Keyboard(page)
    sharing = _to_sharing(page, keys, with_team)
    expect(sharing.status_of(KELA, APPOINTMENTS)).to_have_text("Cannot see")

    keys.tab_to(sharing.give_link(KELA, APPOINTMENTS), limit=200)
    keys.press("Enter")
    give = GivePage(page)
    expect(give.h1).to_have_text("Give consent")
    expect(give.notice("Who can see it")).to_contain_text(KELA)
    expect(give.notice("How to withdraw")).to_contain_text("with one button")
    _choose_and_give(keys, give)

    receipt = ReceiptPage(page)
    expect(receipt.h1).to_have_text("You gave your consent")
    expect(receipt.value("Information")).to_have_text(APPOINTMENTS)
    expect(receipt.value("How")).to_have_text("Online, in this service")
    expect(receipt.value("Fingerprint of the notice (SHA-256)")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))

    # Back, then withdraw it with one press: the section changes in place, focus stays in the row
    keys.tab_to(page.get_by_role("link", name="Back to Sharing my data"), backwards=True)
    keys.press("Enter")
    expect(sharing.status_of(KELA, APPOINTMENTS)).to_have_text("Can see")
    keys.tab_to(sharing.withdraw_button(KELA, APPOINTMENTS), limit=200)
    keys.press("Enter")
    expect(sharing.live_region).to_have_text(
        f"You withdrew your consent. {KELA} can no longer see this information: {APPOINTMENTS}.")
    expect(sharing.changed_message(KELA, APPOINTMENTS)).to_be_focused()
    expect(sharing.status_of(KELA, APPOINTMENTS)).to_have_text("Cannot see")
    expect(sharing.h1).to_have_text("Sharing my data")  # the page stayed: only the section was swapped
    # the next stop is giving it again
    keys.press("Tab")
    expect(sharing.give_link(KELA, APPOINTMENTS)).to_be_focused()
    keys.assert_focus_visible()


def test_approve_a_request_from_home_with_the_keyboard_only(page: Page, with_team: Person) -> None:
    keys = Keyboard(page)
    home = sign_in(page, with_team.email, with_team.password)
    request = home.main.get_by_role("link", name=f"{KELA} asks to see this information: {WORK_ABILITY}")
    keys.tab_to(request, limit=40)
    keys.press("Enter")
    sharing = SharingPage(page)
    expect(sharing.request(KELA, WORK_ABILITY)).to_contain_text("Haluaisin nähdä työkykyarviosi")
    keys.tab_to(sharing.approve_link(KELA, WORK_ABILITY), limit=40)
    keys.press("Enter")
    give = GivePage(page)
    expect(give.main).to_contain_text("Haluaisin nähdä työkykyarviosi")
    expect(give.notice("What information")).to_contain_text("sensitive information")
    _choose_and_give(keys, give)
    expect(ReceiptPage(page).h1).to_have_text("You gave your consent")
    home.open()
    expect(request).to_have_count(0)


def test_decline_a_request_with_the_keyboard_only(page: Page, with_team: Person) -> None:
    keys = Keyboard(page)
    sharing = _to_sharing(page, keys, with_team)
    keys.tab_to(sharing.decline_button(KELA, WORK_ABILITY), limit=60)
    keys.press("Enter")
    expect(ReceiptPage(page).h1).to_have_text("You declined the request")


def test_read_who_viewed_my_data_and_filter_with_the_keyboard_only(page: Page, with_team: Person) -> None:
    keys = Keyboard(page)
    sharing = _to_sharing(page, keys, with_team)
    keys.tab_to(sharing.link("Who viewed my data"), limit=40)
    keys.press("Enter")
    log = LogPage(page)
    expect(log.h1).to_have_text("Who viewed my data")
    expect(log.entries).to_have_count(6)
    expect(log.entries.first).to_contain_text("Allowed")
    keys.tab_to(log.organisation_filter, limit=40)
    keys.press("ArrowDown")  # a closed select changes with the arrow keys: the first organisation, Kela
    keys.tab_to(log.show, limit=2)
    keys.press("Enter")
    expect(log.entries).to_have_count(2)
    for entry in log.entries.all():
        expect(entry).to_contain_text(KELA)
    expect(log.organisation_filter).to_have_value(re.compile(r"^[0-9a-f-]{36}$"))


def test_export_my_data_with_the_keyboard_only(page: Page, with_team: Person) -> None:
    keys = Keyboard(page)
    sharing = _to_sharing(page, keys, with_team)
    keys.tab_to(sharing.link("Export my data"), limit=40)
    keys.press("Enter")
    export = MyDataPage(page)
    expect(export.h1).to_have_text("Export my data")
    keys.tab_to(export.download, limit=40)
    with page.expect_download() as download_info:
        keys.press("Enter")
    download = download_info.value
    assert re.fullmatch(r"my-data-\d{4}-\d{2}-\d{2}\.json", download.suggested_filename)
    data: dict[str, Any] = json.loads(open(download.path(), encoding="utf-8").read())
    assert data["profile"]["email"] == with_team.email
    assert {row["organisation"] for row in data["team"]} >= {KELA, COUNTY}
    assert len(data["access_log"]) == 6


def test_withdraw_without_javascript_ends_on_the_receipt(browser: Browser, browser_context_args: dict[str, Any],
                                                        with_team: Person) -> None:
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    page = context.new_page()
    try:
        home = HomePage(page)
        sign_in(page, with_team.email, with_team.password)
        home.footer_link("Sharing my data").click()
        sharing = SharingPage(page)
        sharing.withdraw_button(COUNTY, APPOINTMENTS).click()
        receipt = ReceiptPage(page)
        expect(receipt.h1).to_have_text("You withdrew your consent")
        expect(receipt.main).to_contain_text(f"{COUNTY} can no longer see this information: {APPOINTMENTS}.")
        page.get_by_role("link", name="Back to Sharing my data").click()
        expect(sharing.status_of(COUNTY, APPOINTMENTS)).to_have_text("Cannot see")
    finally:
        context.close()
