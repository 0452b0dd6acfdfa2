"""Checking off a step: with JavaScript the list is swapped in place (htmx), without it the form posts as is."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import Person
from .pages import PlanPage, sign_in

pytestmark = pytest.mark.e2e

STEP = "Go to the health check for jobseekers"  # overdue in the demo plan


def test_mark_as_done_with_javascript_swaps_the_list_announces_and_keeps_focus(page: Page, jobseeker: Person) -> None:
    plan = sign_in(page, jobseeker.email, jobseeker.password).go_to_plan()
    expect(plan.progress_text).to_have_text("2 of 8 steps done")
    expect(plan.status_of(STEP)).to_have_text("Overdue")

    # Anything that reloads the page would lose this marker; count the top frame's navigations, too.
    page.evaluate("window.__sameDocument = true")
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url) if frame == page.main_frame else None)
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/done")) as posted:
        plan.mark_done_button(STEP).click()
    response = posted.value
    assert response.request.headers.get("hx-request") == "true"
    assert response.status == 200

    message = f"“{STEP}” is marked as done."
    expect(plan.live_region).to_have_text(message)
    expect(plan.mark_not_done_button(STEP)).to_be_focused()
    expect(plan.mark_not_done_button(STEP)).to_have_accessible_description(STEP)
    expect(plan.status_of(STEP)).to_have_text("Done")
    expect(plan.progress_text).to_have_text("3 of 8 steps done")
    expect(plan.group(re.compile(r"^Overdue steps"))).to_have_count(0)
    assert page.evaluate("window.__sameDocument") is True
    assert navigations == []
    # The swap changed the list only: still one h1, the page's own title, a banner-free main.
    expect(plan.h1).to_have_text("My plan")
    expect(page).to_have_title(re.compile(r"^My plan"))

    # And back again, the same way.
    plan.mark_not_done_button(STEP).click()
    expect(plan.live_region).to_have_text(f"“{STEP}” is marked as not done.")
    expect(plan.mark_done_button(STEP)).to_be_focused()
    expect(plan.progress_text).to_have_text("2 of 8 steps done")
    assert page.evaluate("window.__sameDocument") is True

    # What was saved is what a fresh load shows.
    page.reload()
    expect(plan.progress_text).to_have_text("2 of 8 steps done")
    expect(plan.status_of(STEP)).to_have_text("Overdue")


def test_mark_as_done_without_javascript_posts_redirects_and_shows_a_banner(
    browser: Browser, browser_context_args: dict, jobseeker: Person
) -> None:
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    try:
        page = context.new_page()
        plan = sign_in(page, jobseeker.email, jobseeker.password).go_to_plan()
        expect(plan.progress_text).to_have_text("2 of 8 steps done")

        with page.expect_navigation():
            plan.mark_done_button(STEP).click()
        # POST, then a redirect (303/302) to the plan, to the step's row.
        expect(page).to_have_url(re.compile(r"/plan#step-[0-9a-f-]{36}$"))
        banner = plan.banner("The step is marked as done.")  # the cookie carries it: no title
        expect(banner).to_be_visible()
        expect(plan.status_of(STEP)).to_have_text("Done")
        expect(plan.progress_text).to_have_text("3 of 8 steps done")
        expect(plan.mark_not_done_button(STEP)).to_be_visible()
        # The live region is for htmx swaps: a full page says it with the banner.
        expect(plan.live_region).to_have_text("")

        # Reloading the result page does not post again.
        page.reload()
        expect(plan.progress_text).to_have_text("3 of 8 steps done")
        expect(plan.banner("The step is marked as done.")).to_have_count(0)
    finally:
        context.close()


def test_a_step_done_on_the_plan_page_is_done_on_its_own_page(page: Page, jobseeker: Person) -> None:
    plan = sign_in(page, jobseeker.email, jobseeker.password).go_to_plan()
    plan.mark_done_button(STEP).click()
    expect(plan.mark_not_done_button(STEP)).to_be_focused()
    step = plan.open_step(STEP)
    expect(step.summary_value("Status")).to_have_text("Done")
    expect(step.history).to_contain_text("You marked this step as done.")
    expect(step.main.get_by_role("button", name="Mark as not done")).to_be_visible()
    PlanPage(page)  # the back link goes to the step's row
    step.back_link.click()
    expect(page).to_have_url(re.compile(r"/plan#step-"))
