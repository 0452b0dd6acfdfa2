"""Page objects of My team, Sharing my data, giving consent, receipts, Who viewed my data and Export my data:
found by role and accessible name, as a screen-reader user finds them."""

from __future__ import annotations

import re

from playwright.sync_api import Locator

from .pages import Portal, named

# The demo team (portal/sharing/demo.py), in English
COUNTY = "Vantaa and Kerava Wellbeing Services County"
KELA = "Kela"
EMPLOYMENT = "Vantaa Employment Services"
WORK_ABILITY = "Work ability and health"
APPOINTMENTS = "Appointments and support needs"
BENEFITS = "Benefit decisions"


class SharingPage(Portal):
    path = "/sharing"

    def organisation(self, name: str) -> Locator:
        """An organisation's section (a region named by its heading)."""
        return self.main.get_by_role("region", name=name, exact=True)

    def row(self, organisation: str, category: str) -> Locator:
        return self.organisation(organisation).get_by_role("listitem").filter(
            has=self.page.get_by_role("heading", name=category, exact=True, level=3))

    def status_of(self, organisation: str, category: str) -> Locator:
        """"Can see" or "Cannot see"."""
        return self.row(organisation, category).get_by_role("strong").first

    def withdraw_button(self, organisation: str, category: str) -> Locator:
        return self.row(organisation, category).get_by_role(
            "button", name=named("Withdraw consent", f"{category}, {organisation}"))

    def give_link(self, organisation: str, category: str) -> Locator:
        return self.row(organisation, category).get_by_role(
            "link", name=named("Give consent", f"{category}, {organisation}"))

    def changed_message(self, organisation: str, category: str) -> Locator:
        return self.row(organisation, category).get_by_text("You withdrew your consent.", exact=True)

    def request(self, organisation: str, category: str) -> Locator:
        return self.main.get_by_role("listitem").filter(has=self.page.get_by_role(
            "heading", name=f"{organisation} asks to see this information: {category}", level=3))

    def approve_link(self, organisation: str, category: str) -> Locator:
        return self.request(organisation, category).get_by_role(
            "link", name=named("Give consent", f"{category}, {organisation}"))

    def decline_button(self, organisation: str, category: str) -> Locator:
        return self.request(organisation, category).get_by_role(
            "button", name=named("Decline", f"{category}, {organisation}"))

    def link(self, name: str) -> Locator:
        return self.main.get_by_role("link", name=name, exact=True)


class GivePage(Portal):
    @property
    def durations(self) -> Locator:
        return self.page.get_by_role("group", name=re.compile("For how long can the organisation see it"))

    def duration(self, label: str | re.Pattern[str]) -> Locator:
        return self.durations.get_by_role("radio", name=label)

    @property
    def give(self) -> Locator:
        return self.main.get_by_role("button", name="Give consent")

    def notice(self, heading: str) -> Locator:
        """The text of one item of the notice (a summary list's value)."""
        return self.main.get_by_role("term").filter(has_text=re.compile(f"^{re.escape(heading)}$")).locator(
            "xpath=following-sibling::dd[1]")


class ReceiptPage(Portal):
    def value(self, key: str) -> Locator:
        return self.main.get_by_role("term").filter(has_text=re.compile(f"^{re.escape(key)}$")).locator(
            "xpath=following-sibling::dd[1]")

    @property
    def json_link(self) -> Locator:
        return self.main.get_by_role("link", name="Download this receipt as a file for computers (JSON)")


class LogPage(Portal):
    path = "/sharing/log"

    @property
    def organisation_filter(self) -> Locator:
        return self.main.get_by_label("Organisation", exact=True)

    @property
    def show(self) -> Locator:
        return self.main.get_by_role("button", name="Show")

    @property
    def entries(self) -> Locator:
        return self.main.get_by_role("list", name=re.compile(r"^\d+ times? (in all|by this organisation)$")) \
            .get_by_role("listitem")


class TeamPage(Portal):
    path = "/team"

    def organisation(self, name: str) -> Locator:
        return self.main.get_by_role("region", name=name, exact=True)


class MyDataPage(Portal):
    path = "/my-data"

    @property
    def download(self) -> Locator:
        return self.main.get_by_role("link", name="Download my data (JSON file)")
