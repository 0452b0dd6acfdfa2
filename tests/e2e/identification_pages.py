"""The identification pages, found as a screen-reader user finds them, and the provider's own page."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, Route

from .pages import Portal

NATIONAL = "Identify yourself with Suomi.fi e-Identification"


def keep_local(page: Page) -> None:
    """The test provider's page asks for a stylesheet from the internet: nothing leaves this machine."""

    def abort(route: Route) -> None:
        route.abort()

    page.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/]|localhost[:/])"), abort)


class IdentifyChoices(Portal):
    path = "/sign-in"

    @property
    def national(self) -> Locator:
        return self.main.get_by_role("link", name=NATIONAL)

    @property
    def becoming_a_client(self) -> Locator:
        return self.main.get_by_role("link", name="Not a client yet? Read how to become one.")


class ProviderPage:
    """The test OpenID Provider's page (oidc-provider-mock): who to identify as, or deny."""

    def __init__(self, page: Page) -> None:
        self.page = page

    @property
    def who(self) -> Locator:
        return self.page.get_by_placeholder("sub")

    def identify_as(self, sub: str) -> None:
        self.who.fill(sub)
        self.who.press("Enter")

    @property
    def deny(self) -> Locator:
        return self.page.get_by_role("button", name="Deny")

    @property
    def end_session(self) -> Locator:
        return self.page.get_by_role("button", name="End session")


class BecomingAClientPage(Portal):
    path = "/becoming-a-client"


class RefusedPage(Portal):
    @property
    def try_again(self) -> Locator:
        return self.main.get_by_role("link", name="Try again")
