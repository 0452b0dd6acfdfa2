"""Times offered under their day, the time as the radio's name and the rest as its description, and the
organisation said on the day and time pages (issue 15, items 1 and 2): by pointer, by keyboard, axe and reflow
on every page that changed."""

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

TIME = re.compile(r"^\d\d:\d\d to \d\d:\d\d$")
DAY = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} \w{3} \d{4}$")


def checks(page: Page, name: str) -> None:
    assert_no_axe_violations(page, name)
    assert_reflows(page, name)


def _choose(page: Page, what: str | None = None) -> BookingQuestion:
    question = BookingQuestion(page)
    (question.option(what) if what else question.options.first).check()
    question.continue_button.click()
    return BookingQuestion(page)


def _book_a_kela_time(page: Page) -> None:
    """Kela's demo times are video calls whose place says how the link comes."""
    page.goto("/appointments/book")
    day = _choose(page, "Kela")
    expect(day.h1).to_have_text("Which day suits you?")
    expect(day.page.get_by_role("group", name=re.compile("Which day suits you"))).to_have_accessible_description(
        "These are the free times at Kela.")
    checks(page, "choose a day, with the organisation said")
    time = _choose(page)
    expect(time.h1).to_have_text(re.compile(r"^What time suits you on (Mon|Tue|Wed|Thu|Fri) \d{1,2} \w{3} \d{4}\?$"))
    checks(page, "choose a time, grouped and described")
    first = time.options.first
    expect(first).to_have_accessible_name(TIME)
    expect(first).to_have_accessible_description(
        "Rehabilitation advice Video call: You will get a link by text message.")
    expect(time.main).not_to_contain_text("Video call: Video call")
    first.check()
    time.continue_button.click()
    needs = NeedsPage(page)
    needs.interpreter("No").check()
    needs.continue_button.click()
    check = CheckAnswersPage(page)
    expect(check.summary_value("Where")).to_contain_text("Video call")
    expect(check.summary_value("Where")).not_to_contain_text("Video call: Video call")
    check.book_button.click()
    expect(ConfirmationPage(page).h1).to_have_text("Your appointment is booked")


def test_times_after_cancelling_are_under_their_days(page: Page, jobseeker: Person) -> None:
    sign_in(page, jobseeker.email, jobseeker.password)
    _book_a_kela_time(page)
    listing = AppointmentsPage(page).open()
    listing.main.get_by_role("link").filter(has_not_text="Book an appointment").first.click()
    Portal(page).main.get_by_role("link", name="Cancel appointment").click()
    cancel = Portal(page)
    cancel.main.get_by_role("radio", name="My health").check()
    cancel.main.get_by_role("button", name="Cancel appointment").click()

    cancelled = Portal(page)
    expect(cancelled.h1).to_have_text("Your appointment is cancelled")
    days = cancelled.main.get_by_role("group", name=DAY)
    assert days.count() >= 2, "the times nearby span several days"
    seen: set[tuple[str, str, str]] = set()
    for index in range(days.count()):
        group = days.nth(index)
        day = group.get_by_role("heading", level=3).inner_text()
        for radio in group.get_by_role("radio").all():
            name = radio.get_attribute("aria-describedby")
            label = page.locator(f"label[for='{radio.get_attribute('id')}']").inner_text()
            assert TIME.match(label), label
            reads_as = (day, label, page.locator(f"#{name}").inner_text())
            assert reads_as not in seen, f"two options read the same: {reads_as}"
            seen.add(reads_as)
    checks(page, "cancelled, with other times under their days")

    # Choosing one of them, on the second day, continues the booking.
    days.nth(1).get_by_role("radio").first.check()
    cancelled.main.get_by_role("button", name="Continue with this time").click()
    expect(NeedsPage(page).h1).to_have_text("Do you need any support at the appointment?")


def test_choosing_a_time_under_its_day_with_the_keyboard_only(page: Page, jobseeker: Person) -> None:
    sign_in(page, jobseeker.email, jobseeker.password)
    keys = Keyboard(page)
    page.goto("/appointments/book")
    what = BookingQuestion(page)
    keys.tab_to(what.option("Kela"))
    keys.press(" ")
    keys.tab_to(what.continue_button)
    keys.press("Enter")
    day = BookingQuestion(page)
    expect(day.h1).to_have_text("Which day suits you?")
    keys.tab_to(day.options.first)
    keys.press("ArrowUp")  # round to the last day: other tests book the first ones, this one needs two times
    expect(day.options.last).to_be_checked()
    keys.tab_to(day.continue_button)
    keys.press("Enter")
    time = BookingQuestion(page)
    keys.tab_to(time.options.first)
    keys.press("ArrowDown")  # one group: the arrows move through the times
    expect(time.options.nth(1)).to_be_checked()
    expect(time.options.nth(1)).to_have_accessible_name(TIME)
    keys.tab_to(time.continue_button)
    keys.press("Enter")
    expect(NeedsPage(page).h1).to_have_text("Do you need any support at the appointment?")
