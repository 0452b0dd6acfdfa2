"""A signed-in person's saved language wins over the browser's, and the switch changes both (issue 15, item 12)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from .axe import assert_no_axe_violations
from .conftest import PASSWORD
from .pages import SignInPage

pytestmark = pytest.mark.e2e


def test_a_swedish_account_gets_swedish_pages_on_a_finnish_browser(
        browser: Browser, browser_context_args: dict[str, Any], make_client: Callable[..., str]) -> None:
    bertil = make_client(locale="sv")
    context = browser.new_context(**{**browser_context_args, "locale": "fi-FI"})
    try:
        page = context.new_page()
        form = SignInPage(page)
        form.open()
        expect(page.locator("html")).to_have_attribute("lang", "fi")  # signed out: the browser's language
        form.page.get_by_label("Sähköpostiosoite").fill(bertil)
        form.page.get_by_label("Salasana", exact=True).fill(PASSWORD)
        form.main.get_by_role("button", name="Kirjaudu sisään").click()
        expect(page.locator("html")).to_have_attribute("lang", "sv")
        expect(form.h1).to_have_text("Härnäst")
        expect(form.current_language()).to_have_text("Svenska")
        assert_no_axe_violations(page, "Swedish account on a Finnish browser")

        # The switch on our page changes the pages and the account: the next sign-in is in English.
        form.language_link("English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        form.sign_out()
        form.open()
        expect(page.locator("html")).to_have_attribute("lang", "en")  # this browser's choice, signed out too
        context.clear_cookies()
        form.open()
        expect(page.locator("html")).to_have_attribute("lang", "fi")
        form.page.get_by_label("Sähköpostiosoite").fill(bertil)
        form.page.get_by_label("Salasana", exact=True).fill(PASSWORD)
        form.main.get_by_role("button", name="Kirjaudu sisään").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(form.h1).to_have_text("What's next")
    finally:
        context.close()
