"""The language switch: Suomi, Svenska, English in the header, each keeping the user on the same page.

The catalogues are being translated while these tests are written, so they check the page's language by
`<html lang>` and `aria-current`, and at most one word, read from the catalogue at run time.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import Page, expect

from portal.config import PROJECT_ROOT

from .conftest import Person
from .pages import Portal, SignInPage, sign_in

pytestmark = pytest.mark.e2e

NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}


def translated(lang: str, msgid: str) -> str | None:
    """The catalogue's translation of `msgid`, or None when there is no finished one yet."""
    po = Path(PROJECT_ROOT) / "translations" / lang / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return None
    with po.open("rb") as file:
        message = read_po(file, locale=lang).get(msgid)
    if message is None or message.fuzzy or not message.string or not isinstance(message.string, str):
        return None
    return message.string


def switch_to(portal: Portal, lang: str, path: str) -> None:
    link = portal.language_link(NAMES[lang])
    expect(link).to_have_attribute("lang", lang)
    expect(link).to_have_attribute("hreflang", lang)
    link.click()
    expect(portal.page.locator("html")).to_have_attribute("lang", lang)
    assert urlsplit(portal.page.url).path == path
    current = portal.current_language()
    expect(current).to_have_count(1)
    expect(current).to_have_text(NAMES[lang])
    expect(current).to_have_attribute("lang", lang)
    # The current language is not a link, and the other two are.
    expect(portal.language_switch.get_by_role("link")).to_have_count(2)
    expect(portal.language_link(NAMES[lang])).to_have_count(0)


def test_language_switch_keeps_the_page_and_changes_html_lang(page: Page, jobseeker: Person) -> None:
    plan = sign_in(page, jobseeker.email, jobseeker.password).go_to_plan()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(plan.current_language()).to_have_text("English")

    for lang in ("fi", "sv", "en"):
        switch_to(plan, lang, "/plan")
        expected = translated(lang, "My plan")
        if expected:
            expect(plan.h1).to_have_text(expected)

    # The choice is remembered over the browser's own language (English here).
    switch_to(plan, "sv", "/plan")
    page.goto("/accessibility")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(plan.current_language()).to_have_text("Svenska")


def test_language_switch_before_signing_in_keeps_the_query(page: Page) -> None:
    page.goto("/sign-in?next=/plan")
    form = SignInPage(page)
    switch_to(form, "fi", "/sign-in")
    assert urlsplit(page.url).query == "next=/plan"
    switch_to(form, "en", "/sign-in")
    assert urlsplit(page.url).query == "next=/plan"
    expect(form.h1).to_have_text("Sign in")


def test_language_switch_is_never_an_open_redirect(page: Page) -> None:
    page.goto("/language/fi?next=https://example.com/")
    assert urlsplit(page.url).hostname == "127.0.0.1"
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    page.goto("/language/en?next=//example.com/plan")
    assert urlsplit(page.url).hostname == "127.0.0.1"
    expect(page).to_have_url(re.compile(r"/sign-in"))  # home needs signing in
