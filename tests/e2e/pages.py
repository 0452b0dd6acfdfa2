"""Page objects that find things as a screen-reader user does: by role and accessible name, by label, by heading.

The one exception is the polite live region, which has no name of its own (a status region); it is found by
its id.
"""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect


class Portal:
    """What every page has: skip link, header (language switch, sign out), main menu, h1, banners, footer."""

    path = "/"

    def __init__(self, page: Page) -> None:
        self.page = page

    def open(self) -> Portal:
        self.page.goto(self.path)
        return self

    # The page's outline
    @property
    def h1(self) -> Locator:
        return self.page.get_by_role("heading", level=1)

    def heading(self, name: str | re.Pattern[str], level: int | None = None) -> Locator:
        if level is None:
            return self.page.get_by_role("heading", name=name)
        return self.page.get_by_role("heading", name=name, level=level)

    @property
    def main(self) -> Locator:
        return self.page.get_by_role("main")

    @property
    def skip_link(self) -> Locator:
        return self.page.get_by_role("link", name="Skip to main content")

    # Header
    @property
    def menu(self) -> Locator:
        """Signed in, on a phone: the header's "Menu", a <details> (the header's only group; its <summary> is
        read out as a button, "Menu, collapsed") that holds the language links and signing out."""
        return self.page.get_by_role("banner").get_by_role("group")

    def open_menu(self) -> None:
        """Open the header's menu if the page has one showing and it is closed (on wider screens and before
        signing in the language links and signing out are in the header itself)."""
        menu = self.menu
        if menu.count() and menu.is_visible() and not menu.evaluate("details => details.open"):
            menu.locator("summary").click()
            expect(menu.get_by_role("navigation")).to_be_visible()

    @property
    def language_switch(self) -> Locator:
        # The header's only navigation; its name is in the page's language.
        self.open_menu()
        return self.page.get_by_role("banner").get_by_role("navigation")

    def language_link(self, name: str) -> Locator:
        return self.language_switch.get_by_role("link", name=name, exact=True)

    def current_language(self) -> Locator:
        """The one language marked as current: a span, not a link, with aria-current."""
        return self.language_switch.get_by_role("listitem").locator("[aria-current='true']")

    def sign_out_button(self) -> Locator:
        self.open_menu()
        return self.page.get_by_role("banner").get_by_role("button", name=re.compile("^(Sign out|Kirjaudu ulos|Logga ut)$"))

    def sign_out(self) -> SignedOutPage:
        self.sign_out_button().click()
        page = SignedOutPage(self.page)
        expect(page.h1).to_have_text("You have signed out")
        return page

    @property
    def main_menu(self) -> Locator:
        return self.page.get_by_role("navigation", name="Main menu")

    def menu_link(self, name: str) -> Locator:
        return self.main_menu.get_by_role("link", name=name, exact=True)

    # Feedback
    @property
    def error_summary(self) -> Locator:
        return self.page.get_by_role("alert").filter(has=self.page.get_by_role("heading", name="There is a problem"))

    def error_link(self, message: str) -> Locator:
        return self.error_summary.get_by_role("link", name=message)

    def banner(self, text: str | re.Pattern[str]) -> Locator:
        """A message after a redirect: GOV.UK's notification banner, an alert focused when the page loads."""
        return self.main.get_by_role("alert").filter(has_text=text)

    @property
    def live_region(self) -> Locator:
        return self.page.locator("#live-region")

    @property
    def session_warning(self) -> Locator:
        return self.page.get_by_role("dialog", name="Do you want to stay signed in?")

    def open_session_warning(self) -> Locator:
        self.page.evaluate("document.getElementById('session-warning').showModal()")
        expect(self.session_warning).to_be_visible()
        return self.session_warning

    def footer_link(self, name: str) -> Locator:
        return self.page.get_by_role("contentinfo").get_by_role("link", name=name)


class SignInPage(Portal):
    path = "/sign-in"

    @property
    def email(self) -> Locator:
        return self.page.get_by_label("Email address")

    @property
    def password(self) -> Locator:
        return self.page.get_by_label("Password", exact=True)

    @property
    def submit(self) -> Locator:
        return self.main.get_by_role("button", name="Sign in")

    def sign_in(self, email: str, password: str) -> None:
        self.email.fill(email)
        self.password.fill(password)
        self.submit.click()

    def sign_in_as(self, email: str, password: str) -> HomePage:
        self.sign_in(email, password)
        home = HomePage(self.page)
        expect(home.page).to_have_url(re.compile(r"/$"))
        return home


class HomePage(Portal):
    path = "/"

    def next_link(self, title: str) -> Locator:
        return self.main.get_by_role("list").first.get_by_role("link", name=title)

    @property
    def plan_card(self) -> Locator:
        return self.main.get_by_role("heading", name="My plan", level=3)

    def go_to_plan(self) -> PlanPage:
        self.menu_link("My plan").click()
        plan = PlanPage(self.page)
        expect(plan.h1).to_have_text("My plan")
        return plan


