"""On the appointment page moving comes first and "I can't come" and cancelling say what they mean; needing an
interpreter is offered one instead of giving the appointment up (issue 15, item 5). Also the success banner
after a redirect (item 10): an alert that has focus when the page loads."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .axe import assert_no_axe_violations
from .booking_pages import AppointmentsPage, BookingQuestion, CheckAnswersPage, ConfirmationPage, NeedsPage
from .conftest import Person
from .keyboard import Keyboard
from .pages import Portal, sign_in
from .reflow import assert_reflows

pytestmark = pytest.mark.e2e


def checks(page: Page, name: str) -> None:
    assert_no_axe_violations(page, name)
    assert_reflows(page, name)


def _book_and_open(page: Page, person: Person) -> Portal:
    sign_in(page, person.email, person.password)
    page.goto("/appointments/book")
    for _ in range(3):  # what, day, time
        question = BookingQuestion(page)
        question.options.first.check()
        question.continue_button.click()
    needs = NeedsPage(page)
    needs.interpreter("No").check()
    needs.continue_button.click()
    CheckAnswersPage(page).book_button.click()
    expect(ConfirmationPage(page).h1).to_have_text("Your appointment is booked")
    listing = AppointmentsPage(page).open()
    listing.main.get_by_role("link").filter(has_not_text="Book an appointment").first.click()
    detail = Portal(page)
    expect(detail.h1).to_have_text("Your appointment")
    return detail


def test_moving_is_the_first_choice_and_each_choice_says_what_it_means(page: Page, jobseeker: Person) -> None:
    detail = _book_and_open(page, jobseeker)
    choices = detail.main.get_by_role("heading", name="If this time does not suit you").locator(
        "xpath=following-sibling::ul[1]").get_by_role("link")
    expect(choices).to_have_text(["Move to another time", "I can't come", "Cancel appointment"])
    expect(choices.nth(0)).to_have_class("button")  # the main button; the other two are secondary
    expect(choices.nth(0)).to_have_accessible_description(re.compile("stays yours until you confirm"))
    expect(choices.nth(1)).to_have_accessible_description(re.compile("can affect your unemployment benefit"))
    expect(choices.nth(2)).to_have_accessible_description(re.compile("no longer need this appointment"))
    checks(page, "appointment page with its three choices")


def test_needing_an_interpreter_is_offered_one_instead_with_the_keyboard_only(page: Page,
                                                                               jobseeker: Person) -> None:
    detail = _book_and_open(page, jobseeker)
    keys = Keyboard(page)
    keys.tab_to(detail.main.get_by_role("link", name="I can't come"))
    keys.press("Enter")
    form = Portal(page)
    expect(form.h1).to_have_text("Why can't you come?")
    interpreter = form.main.get_by_role("radio", name="I need an interpreter")
    keys.tab_to(form.main.get_by_role("radio").first)
    while not interpreter.is_checked():
        keys.press("ArrowDown")
    keys.tab_to(form.main.get_by_role("button", name=re.compile(r"^Tell .+ I can't come$")))
    keys.press("Enter")

    offer = Portal(page)
    expect(offer.h1).to_have_text("You can have an interpreter at this appointment")
    checks(page, "interpreter offered instead of cancelling")
    language = offer.page.get_by_label("Which language do you need an interpreter for?")
    keys.tab_to(offer.main.get_by_role("button", name="Ask for an interpreter"))
    keys.press("Enter")  # no language: the error summary, focused
    expect(offer.error_summary).to_be_focused()
    checks(page, "interpreter offer, with an error")
    keys.tab_to(language)
    keys.type("Somali")
    keys.press("Enter")

    done = Portal(page)
    expect(done.h1).to_have_text("Your appointment")
    banner = done.banner("Your appointment stays booked. We will book an interpreter (Somali) for it.")
    expect(banner).to_be_visible()
    expect(banner).to_be_focused()  # GOV.UK's success banner: an alert that takes focus on load
    expect(banner).to_have_accessible_name("Success")
    expect(done.main.get_by_text("Yes, Somali")).to_be_visible()
    expect(done.main.get_by_text("Booked", exact=True)).to_be_visible()
    checks(page, "appointment page with a success banner")
    keys.press("Tab")  # on from the banner, which keeps no focus ring once left
    expect(banner).not_to_have_attribute("tabindex", "-1")


def test_giving_it_up_anyway_is_one_button_away(page: Page, jobseeker: Person) -> None:
    detail = _book_and_open(page, jobseeker)
    detail.main.get_by_role("link", name="Cancel appointment").click()
    form = Portal(page)
    form.main.get_by_role("radio", name="I need an interpreter").check()
    form.main.get_by_role("button", name="Cancel appointment").click()
    offer = Portal(page)
    expect(offer.h1).to_have_text("You can have an interpreter at this appointment")
    offer.main.get_by_role("button", name="Cancel appointment").click()
    expect(Portal(page).h1).to_have_text("Your appointment is cancelled")
