"""At 390 × 844 the header is one row, so that each page's heading and first action are on the first screen; the
menu that holds the language links and signing out works by pointer, by keyboard and without JavaScript
(issue 15, item 15)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from .axe import assert_no_axe_violations
from .conftest import HEIGHT, Person
from .keyboard import Keyboard
from .pages import Portal, SignInPage, sign_in
from .reflow import assert_reflows

pytestmark = pytest.mark.e2e

# The header and the main menu together, of the 844 px of the screen (before: 213 px in English, 36 % of the
# screen in Finnish, where the main menu took two rows).
CHROME_MAX = 120


def bottom(locator: Locator) -> float:
    box = locator.bounding_box()
    assert box is not None, locator
    return box["y"] + box["height"]


def assert_on_the_first_screen(portal: Portal, first_action: Locator, name: str) -> None:
    portal.page.evaluate("window.scrollTo(0, 0)")
    menu = portal.page.get_by_role("navigation", name="Main menu")
    chrome = bottom(menu) if menu.count() else bottom(portal.page.get_by_role("banner"))
    assert chrome <= CHROME_MAX, f"{name}: the header and menu end at {chrome:.0f} px"
    assert bottom(portal.h1) <= HEIGHT, f"{name}: the heading ends at {bottom(portal.h1):.0f} px"
    assert bottom(first_action) <= HEIGHT, f"{name}: the first action ends at {bottom(first_action):.0f} px"


def test_each_pages_heading_and_first_action_are_on_the_first_screen(page: Page, jobseeker: Person,
                                                                      caseworker: Person) -> None:
    form = SignInPage(page)
    form.open()
    assert_on_the_first_screen(form, form.email, "sign in")

    home = sign_in(page, jobseeker.email, jobseeker.password)
    assert_on_the_first_screen(home, home.main.get_by_role("link").first, "home")

    page.goto("/appointments")
    listing = Portal(page)
    assert_on_the_first_screen(listing, listing.main.get_by_role("link", name="Book an appointment"), "appointments")

    page.goto("/appointments/book")
    question = Portal(page)
    assert_on_the_first_screen(question, question.main.get_by_role("radio").first, "booking: what")

    page.goto("/plan")
    plan = Portal(page)
    # The plan page's first action is its own matter (being rewritten); its heading is on the first screen.
    assert_on_the_first_screen(plan, plan.h1, "plan")
    first_button = plan.main.get_by_role("button").first
    print(f"\nplan page: first action ends at {bottom(first_button):.0f} px of {HEIGHT}")

    plan.sign_out()
    day = sign_in(page, caseworker.email, caseworker.password)
    page.goto("/staff/appointments")
    assert_on_the_first_screen(day, day.main.get_by_role("link", name="Publish times"), "staff day view")


def test_the_menu_holds_the_language_links_and_signing_out(page: Page, jobseeker: Person) -> None:
    home = sign_in(page, jobseeker.email, jobseeker.password)
    banner = page.get_by_role("banner")
    expect(banner.get_by_role("navigation")).to_have_count(0)  # closed: nothing of it is shown or read out
    expect(home.menu.locator("summary")).to_have_text("Menu")
    home.open_menu()
    expect(home.menu.get_by_text(f"Signed in as {jobseeker.name}")).to_be_visible()
    assert_no_axe_violations(page, "header menu open")
    assert_reflows(page, "header menu open")
    home.language_link("Svenska").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(home.menu.locator("summary")).to_have_text("Meny")

    # On a wide screen the same links are in the header, with no menu.
    page.set_viewport_size({"width": 1280, "height": 800})
    expect(home.menu).to_have_count(0)
    expect(banner.get_by_role("link", name="English", exact=True)).to_be_visible()
    expect(banner.get_by_role("button", name="Logga ut")).to_be_visible()


def test_the_menu_with_the_keyboard_only(page: Page, jobseeker: Person) -> None:
    sign_in(page, jobseeker.email, jobseeker.password)
    page.goto("/appointments")
    portal = Portal(page)
    keys = Keyboard(page)
    summary = portal.menu.locator("summary")
    keys.tab_to(summary)
    keys.press("Enter")
    english = portal.menu.get_by_text("English", exact=True)
    expect(english).to_have_attribute("aria-current", "true")
    svenska = portal.menu.get_by_role("link", name="Svenska", exact=True)
    keys.tab_to(svenska)
    keys.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    assert page.url.endswith("/appointments")
    keys.tab_to(portal.menu.locator("summary"))
    keys.press(" ")
    keys.tab_to(page.get_by_role("banner").get_by_role("button", name="Logga ut"))
    keys.press("Enter")
    expect(Portal(page).h1).to_have_text("Du har loggat ut")


def test_the_menu_works_without_javascript(browser: Browser, browser_context_args: dict[str, Any],
                                           jobseeker: Person) -> None:
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    try:
        page = context.new_page()
        home = sign_in(page, jobseeker.email, jobseeker.password)
        home.language_link("Suomi").click()
        expect(page.locator("html")).to_have_attribute("lang", "fi")
        expect(home.h1).to_have_text("Mitä seuraavaksi")
        home.open_menu()
        page.get_by_role("banner").get_by_role("button", name="Kirjaudu ulos").click()
        expect(home.h1).to_have_text("Olet kirjautunut ulos")
    finally:
        context.close()
