"""Adding an own step: a date in the past is an error that keeps what was typed; a valid step joins the plan."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from portal.common.i18n import today_in_helsinki

from .conftest import Person
from .pages import AddStepPage, PlanPage, sign_in

pytestmark = pytest.mark.e2e

TITLE = "Ask a friend to read my CV"
DETAILS = "Maria said she has time on Sunday."


def test_add_own_step_past_date_is_an_error_then_a_valid_step_is_added(page: Page, jobseeker: Person) -> None:
    plan = sign_in(page, jobseeker.email, jobseeker.password).go_to_plan()
    plan.add_step_link.click()
    form = AddStepPage(page)
    expect(form.h1).to_have_text("Add your own step")
    expect(form.what).to_have_accessible_description("For example: Ask a friend to read my CV")
    expect(form.due).to_have_accessible_description("For example, 27 3 2027")

    yesterday = today_in_helsinki() - timedelta(days=1)
    form.what.fill(TITLE)
    form.details.fill(DETAILS)
    form.fill_due(yesterday.day, yesterday.month, yesterday.year)
    form.submit.click()

    expect(page).to_have_title(re.compile(r"^Error: Add your own step"))
    expect(form.error_summary).to_be_focused()
    expect(form.error_link(AddStepPage.DATE_ERROR)).to_be_visible()
    expect(form.due).to_have_accessible_description(re.compile(re.escape(AddStepPage.DATE_ERROR)))
    # Everything typed is still there, and each part of the date is marked invalid.
    expect(form.what).to_have_value(TITLE)
    expect(form.details).to_have_value(DETAILS)
    for part, value in (("Day", yesterday.day), ("Month", yesterday.month), ("Year", yesterday.year)):
        expect(form.due_part(part)).to_have_value(str(value))
        expect(form.due_part(part)).to_have_attribute("aria-invalid", "true")
    expect(form.what).not_to_have_attribute("aria-invalid", "true")

    form.error_link(AddStepPage.DATE_ERROR).click()
    expect(form.due_part("Day")).to_be_focused()

    due = today_in_helsinki() + timedelta(days=20)
    form.fill_due(due.day, due.month, due.year)
    form.submit.click()

    plan = PlanPage(page)
    expect(plan.h1).to_have_text("My plan")
    expect(page).to_have_url(re.compile(r"/plan#step-[0-9a-f-]{36}$"))
    expect(plan.banner("Your step has been added to your plan.")).to_be_visible()
    expect(plan.progress_text).to_have_text("2 of 9 steps done")
    row = plan.step(TITLE)
    expect(row).to_contain_text("Your own step")
    expect(plan.status_of(TITLE)).to_have_text("To do")
    expect(row).to_contain_text(due.strftime("%-d %b %Y"))
    expect(plan.mark_done_button(TITLE)).to_be_visible()

    step = plan.open_step(TITLE)
    expect(step.summary_value("Responsible")).to_have_text("You")
    expect(step.summary_value("Details")).to_have_text(DETAILS)
    expect(step.history).to_contain_text("You added this step.")


def test_add_step_needs_a_title(page: Page, jobseeker: Person) -> None:
    sign_in(page, jobseeker.email, jobseeker.password)
    form = AddStepPage(page)
    form.open()
    form.submit.click()
    expect(page).to_have_title(re.compile(r"^Error: Add your own step"))
    expect(form.error_summary).to_be_focused()
    expect(form.error_link("Enter what you will do")).to_be_visible()
    expect(form.what).to_have_attribute("aria-invalid", "true")
    # No date is fine: it is optional.
    expect(form.error_summary.get_by_role("link")).to_have_count(1)
