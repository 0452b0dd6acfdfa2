"""Checking off a step: with JavaScript the list is swapped in place (htmx), without it the form posts as is."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import Person
from .pages import PlanPage, sign_in

pytestmark = pytest.mark.e2e

STEP = "Go to the health check for jobseekers"  # overdue in the demo plan


def test_mark_as_done_with_javascript_keeps_the_step_in_place_with_undo_beside_it(page: Page, jobseeker: Person) -> None:
    plan = sign_in(page, jobseeker.email, jobseeker.password).go_to_plan()
    expect(plan.progress_text).to_have_text("2 of 8 steps done")
    expect(plan.status_of(STEP)).to_have_text("Overdue")
    plan.mark_done_button(STEP).scroll_into_view_if_needed()
    where = plan.step(STEP).bounding_box()
    scrolled = page.evaluate("window.scrollY")

    # Anything that reloads the page would lose this marker; count the top frame's navigations, too.
    page.evaluate("window.__sameDocument = true")
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url) if frame == page.main_frame else None)
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/done")) as posted:
        plan.mark_done_button(STEP).click()
    response = posted.value
    assert response.request.headers.get("hx-request") == "true"
    assert response.status == 200

    # The step stays where it was, in its new state, with what happened and Undo right beside it.
    expect(plan.live_region).to_have_text(f"“{STEP}” is marked as done.")
    expect(plan.status_of(STEP)).to_have_text("Done")
    expect(plan.change_message(STEP)).to_have_text("You marked this step as done.")
    expect(plan.change_message(STEP)).to_be_visible()
    expect(plan.undo_button(STEP)).to_be_focused()
    expect(plan.progress_text).to_have_text("3 of 8 steps done")
    expect(plan.group(re.compile(r"^Overdue steps")).get_by_role("link", name=STEP)).to_be_visible()
    now = plan.step(STEP).bounding_box()
    assert where and now and (now["x"], now["y"]) == (where["x"], where["y"])  # it grows by its message only
    assert page.evaluate("window.scrollY") == scrolled
    assert page.evaluate("window.__sameDocument") is True
    assert navigations == []
    expect(plan.h1).to_have_text("My plan")
    expect(page).to_have_title(re.compile(r"^My plan"))

    # Undo, the same way: back as it was, focus on its button.
    plan.undo_button(STEP).click()
    expect(plan.live_region).to_have_text(f"“{STEP}” is marked as not done.")
    expect(plan.status_of(STEP)).to_have_text("Overdue")
    expect(plan.change_message(STEP)).to_have_text("You marked this step as not done.")
    expect(plan.mark_done_button(STEP)).to_be_focused()
    expect(plan.progress_text).to_have_text("2 of 8 steps done")
    assert page.evaluate("window.scrollY") == scrolled
    assert page.evaluate("window.__sameDocument") is True

    # The groups are put in order on the next visit; what was saved is what a fresh load shows.
    plan.mark_done_button(STEP).click()
    expect(plan.undo_button(STEP)).to_be_focused()
    page.reload()
    expect(plan.progress_text).to_have_text("3 of 8 steps done")
    expect(plan.group(re.compile(r"^Steps you have done")).get_by_role("link", name=STEP)).to_be_visible()
    expect(plan.change_message(STEP)).to_have_count(0)


def test_every_button_in_the_list_names_its_step(page: Page, aino: Person) -> None:
    plan = sign_in(page, aino.email, aino.password).go_to_plan()
    buttons = plan.main.get_by_role("button", name=re.compile(r"^Mark as done ?: "))
    names = [buttons.nth(i).evaluate("b => b.textContent.trim()") for i in range(buttons.count())]
    assert len(names) >= 5 and len(set(names)) == len(names), names
    expect(plan.main.get_by_role("button", name="Mark as done", exact=True)).to_have_count(0)
    expect(plan.main.get_by_role("link", name="I can't do this", exact=True)).to_have_count(0)


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
        expect(plan.mark_not_done_button(STEP)).to_be_visible()  # a full page: not "Undo"
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
    expect(plan.undo_button(STEP)).to_be_focused()
    step = plan.open_step(STEP)
    expect(step.summary_value("Status")).to_have_text("Done")
    expect(step.history).to_contain_text("You marked this step as done.")
    expect(step.main.get_by_role("button", name="Mark as not done")).to_be_visible()
    PlanPage(page)  # the back link goes to the step's row
    step.back_link.click()
    expect(page).to_have_url(re.compile(r"/plan#step-"))
