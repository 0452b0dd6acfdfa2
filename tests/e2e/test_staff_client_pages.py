"""Staff and their organisation's clients in Chromium at phone size: axe-core finds nothing, nothing scrolls
sideways at 320 px and every target is 44 px, on every page and state (empty and with errors); a caseworker finds
a client and asks for consent with the keyboard only; what is not shared says so."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .axe import assert_no_axe_violations as axe_only
from .conftest import PASSWORD
from .keyboard import Keyboard
from .pages import Portal, sign_in
from .reflow import assert_reflows

pytestmark = pytest.mark.e2e

MANAGER = "tiina.esihenkilo@example.fi"
COACH = "pekka.valmentaja@example.fi"  # a service provider: Aino shares her plan with it, nothing else


def _checked(page: Page, name: str) -> None:
    axe_only(page, name)
    assert_reflows(page, name)


def _open_aino(page: Page, email: str) -> Portal:
    sign_in(page, email, PASSWORD).menu_link("My clients").click()
    clients = Portal(page)
    expect(clients.h1).to_have_text("My clients")
    clients.main.get_by_role("link", name="Aino Asiakas").click()
    client = Portal(page)
    expect(client.h1).to_have_text("Aino Asiakas")
    return client


def test_every_page_of_a_managers_clients_passes_axe_and_reflows(page: Page) -> None:
    client = _open_aino(page, MANAGER)
    client_url = page.url
    _checked(page, "staff client page (controller)")
    page.go_back()
    _checked(page, "my clients")
    page.goto(page.url + "?name=zzz")
    expect(Portal(page).main).to_contain_text("No client of your organisation matches.")
    _checked(page, "your clients, nothing found")
    page.goto(client_url)

    client.main.get_by_role("link", name="Ask the client for consent").click()
    ask = Portal(page)
    expect(ask.h1).to_have_text("Ask Aino Asiakas for consent")
    _checked(page, "consent request")
    ask.main.get_by_role("button", name="Send the request").click()
    expect(ask.error_summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: Ask Aino Asiakas for consent"))
    _checked(page, "consent request with errors")
    ask.page.get_by_role("link", name="Back").click()

    client.main.get_by_role("link", name="Add an organisation").click()
    add = Portal(page)
    _checked(page, "add an organisation")
    add.main.get_by_role("button", name="Add the organisation").click()
    expect(add.error_summary).to_be_focused()
    _checked(page, "add an organisation with errors")
    add.page.get_by_role("link", name="Back").click()

    client.main.get_by_role("link", name=re.compile(r"^End ?: Polku")).click()
    end = Portal(page)
    expect(end.h1).to_contain_text("Polku")
    _checked(page, "end an organisation's work")
    end.main.get_by_role("button", name="End the work").click()
    expect(end.error_summary).to_be_focused()
    _checked(page, "end an organisation's work with errors")


def test_a_provider_sees_what_is_shared_and_asks_for_the_rest_with_the_keyboard(page: Page) -> None:
    client = _open_aino(page, COACH)
    plan = client.main.get_by_role("region", name="Your plan and its steps")
    expect(plan).to_contain_text("The client has agreed that your organisation sees this.")
    health = client.main.get_by_role("region", name="Work ability and health")
    expect(health).to_contain_text("Not shared with your organisation.")
    _checked(page, "staff client page (consent)")

    keys = Keyboard(page)
    keys.tab_to(client.main.get_by_role("link", name="Ask the client for consent"), backwards=True)
    keys.press("Enter")
    ask = Portal(page)
    expect(ask.h1).to_have_text("Ask Aino Asiakas for consent")
    what = ask.main.get_by_role("group", name="What would you like to see?")
    keys.tab_to(what.get_by_role("radio").first)
    keys.press("Space")
    why = ask.main.get_by_role("group", name="Why do you need it?")
    keys.tab_to(why.get_by_role("radio").first)
    keys.press("Space")
    keys.tab_to(ask.main.get_by_role("textbox", name="Your message to the client"))
    page.keyboard.type("Haluaisin suunnitella valmennuksen terveytesi mukaan.")
    keys.tab_to(ask.main.get_by_role("button", name="Send the request"))
    keys.press("Enter")
    expect(Portal(page).banner("Your request was sent. The client sees it when they next sign in.")).to_be_visible()
