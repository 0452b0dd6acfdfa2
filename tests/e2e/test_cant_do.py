""""I can't do this": one question, an error that says how to fix it, then the step page shows the answer."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import Person
from .pages import CantDoPage, PlanPage, StepPage, sign_in

pytestmark = pytest.mark.e2e

STEP = "Apply for four jobs this month"  # to do, due in ten days, Vantaa Employment Services


def test_cant_do_asks_for_a_reason_then_tells_the_team(page: Page, jobseeker: Person) -> None:
    plan = sign_in(page, jobseeker.email, jobseeker.password).go_to_plan()
    plan.cant_do_link(STEP).click()
    form = CantDoPage(page)
    expect(form.h1).to_have_text("Why can't you do this step?")
    expect(page).to_have_title(re.compile(r"^Why can't you do this step\?"))
    # The question names the step it is about (caption inside the legend).
    expect(form.reasons).to_contain_text(STEP)
    expect(form.main).to_contain_text("We will tell Vantaa Employment Services and the rest of your team.")
    expect(page.get_by_role("link", name="Back", exact=True)).to_be_visible()

    # Nothing chosen: the same page, "Error:" first in the title, a focused summary, the message by the field.
    form.submit.click()
    expect(page).to_have_title(re.compile(r"^Error: Why can't you do this step\?"))
    expect(form.error_summary).to_be_focused()
    expect(form.error_link(CantDoPage.REASON_ERROR)).to_be_visible()
    expect(form.reasons).to_have_accessible_description(re.compile(re.escape(CantDoPage.REASON_ERROR)))
    expect(form.reasons.get_by_text(CantDoPage.REASON_ERROR)).to_be_visible()
    for label in ("My health", "Childcare", "Getting there (transport)", "Something else"):
        expect(form.reason(label)).not_to_be_checked()

    # The summary's link goes to the first choice.
    form.error_link(CantDoPage.REASON_ERROR).click()
    expect(form.reason("My health")).to_be_focused()

    # "Something else" without words is a second, specific error; the choice is kept.
    form.reason("Something else").check()
    form.submit.click()
    expect(form.error_link("Tell us why you can't do this step")).to_be_visible()
    expect(form.reason("Something else")).to_be_checked()
    expect(form.detail).to_have_attribute("aria-invalid", "true")

    form.reason("Childcare").check()
    form.detail.fill("My child's day care starts only next month.")
    form.submit.click()

    step = StepPage(page)
    expect(step.h1).to_have_text(STEP)
    # (the fragment the error summary's link added to the form's URL may come along through the redirect)
    expect(page).to_have_url(re.compile(r"/plan/steps/[0-9a-f-]{36}(#.*)?$"))
    expect(step.banner("We told the organisation responsible that you can't do this step. They will contact you.")).to_be_visible()
    expect(step.summary_value("Status")).to_have_text("Can't do")
    expect(step.summary_value("Why you can't do it")).to_contain_text("Childcare")
    expect(step.summary_value("Why you can't do it")).to_contain_text("My child's day care starts only next month.")
    expect(step.history).to_contain_text("You told your team you can't do this step.")
    expect(step.history).to_contain_text("Reason: Childcare")
    # A step you can't do can still be done later; it is not offered again.
    expect(step.mark_done).to_be_visible()
    expect(step.cant_do_link).to_have_count(0)

    step.back_link.click()
    plan = PlanPage(page)
    expect(plan.tags_of(STEP)).to_have_text(["Can't do"])  # due in ten days: not overdue
    expect(plan.group(re.compile(r"^You told your team you can't do these \(2\)"))).to_be_visible()


def test_a_step_you_cant_do_whose_day_has_passed_is_still_overdue(page: Page, jobseeker: Person) -> None:
    overdue = "Go to the health check for jobseekers"  # due three days ago
    plan = sign_in(page, jobseeker.email, jobseeker.password).go_to_plan()
    expect(plan.tags_of(overdue)).to_have_text(["Overdue"])
    plan.cant_do_link(overdue).click()
    form = CantDoPage(page)
    form.reason("Childcare").check()
    form.submit.click()
    step = StepPage(page)
    expect(step.summary_value("Status")).to_have_text("Can't do Overdue")
    step.back_link.click()
    plan = PlanPage(page)
    expect(plan.tags_of(overdue)).to_have_text(["Can't do", "Overdue"])  # both facts, in words
