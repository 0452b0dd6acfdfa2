"""The core journey with the keyboard only: skip link, sign in, My plan, mark a step done, "I can't do this"."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import Person
from .keyboard import Keyboard
from .pages import CantDoPage, HomePage, PlanPage, SignInPage, StepPage

pytestmark = pytest.mark.e2e

DONE_STEP = "Apply for four jobs this month"
CANT_DO_STEP = "Book a vocational rehabilitation assessment"


def test_core_journey_with_the_keyboard_only(page: Page, jobseeker: Person) -> None:
    keys = Keyboard(page)

    # The skip link is the first stop, shows when focused, and moves focus to the main content.
    form = SignInPage(page)
    form.open()
    keys.press("Tab")
    assert keys.assert_focus_visible() == '<a> "Skip to main content"'
    expect(form.skip_link).to_be_focused()
    expect(form.skip_link).to_be_in_viewport()
    keys.press("Enter")
    expect(form.main).to_be_focused()
    expect(page).to_have_url(re.compile(r"/sign-in#main-content$"))

    # Sign in: the fields come after the ways to identify (the clients', the staff's, how to become a
    # client); Enter on the button sends the form.
    keys.tab_to(form.email, limit=4)
    keys.type(jobseeker.email)
    keys.tab_to(form.password, limit=1)
    keys.type(jobseeker.password)
    keys.tab_to(form.submit, limit=1)
    keys.press("Enter")
    home = HomePage(page)
    expect(home.h1).to_have_text("What's next")

    # The redirect keeps the skip link's #main-content, so focus starts in the main content; the main menu is
    # above it: back up to it (Shift+Tab).
    keys.tab_to(home.menu_link("My plan"), backwards=True)
    keys.press("Enter")
    plan = PlanPage(page)
    expect(plan.h1).to_have_text("My plan")
    expect(plan.progress_text).to_have_text("2 of 8 steps done")

    # Space on "Mark as done": the step changes in place, the change is announced, focus is on its Undo.
    keys.tab_to(plan.mark_done_button(DONE_STEP))
    keys.press(" ")
    expect(plan.live_region).to_have_text(f"“{DONE_STEP}” is marked as done.")
    expect(plan.progress_text).to_have_text("3 of 8 steps done")
    expect(plan.undo_button(DONE_STEP)).to_be_focused()
    keys.assert_focus_visible()

    # The step stayed where it was: on down the list (Tab) to another step's "I can't do this".
    keys.tab_to(plan.cant_do_link(CANT_DO_STEP))
    keys.press("Enter")
    question = CantDoPage(page)
    expect(question.h1).to_have_text("Why can't you do this step?")

    # One Tab stop for the radio group; the arrow keys choose within it.
    keys.tab_to(question.reason("My health"))
    expect(question.reason("My health")).not_to_be_checked()
    keys.press("ArrowDown")
    expect(question.reason("Childcare")).to_be_focused()
    expect(question.reason("Childcare")).to_be_checked()
    keys.assert_focus_visible()
    keys.tab_to(question.submit, limit=3)  # past the optional text box
    keys.press("Enter")

    step = StepPage(page)
    expect(step.h1).to_have_text(CANT_DO_STEP)
    expect(step.banner(re.compile(r"We told the organisation responsible that you can't do"))).to_be_visible()
    expect(step.summary_value("Status")).to_have_text("Can't do")
    expect(step.summary_value("Why you can't do it")).to_contain_text("Childcare")
    assert len(keys.stops) >= 10, keys.stops


def test_error_summary_links_take_the_keyboard_to_the_field(page: Page, jobseeker: Person) -> None:
    keys = Keyboard(page)
    form = SignInPage(page)
    form.open()
    keys.tab_to(form.submit)
    keys.press("Enter")
    expect(form.error_summary).to_be_focused()

    keys.tab_to(form.error_summary.get_by_role("link").first, limit=1)
    keys.press("Enter")
    expect(form.email).to_be_focused()
    keys.type(jobseeker.email)
    keys.tab_to(form.password, limit=1)
    keys.type(jobseeker.password)
    keys.press("Enter")  # Enter in a field sends the form
    expect(HomePage(page).h1).to_have_text("What's next")
