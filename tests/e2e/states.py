"""Every page and state the accessibility checks visit, and how a user gets there.

Each state is reached the way a user reaches it (sign in, follow links, submit forms), and waits until the
page has settled (the error summary focused, the live region spoken) before a check runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from playwright.sync_api import Page, expect

from .booking_pages import BookingQuestion
from .conftest import Person
from .pages import (
    AccessibilityPage,
    AddStepPage,
    CantDoPage,
    ChangePasswordPage,
    HomePage,
    SignInPage,
    sign_in,
)
from .sharing_pages import (
    APPOINTMENTS,
    BENEFITS,
    COUNTY,
    KELA,
    GivePage,
    LogPage,
    MyDataPage,
    ReceiptPage,
    SharingPage,
    TeamPage,
)

TODO_STEP = "Apply for four jobs this month"  # in a fresh client's plan (English)
# Aino's plan is in Finnish (the demo's own words, not the UI's): "Apply for four jobs this month" and
# "Start work coaching", which is "can't do", with two events in its history.
AINO_TODO_STEP = "Hae neljää työpaikkaa tämän kuukauden aikana"
AINO_CANT_DO_STEP = "Aloita työvalmennus"


@dataclass(frozen=True)
class People:
    aino: Person  # read-only
    caseworker: Person
    fresh: Callable[[], Person]  # a client of their own, for states that change data
    new: Callable[[], Person]  # a client of their own with no plan yet
    fresh_with_team: Callable[[], Person]  # … with the demo team, consents and a request, as Aino's


@dataclass(frozen=True)
class State:
    name: str
    reach: Callable[[Page, People], None]

    def __str__(self) -> str:
        return self.name


def _sign_in_empty(page: Page, people: People) -> None:
    form = SignInPage(page)
    form.open()
    expect(form.h1).to_have_text("Sign in")


def _sign_in_errors(page: Page, people: People) -> None:
    form = SignInPage(page)
    form.open()
    form.submit.click()
    expect(form.error_summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))


def _home(page: Page, people: People) -> None:
    home = sign_in(page, people.aino.email, people.aino.password)
    expect(home.h1).to_have_text("What's next")


def _plan(page: Page, people: People) -> None:
    plan = sign_in(page, people.aino.email, people.aino.password).go_to_plan()
    expect(plan.progress_text).to_be_visible()


def _plan_after_swap(page: Page, people: People) -> None:
    person = people.fresh()
    plan = sign_in(page, person.email, person.password).go_to_plan()
    plan.mark_done_button(TODO_STEP).click()
    expect(plan.live_region).to_have_text(f"“{TODO_STEP}” is marked as done.")
    expect(plan.undo_button(TODO_STEP)).to_be_focused()


def _step_with_history(page: Page, people: People) -> None:
    step = sign_in(page, people.aino.email, people.aino.password).go_to_plan().open_step(AINO_CANT_DO_STEP)
    expect(step.history.get_by_role("listitem")).to_have_count(2)


def _open_cant_do(page: Page, people: People) -> CantDoPage:
    step = sign_in(page, people.aino.email, people.aino.password).go_to_plan().open_step(AINO_TODO_STEP)
    return step.open_cant_do()


def _cant_do(page: Page, people: People) -> None:
    _open_cant_do(page, people)


def _cant_do_errors(page: Page, people: People) -> None:
    form = _open_cant_do(page, people)
    form.submit.click()
    expect(form.error_summary).to_be_focused()


def _open_add_step(page: Page, people: People) -> AddStepPage:
    sign_in(page, people.aino.email, people.aino.password).go_to_plan().add_step_link.click()
    form = AddStepPage(page)
    expect(form.h1).to_have_text("Add your own step")
    return form


def _add_step(page: Page, people: People) -> None:
    _open_add_step(page, people)


def _add_step_errors(page: Page, people: People) -> None:
    form = _open_add_step(page, people)
    form.fill_due(1, 1, 2020)  # in the past, and no title
    form.submit.click()
    expect(form.error_summary).to_be_focused()


def _accessibility(page: Page, people: People) -> None:
    statement = AccessibilityPage(page)
    statement.open()
    expect(statement.h1).to_have_text("Accessibility statement")


def _becoming_a_client(page: Page, people: People) -> None:
    page.goto("/becoming-a-client")
    expect(HomePage(page).h1).to_have_text("How to become a client")


def _not_found(page: Page, people: People) -> None:
    sign_in(page, people.aino.email, people.aino.password)
    response = page.goto("/plan/no-such-page")
    assert response is not None and response.status == 404
    expect(HomePage(page).h1).to_have_text("Page not found")


def _signed_out(page: Page, people: People) -> None:
    person = people.fresh()  # signing out ends every session of the user
    sign_in(page, person.email, person.password).sign_out()


def _open_change_password(page: Page, people: People) -> ChangePasswordPage:
    sign_in(page, people.aino.email, people.aino.password).footer_link("Change your password").click()
    form = ChangePasswordPage(page)
    expect(form.h1).to_have_text("Change your password")
    return form


def _change_password(page: Page, people: People) -> None:
    _open_change_password(page, people)


def _change_password_errors(page: Page, people: People) -> None:
    form = _open_change_password(page, people)
    form.submit.click()
    expect(form.error_summary).to_be_focused()


def _change_password_guessable(page: Page, people: People) -> None:
    form = _open_change_password(page, people)
    form.main.get_by_label("Current password", exact=True).fill(people.aino.password)
    form.main.get_by_label("New password", exact=True).fill("password1234")
    form.main.get_by_label("Type the new password again").fill("password1234")
    form.submit.click()
    expect(form.error_summary).to_be_focused()
    expect(form.error_summary).to_contain_text("Choose a password that is harder to guess")


def _staff_home(page: Page, people: People) -> None:
    home = sign_in(page, people.caseworker.email, people.caseworker.password)
    expect(home.h1).to_have_text("Staff front page")


def _session_warning(page: Page, people: People) -> None:
    home = sign_in(page, people.aino.email, people.aino.password)
    dialog = home.open_session_warning()
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_visible()


def _home_without_a_plan(page: Page, people: People) -> None:
    person = people.new()
    home = sign_in(page, person.email, person.password)
    expect(home.main.get_by_role("link", name="Book your first meeting")).to_be_visible()


def _header_menu_open(page: Page, people: People) -> None:
    home = sign_in(page, people.aino.email, people.aino.password)
    home.open_menu()
    expect(home.menu.get_by_role("button", name="Sign out")).to_be_visible()


def _time_with_a_place_in_finnish(page: Page, people: People) -> None:
    """Employment services' place is given in Finnish only: an English page marks it with lang="fi"."""
    sign_in(page, people.aino.email, people.aino.password)
    page.goto("/appointments/book")
    for choice in ("Vantaa Employment Services", None):
        question = BookingQuestion(page)
        (question.option(choice) if choice else question.options.first).check()
        question.continue_button.click()
    expect(page.locator("main [lang='fi']").first).to_have_text("Kielotie 13, Vantaa")


