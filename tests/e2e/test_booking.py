"""Booking an appointment in Chromium at phone size: by pointer, by keyboard only, and axe on every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .axe import assert_no_axe_violations
from .booking_pages import AppointmentsPage, BookingQuestion, CheckAnswersPage, ConfirmationPage, NeedsPage
from .conftest import Person
from .keyboard import Keyboard
from .pages import sign_in
from .reflow import assert_reflows

pytestmark = pytest.mark.e2e


def test_booking_journey_at_phone_size(page: Page, jobseeker: Person) -> None:
    """Every booking page and error state: axe finds nothing, and it reflows at 320 px with 44 px targets."""

    def axe_check(page: Page, name: str) -> None:
        assert_no_axe_violations(page, name)
        assert_reflows(page, name)

    sign_in(page, jobseeker.email, jobseeker.password)
    listing = AppointmentsPage(page).open()
    expect(listing.h1).to_have_text("My appointments")
    axe_check(page, "my appointments")
    listing.book_link.click()

    what = BookingQuestion(page)
    expect(what.h1).to_have_text("What do you want to talk about?")
    axe_check(page, "choose what")
    what.continue_button.click()  # nothing chosen: the error state
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(what.error_summary).to_be_focused()
    axe_check(page, "choose what, error")
    what.options.first.check()
    what.continue_button.click()

    day = BookingQuestion(page)
    expect(day.h1).to_have_text("Which day suits you?")
    axe_check(page, "choose a day")
    day.options.first.check()
    day.continue_button.click()

    time = BookingQuestion(page)
    expect(time.h1).to_have_text(re.compile(r"^What time suits you on .+\?$"))
    axe_check(page, "choose a time")
    time.options.first.check()
    time.continue_button.click()

    needs = NeedsPage(page)
    expect(needs.h1).to_have_text("Do you need any support at the appointment?")
    needs.interpreter("Yes").check()
    needs.continue_button.click()  # yes, but no language: error state
    expect(needs.error_link("Enter the language you need an interpreter for")).to_be_visible()
    axe_check(page, "needs, error")
    needs.language.fill("Somali")
    needs.continue_button.click()

    check = CheckAnswersPage(page)
    expect(check.h1).to_have_text("Check your answers before booking")
    expect(check.main).to_contain_text("Yes, Somali")
    axe_check(page, "check answers")
    check.book_button.click()

    done = ConfirmationPage(page)
    expect(done.h1).to_have_text("Your appointment is booked")
    expect(done.calendar_link).to_be_visible()
    axe_check(page, "confirmation")


def test_keyboard_only_booking(page: Page, jobseeker: Person) -> None:
    """Tab, Space, arrow keys and Enter only, with a visible focus indicator at every stop."""
    sign_in(page, jobseeker.email, jobseeker.password)
    keys = Keyboard(page)
    page.goto("/appointments/book")
    for _ in range(3):  # what, day, time: Tab into the radio group, Space picks, Tab to Continue, Enter
        question = BookingQuestion(page)
        keys.tab_to(question.options.first)
        keys.press(" ")
        expect(question.options.first).to_be_checked()
        if question.options.count() > 1:  # arrow keys move the choice within the group, as in any radio group
            keys.press("ArrowDown")
            expect(question.options.nth(1)).to_be_checked()
            keys.press("ArrowUp")
            expect(question.options.first).to_be_checked()
        keys.tab_to(question.continue_button)
        keys.press("Enter")
    needs = NeedsPage(page)
    expect(needs.h1).to_have_text("Do you need any support at the appointment?")
    keys.tab_to(needs.interpreter("No"))  # the first answer: a group with nothing chosen is entered there
    keys.press("ArrowDown")  # arrows choose as they move
    expect(needs.interpreter("Yes")).to_be_checked()
    keys.press("ArrowUp")
    expect(needs.interpreter("No")).to_be_checked()
    keys.tab_to(needs.continue_button)
    keys.press("Enter")
    check = CheckAnswersPage(page)
    expect(check.h1).to_have_text("Check your answers before booking")
    keys.tab_to(check.book_button)
    keys.press("Enter")
    expect(ConfirmationPage(page).h1).to_have_text("Your appointment is booked")
    keys.tab_to(ConfirmationPage(page).calendar_link)
