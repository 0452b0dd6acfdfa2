"""Signing in the way Finnish public services do, in real Chromium at phone size, through a real OpenID
Provider's page: with a pointer and with the keyboard only, axe on every page of ours, and signing out of the
provider too (the Refresh the sign-out page answers with)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from portal.extensions import db
from portal.identification.demo import ACR_SUBSTANTIAL, PERSONAL_IDENTITY_CODE, made_up_identity_code
from portal.identification.persons import person_key
from portal.models import User

from ..support.provider import Provider
from .axe import assert_no_axe_violations
from .conftest import FRESH_NAME, LiveServer, _off_the_event_loop
from .identification_pages import BecomingAClientPage, IdentifyChoices, ProviderPage, RefusedPage, keep_local
from .keyboard import Keyboard
from .pages import HomePage, SignedOutPage

pytestmark = pytest.mark.e2e


@pytest.fixture()
def identified(make_client: Callable[[], str], live_server: LiveServer, oidc_provider: Provider) -> str:
    """A client of their own, registered with a personal identity code the provider vouches for: their sub."""
    email = make_client()
    # a made-up birth date and a temporary number (900-999) of its own: one of only 100 codes met another
    # test's on a database the e2e run keeps
    n = uuid.uuid4().int
    birth_date = f"{1 + n % 28:02d}{1 + n // 28 % 12:02d}{n // 336 % 100:02d}"
    code = made_up_identity_code(birth_date, 900 + n // 33600 % 100)
    sub = f"e2e-{uuid.uuid4().hex[:8]}"

    def link() -> None:
        with live_server.app.app_context():
            user = db.session.scalar(sa.select(User).where(User.email == email))
            assert user is not None
            user.person_key = person_key("national-id", code)
            db.session.commit()

    _off_the_event_loop(link)
    given, family = FRESH_NAME.split()
    oidc_provider.set_person(
        sub,
        {PERSONAL_IDENTITY_CODE: code, "given_name": given, "family_name": family, "acr": ACR_SUBSTANTIAL},
    )
    return sub


def test_a_client_identifies_at_the_provider_and_lands_on_home(page: Page, identified: str) -> None:
    keep_local(page)
    choices = IdentifyChoices(page)
    choices.open()
    assert_no_axe_violations(page, "sign-in with identification")
    choices.national.click()

    provider = ProviderPage(page)
    provider.identify_as(identified)

    home = HomePage(page)
    expect(home.h1).to_have_text("What's next")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("banner")).to_contain_text(f"Signed in as {FRESH_NAME}")
    assert_no_axe_violations(page, "home after identification")


def test_identification_with_the_keyboard_only(page: Page, identified: str) -> None:
    keep_local(page)
    keys = Keyboard(page)
    choices = IdentifyChoices(page)
    choices.open()
    keys.tab_to(choices.national)
    keys.press("Enter")

    provider = ProviderPage(page)
    expect(provider.who).to_be_focused()  # the provider's page puts focus in its only field
    keys.type(identified)
    keys.press("Enter")

    home = HomePage(page)
    expect(home.h1).to_have_text("What's next")
    keys.tab_to(home.menu_link("My plan"))
    keys.press("Enter")
    expect(home.h1).to_have_text("My plan")


def test_someone_who_is_not_a_client_reads_how_to_become_one(page: Page) -> None:
    keep_local(page)
    IdentifyChoices(page).open().national.click()  # type: ignore[attr-defined]
    ProviderPage(page).identify_as("not-a-client-yet")

    info = BecomingAClientPage(page)
    expect(info.h1).to_have_text("How to become a client")
    expect(info.banner("you are not a client of this service yet")).to_be_visible()
    assert_no_axe_violations(page, "how to become a client, after identifying")
    expect(page.get_by_role("navigation", name="Main menu")).to_have_count(0)


def test_a_cancelled_identification_says_so_and_offers_to_try_again(page: Page) -> None:
    keep_local(page)
    IdentifyChoices(page).open().national.click()  # type: ignore[attr-defined]
    ProviderPage(page).deny.click()

    refused = RefusedPage(page)
    expect(refused.h1).to_have_text("Identification was cancelled")
    expect(page).to_have_title(re.compile(r"^Identification was cancelled"))
    assert_no_axe_violations(page, "identification cancelled")
    refused.try_again.click()
    expect(ProviderPage(page).who).to_be_visible()  # back at the provider


def test_signing_out_signs_out_of_the_provider_too(
    page: Page, identified: str, oidc_provider: Provider
) -> None:
    keep_local(page)
    IdentifyChoices(page).open().national.click()  # type: ignore[attr-defined]
    provider = ProviderPage(page)
    provider.identify_as(identified)
    home = HomePage(page)
    expect(home.h1).to_have_text("What's next")

    # First the provider answers "204 No Content", so the page that sends the browser on stays to be seen.
    page.route(re.compile(r"/oauth2/end_session"), lambda route: route.fulfill(status=204))
    home.sign_out_button().click()
    expect(home.h1).to_have_text("Signing you out of Suomi.fi e-Identification")
    assert_no_axe_violations(page, "signing out of the provider")
    expect(page.get_by_role("link", name="Continue to Suomi.fi e-Identification")).to_have_attribute(
        "href", re.compile(r"^" + re.escape(oidc_provider.issuer) + r"/oauth2/end_session\?client_id=")
    )
    page.unroute(re.compile(r"/oauth2/end_session"))

    page.get_by_role("link", name="Continue to Suomi.fi e-Identification").click()
    provider.end_session.click()
    signed_out = SignedOutPage(page)
    expect(signed_out.h1).to_have_text("You have signed out")
    page.goto("/plan")
    expect(page).to_have_url(re.compile(r"/sign-in"))


def test_the_sign_out_page_sends_the_browser_on_by_itself(page: Page, identified: str) -> None:
    keep_local(page)
    IdentifyChoices(page).open().national.click()  # type: ignore[attr-defined]
    provider = ProviderPage(page)
    provider.identify_as(identified)
    home = HomePage(page)
    expect(home.h1).to_have_text("What's next")
    home.sign_out_button().click()
    expect(provider.end_session).to_be_visible()  # the Refresh took the browser to the provider