def _open_sharing(page: Page, person: Person) -> SharingPage:
    sign_in(page, person.email, person.password).footer_link("Sharing my data").click()
    sharing = SharingPage(page)
    expect(sharing.h1).to_have_text("Sharing my data")
    return sharing


def _team(page: Page, people: People) -> None:
    sign_in(page, people.aino.email, people.aino.password).main.get_by_role("link", name="My team").click()
    expect(TeamPage(page).organisation(KELA)).to_be_visible()


def _sharing(page: Page, people: People) -> None:
    expect(_open_sharing(page, people.aino).status_of(COUNTY, APPOINTMENTS)).to_have_text("Can see")


def _sharing_after_withdraw(page: Page, people: People) -> None:
    sharing = _open_sharing(page, people.fresh_with_team())
    sharing.withdraw_button(COUNTY, APPOINTMENTS).click()
    expect(sharing.live_region).to_contain_text("You withdrew your consent.")
    expect(sharing.changed_message(COUNTY, APPOINTMENTS)).to_be_focused()


def _open_give(page: Page, people: People) -> GivePage:
    _open_sharing(page, people.aino).give_link(COUNTY, BENEFITS).click()
    give = GivePage(page)
    expect(give.h1).to_have_text("Give consent")
    return give


def _give(page: Page, people: People) -> None:
    expect(_open_give(page, people).notice("What information")).to_contain_text(BENEFITS)


def _give_errors(page: Page, people: People) -> None:
    give = _open_give(page, people)
    give.give.click()
    expect(give.error_summary).to_be_focused()


def _receipt(page: Page, people: People) -> None:
    sharing = _open_sharing(page, people.aino)
    sharing.row(COUNTY, APPOINTMENTS).get_by_role("link", name=re.compile("^See the receipt")).click()
    expect(ReceiptPage(page).h1).to_have_text("You gave your consent")


def _history(page: Page, people: People) -> None:
    _open_sharing(page, people.aino).link("My consents and their receipts").click()
    expect(SharingPage(page).h1).to_have_text("My consents and their receipts")


def _who_viewed(page: Page, people: People) -> None:
    _open_sharing(page, people.aino).link("Who viewed my data").click()
    expect(LogPage(page).entries.first).to_be_visible()


def _who_viewed_filtered(page: Page, people: People) -> None:
    _who_viewed(page, people)
    log = LogPage(page)
    # the demo's two views by Kela, and any a test before this one made as Kela's staff
    label = log.organisation_filter.locator("option", has_text=re.compile(rf"^{re.escape(KELA)} \(\d+\)$")).inner_text()
    log.organisation_filter.select_option(label=label)
    log.show.click()
    expect(log.entries).to_have_count(int(label.rsplit("(", 1)[1].rstrip(")")))


def _export(page: Page, people: People) -> None:
    _open_sharing(page, people.aino).link("Export my data").click()
    expect(MyDataPage(page).download).to_be_visible()


STATES = [
    State("sign-in", _sign_in_empty),
    State("sign-in-with-errors", _sign_in_errors),
    State("home", _home),
    State("plan", _plan),
    State("plan-after-htmx-swap", _plan_after_swap),
    State("step-with-history", _step_with_history),
    State("cant-do", _cant_do),
    State("cant-do-with-errors", _cant_do_errors),
    State("add-step", _add_step),
    State("add-step-with-errors", _add_step_errors),
    State("accessibility-statement", _accessibility),
    State("becoming-a-client", _becoming_a_client),
    State("not-found", _not_found),
    State("signed-out", _signed_out),
    State("change-password", _change_password),
    State("change-password-with-errors", _change_password_errors),
    State("change-password-with-a-guessable-password", _change_password_guessable),
    State("staff-front-page", _staff_home),
    State("session-warning-dialog", _session_warning),
    State("home-without-a-plan", _home_without_a_plan),
    State("header-menu-open", _header_menu_open),
    State("choose-a-time-with-a-place-in-finnish", _time_with_a_place_in_finnish),
    State("my-team", _team),
    State("sharing-my-data", _sharing),
    State("sharing-after-htmx-withdraw", _sharing_after_withdraw),
    State("give-consent", _give),
    State("give-consent-with-errors", _give_errors),
    State("consent-receipt", _receipt),
    State("consent-history", _history),
    State("who-viewed-my-data", _who_viewed),
    State("who-viewed-my-data-by-organisation", _who_viewed_filtered),
    State("export-my-data", _export),
]
