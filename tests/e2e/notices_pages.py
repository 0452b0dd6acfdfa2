"""Page objects for notices: the staff list and a notice, and what the client sees of theirs; found by role
and accessible name as a screen-reader user would."""

from __future__ import annotations

import re

from playwright.sync_api import Locator

from .pages import Portal


class NoticesPage(Portal):
    path = "/staff/notices"

    @property
    def tabs(self) -> Locator:
        return self.main.get_by_role("navigation", name="Which notices")

    def tab(self, name: str | re.Pattern[str]) -> Locator:
        return self.tabs.get_by_role("link", name=name)

    def notice_link(self, headline: str) -> Locator:
        return self.main.get_by_role("link", name=headline, exact=True)

    def item(self, headline: str) -> Locator:
        return self.main.get_by_role("listitem").filter(
            has=self.page.get_by_role("link", name=headline, exact=True))

    @property
    def pages(self) -> Locator:
        return self.main.get_by_role("navigation", name="Pages")


class NoticePage(Portal):
    @property
    def answer_box(self) -> Locator:
        return self.page.get_by_role("textbox", name="Your answer to the client")

    @property
    def send(self) -> Locator:
        return self.main.get_by_role("button", name="Send the answer")

    @property
    def mark_handled(self) -> Locator:
        return self.main.get_by_role("button", name="Mark as handled")

    @property
    def answer(self) -> Locator:
        return self.main.get_by_role("region", name="Answer to the client")

    def summary_value(self, key: str) -> Locator:
        return self.main.get_by_role("term").filter(has_text=key).locator("xpath=following-sibling::dd[1]")

    @property
    def problem(self) -> Locator:
        heading = self.page.get_by_role("heading", name="There is a problem")
        return self.page.get_by_role("alert").filter(has=heading)


class ToldYourTeam(Portal):
    """What the client told their team, on a step page or an appointment page."""

    @property
    def section(self) -> Locator:
        return self.main.get_by_role("region", name="What you told your team")

    @property
    def answer_heading(self) -> Locator:
        return self.section.get_by_role("heading", level=3)


class HomeAnswers(Portal):
    @property
    def answers(self) -> Locator:
        return self.main.get_by_role("list", name="Answers from your team")
