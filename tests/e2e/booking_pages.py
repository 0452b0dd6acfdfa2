"""Page objects for booking an appointment, found by role and accessible name as a screen-reader user would."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page

from .pages import Portal


class BookingQuestion(Portal):
    """A question page: one radio group whose legend is the h1, a Continue button, a Back link."""

    def __init__(self, page: Page) -> None:
        super().__init__(page)

    @property
    def options(self) -> Locator:
        return self.page.get_by_role("radio")

    def option(self, name: str | re.Pattern[str]) -> Locator:
        return self.page.get_by_role("radio", name=name)

    @property
    def continue_button(self) -> Locator:
        return self.page.get_by_role("button", name="Continue")


class AppointmentsPage(Portal):
    path = "/appointments"

    @property
    def book_link(self) -> Locator:
        return self.main.get_by_role("link", name="Book an appointment")


class NeedsPage(BookingQuestion):
    def interpreter(self, answer: str) -> Locator:
        return self.page.get_by_role("group", name="Do you need an interpreter?").get_by_role("radio", name=answer)

    @property
    def language(self) -> Locator:
        return self.page.get_by_label("Which language?")


class CheckAnswersPage(Portal):
    def summary_value(self, key: str) -> Locator:
        return self.main.locator(".summary-list__row").filter(has=self.page.get_by_text(key, exact=True))

    @property
    def book_button(self) -> Locator:
        return self.page.get_by_role("button", name="Book appointment")


class ConfirmationPage(Portal):
    @property
    def calendar_link(self) -> Locator:
        return self.page.get_by_role("link", name="Add to calendar (.ics file)")
