"""Which language the pages are in: a signed-in person's saved language first, then this browser's choice, then
Accept-Language, Finnish by default (issue 15, item 12)."""

from __future__ import annotations

import re

import pytest

from portal.extensions import db

from ..support.client import PortalClient
from ..support.factories import PASSWORD, ClientFactory

OUR_PAGE = {"Sec-Fetch-Site": "same-origin"}
ANOTHER_SITE = {"Sec-Fetch-Site": "cross-site"}


def page_language(client: PortalClient, path: str = "/", **kwargs: object) -> str:
    html = client.get(path, **kwargs).get_data(as_text=True)
    found = re.search(r'<html lang="(\w+)">', html)
    assert found, html[:300]
    return found.group(1)


def signed_in_as(client: PortalClient, locale: str | None) -> object:
    user = ClientFactory(locale=locale)
    assert client.sign_in(user.email, PASSWORD).status_code == 302
    return user


def test_a_swedish_account_gets_swedish_pages_on_a_finnish_browser(client: PortalClient) -> None:
    """Bertil signs in on a Finnish browser: his pages are in Swedish, like his reminders."""
    signed_in_as(client, "sv")
    assert page_language(client, headers={"Accept-Language": "fi"}) == "sv"
    assert page_language(client, "/appointments", headers={"Accept-Language": "fi-FI,fi;q=0.9"}) == "sv"


def test_the_saved_language_outranks_a_language_cookie(client: PortalClient) -> None:
    """A cookie left from before signing in (or set by a link on another site) does not decide for the account."""
    client.set_cookie("lang", "fi")
    signed_in_as(client, "en")
    assert page_language(client) == "en"
    client.get("/language/fi", query_string={"next": "/"}, headers=ANOTHER_SITE)
    assert page_language(client) == "en"


def test_the_switch_on_our_pages_changes_the_pages_and_the_account(client: PortalClient) -> None:
    user = signed_in_as(client, "sv")
    response = client.get("/language/en", query_string={"next": "/"}, headers=OUR_PAGE)
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.locale == "en"  # reminders come in English now, too
    assert page_language(client, headers={"Accept-Language": "sv"}) == "en"


def test_without_a_saved_language_the_browser_decides(client: PortalClient) -> None:
    signed_in_as(client, None)
    assert page_language(client, headers={"Accept-Language": "sv"}) == "sv"
    client.set_cookie("lang", "fi")
    assert page_language(client, headers={"Accept-Language": "sv"}) == "fi"


@pytest.mark.parametrize(("accept", "expected"), [("sv-FI", "sv"), ("de", "fi"), ("", "fi")])
def test_signed_out_the_cookie_then_accept_language_then_finnish(client: PortalClient, accept: str,
                                                                 expected: str) -> None:
    assert page_language(client, "/sign-in", headers={"Accept-Language": accept}) == expected


def test_an_account_language_the_service_does_not_have_is_ignored(client: PortalClient) -> None:
    signed_in_as(client, "de")
    assert page_language(client, headers={"Accept-Language": "sv"}) == "sv"
