"""axe-core, and reflow at 320 px with 44 px targets, on every appointment page and state the booking journey
test does not reach: the appointment page, cancelling and "I can't come" (empty and with errors), the cancelled
page, moving, the "just taken" page, and every staff page (empty and with errors). Each state is reached as a
user reaches it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from .axe import assert_no_axe_violations as axe_only
from .booking_pages import AppointmentsPage, BookingQuestion, CheckAnswersPage, ConfirmationPage, NeedsPage
from .conftest import Person
from .pages import Portal, sign_in
from .reflow import assert_reflows

pytestmark = pytest.mark.e2e


def assert_no_axe_violations(page: Page, name: str) -> None:
    axe_only(page, name)
    assert_reflows(page, name)


def _answer_until_check(page: Page) -> CheckAnswersPage:
    """From "Book an appointment" to "Check your answers", taking the first choice on each question."""
    page.goto("/appointments/book")
    for _ in range(3):  # what, day, time
        question = BookingQuestion(page)
        question.options.first.check()
        question.continue_button.click()
    needs = NeedsPage(page)
    needs.interpreter("No").check()
    needs.continue_button.click()
    check = CheckAnswersPage(page)
    expect(check.book_button).to_be_visible()
    return check


def _book(page: Page) -> ConfirmationPage:
    _answer_until_check(page).book_button.click()
    done = ConfirmationPage(page)
    expect(done.calendar_link).to_be_visible()
    return done


def _open_booked_appointment(page: Page, person: Person) -> Portal:
    sign_in(page, person.email, person.password)
    _book(page)
    listing = AppointmentsPage(page).open()
    listing.main.get_by_role("link").filter(has_not_text="Book an appointment").first.click()
    detail = Portal(page)
    expect(detail.main.get_by_role("link", name="Cancel appointment")).to_be_visible()
    return detail


def _submit_empty_and_expect_errors(page: Page) -> None:
    Portal(page).main.get_by_role("button").last.click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(Portal(page).error_summary).to_be_focused()


def test_appointment_page_cancel_and_cancelled(page: Page, jobseeker: Person) -> None:
    detail = _open_booked_appointment(page, jobseeker)
    assert_no_axe_violations(page, "appointment page")

    detail.main.get_by_role("link", name="Cancel appointment").click()
    expect(Portal(page).h1).to_be_visible()
    assert_no_axe_violations(page, "cancel")
    _submit_empty_and_expect_errors(page)
    assert_no_axe_violations(page, "cancel, error")

    Portal(page).main.get_by_role("radio").first.check()
    Portal(page).main.get_by_role("button").last.click()
    expect(page).not_to_have_title(re.compile(r"^Error: "))
    expect(Portal(page).main).to_contain_text(re.compile("cancelled", re.I))
    assert_no_axe_violations(page, "cancelled")

    # The cancelled appointment is still listed, with its status in words: nothing is deleted.
    listing = AppointmentsPage(page).open()
    expect(listing.main).to_contain_text("Cancelled")
    assert_no_axe_violations(page, "my appointments with a cancelled one")


def test_cant_come_from_the_appointment_page(page: Page, jobseeker: Person) -> None:
    detail = _open_booked_appointment(page, jobseeker)
    detail.main.get_by_role("link", name="I can't come").click()
    expect(Portal(page).h1).to_be_visible()
    assert_no_axe_violations(page, "I can't come")
    _submit_empty_and_expect_errors(page)
    assert_no_axe_violations(page, "I can't come, error")
    Portal(page).main.get_by_role("radio").first.check()
    Portal(page).main.get_by_role("button").last.click()
    expect(page).not_to_have_title(re.compile(r"^Error: "))
    assert_no_axe_violations(page, "after I can't come")


def test_moving_an_appointment(page: Page, jobseeker: Person) -> None:
    detail = _open_booked_appointment(page, jobseeker)
    detail.main.get_by_role("link", name="Move to another time").click()
    day = BookingQuestion(page)
    expect(day.h1).to_have_text("Which day suits you?")
    assert_no_axe_violations(page, "move: choose a day")
    day.continue_button.click()
    expect(day.error_summary).to_be_focused()
    assert_no_axe_violations(page, "move: choose a day, error")
    day.options.first.check()
    day.continue_button.click()
    time = BookingQuestion(page)
    expect(time.h1).to_have_text(re.compile(r"^What time suits you on .+\?$"))
    time.continue_button.click()
    expect(time.error_summary).to_be_focused()
    assert_no_axe_violations(page, "move: choose a time, error")
    time.options.first.check()
    time.continue_button.click()
    expect(Portal(page).h1).to_be_visible()
    assert_no_axe_violations(page, "move: check answers")


def test_the_time_was_just_taken(page: Page, browser: Browser, browser_context_args: dict[str, Any],
                                 make_client: Callable[[], str], jobseeker: Person) -> None:
    """Two people at "Check your answers" for the same time: the second to press Book gets the friendly page."""
    sign_in(page, jobseeker.email, jobseeker.password)
    check = _answer_until_check(page)

    other = browser.new_context(**browser_context_args)
    try:
        rival = other.new_page()
        sign_in(rival, make_client(), jobseeker.password)
        _book(rival)
    finally:
        other.close()

    check.book_button.click()
    taken = Portal(page)
    expect(taken.h1).to_have_text(re.compile("just taken"))
    expect(taken.main).to_contain_text("Here are the nearest free times")
    assert_no_axe_violations(page, "the time was just taken")


def test_a_time_that_clashes_with_ones_own_appointment(page: Page, jobseeker: Person) -> None:
    """The demo's agencies publish the same times: another agency's time at the hour just booked clashes."""
    sign_in(page, jobseeker.email, jobseeker.password)
    check = _answer_until_check(page)
    day, hours = check.summary_value("When").locator("dd").first.inner_text().split(" at ")
    check.book_button.click()
    expect(ConfirmationPage(page).calendar_link).to_be_visible()
    page.goto("/appointments/book")
    for pick in (lambda q: q.options.nth(1),  # another agency
                 lambda q: q.option(re.compile("^" + re.escape(day))),
                 lambda q: q.option(re.compile("^" + re.escape(hours)))):
        question = BookingQuestion(page)
        pick(question).check()
        question.continue_button.click()
    needs = NeedsPage(page)
    needs.interpreter("No").check()
    needs.continue_button.click()
    refused = Portal(page)
    expect(refused.h1).to_have_text("You already have an appointment at that time")
    expect(refused.main.get_by_role("link", name="See that appointment")).to_be_visible()
    assert_no_axe_violations(page, "a time that clashes with one's own appointment")


def test_staff_pages(page: Page, caseworker: Person) -> None:
    sign_in(page, caseworker.email, caseworker.password)
    page.goto("/staff/appointments")
    day = Portal(page)
    expect(day.h1).to_be_visible()
    assert_no_axe_violations(page, "staff day view")
    day.main.get_by_role("link", name=re.compile("organisation's times|only your own times")).click()
    expect(day.h1).to_be_visible()
    assert_no_axe_violations(page, "staff day view, other scope")

    for link, name in (("Publish times", "publish times"), ("Book for a client", "book for a client")):
        page.goto("/staff/appointments")
        day.main.get_by_role("link", name=link).click()
        expect(day.h1).to_be_visible()
        assert_no_axe_violations(page, name)
        _submit_empty_and_expect_errors(page)
        assert_no_axe_violations(page, f"{name}, error")