class StaffHomePage(Portal):
    path = "/"


def named(words: str, item: str) -> re.Pattern[str]:
    """The accessible name of a button or link in a list: its visible words, then (visually hidden) the item it
    acts on. Chromium puts a space before the hidden part, as it is positioned out of the flow."""
    return re.compile(rf"^{re.escape(words)} ?: {re.escape(item)}$")


class PlanPage(Portal):
    path = "/plan"

    @property
    def progress_text(self) -> Locator:
        return self.main.get_by_text(re.compile(r"^\d+ of \d+ steps? done$"))

    def group(self, heading: str | re.Pattern[str]) -> Locator:
        """The task list a group heading (e.g. "Overdue steps (1)") names."""
        return self.main.get_by_role("list", name=heading)

    def step(self, title: str) -> Locator:
        """A step's row: the list item holding the link with the step's title."""
        return self.main.get_by_role("listitem").filter(has=self.page.get_by_role("link", name=title, exact=True))

    def step_link(self, title: str) -> Locator:
        return self.main.get_by_role("link", name=title, exact=True)

    def mark_done_button(self, title: str) -> Locator:
        return self.step(title).get_by_role("button", name=named("Mark as done", title))

    def mark_not_done_button(self, title: str) -> Locator:
        return self.step(title).get_by_role("button", name=named("Mark as not done", title))

    def undo_button(self, title: str) -> Locator:
        """What a step checked off without leaving the page offers right next to it."""
        return self.step(title).get_by_role("button", name=named("Undo", title))

    def cant_do_link(self, title: str) -> Locator:
        return self.step(title).get_by_role("link", name=named("I can't do this", title))

    def status_of(self, title: str) -> Locator:
        """The step's status tag (a step can also carry "Overdue": tags_of)."""
        return self.step(title).get_by_role("strong").first

    def tags_of(self, title: str) -> Locator:
        return self.step(title).get_by_role("strong")

    def change_message(self, title: str) -> Locator:
        return self.step(title).locator(".task__changed")

    @property
    def add_step_link(self) -> Locator:
        return self.main.get_by_role("link", name="Add your own step")

    def open_step(self, title: str) -> StepPage:
        self.step_link(title).click()
        step = StepPage(self.page)
        expect(step.h1).to_have_text(title)
        return step


class StepPage(Portal):
    @property
    def history(self) -> Locator:
        return self.main.get_by_role("list").filter(has=self.page.get_by_role("time"))

    def summary_value(self, key: str) -> Locator:
        """The value (dd) of the summary-list term (dt) named `key`."""
        return self.main.get_by_role("term").filter(has_text=key).locator("xpath=following-sibling::dd[1]")

    @property
    def cant_do_link(self) -> Locator:
        return self.main.get_by_role("link", name="I can't do this")

    @property
    def mark_done(self) -> Locator:
        return self.main.get_by_role("button", name="Mark as done")

    @property
    def back_link(self) -> Locator:
        return self.page.get_by_role("link", name="Back to my plan")

    def open_cant_do(self) -> CantDoPage:
        self.cant_do_link.click()
        page = CantDoPage(self.page)
        expect(page.h1).to_have_text("Why can't you do this step?")
        return page


class CantDoPage(Portal):
    REASON_ERROR = "Choose the reason you can't do this step"

    @property
    def reasons(self) -> Locator:
        return self.page.get_by_role("group", name=re.compile("Why can't you do this step"))

    def reason(self, label: str) -> Locator:
        return self.reasons.get_by_role("radio", name=label)

    @property
    def detail(self) -> Locator:
        return self.page.get_by_label("Tell your team more (optional)")

    @property
    def submit(self) -> Locator:
        return self.main.get_by_role("button", name="Tell my team")


class AddStepPage(Portal):
    path = "/plan/steps/new"
    DATE_ERROR = "The date must be today or later"

    @property
    def what(self) -> Locator:
        return self.page.get_by_label("What will you do?")

    @property
    def details(self) -> Locator:
        return self.page.get_by_label("More details (optional)")

    @property
    def due(self) -> Locator:
        return self.page.get_by_role("group", name=re.compile("When will you do it by"))

    def due_part(self, part: str) -> Locator:
        return self.due.get_by_label(part, exact=True)

    def fill_due(self, day: int, month: int, year: int) -> None:
        self.due_part("Day").fill(str(day))
        self.due_part("Month").fill(str(month))
        self.due_part("Year").fill(str(year))

    @property
    def submit(self) -> Locator:
        return self.main.get_by_role("button", name="Add step")


class ChangePasswordPage(Portal):
    path = "/account/password"

    @property
    def submit(self) -> Locator:
        return self.main.get_by_role("button", name="Change password")


class SignedOutPage(Portal):
    path = "/signed-out"


class AccessibilityPage(Portal):
    path = "/accessibility"


def sign_in(page: Page, email: str, password: str) -> HomePage:
    """Open the sign-in page and sign in; returns the home page the user lands on."""
    form = SignInPage(page)
    form.open()
    return form.sign_in_as(email, password)
