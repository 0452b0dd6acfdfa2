"""Signing in, what the client sees first, and signing out so that nothing is left behind."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import Person
from .pages import HomePage, PlanPage, SignInPage, sign_in

pytestmark = pytest.mark.e2e


def test_wrong_password_shows_a_focused_error_summary_and_keeps_the_email(page: Page, jobseeker: Person) -> None:
    form = SignInPage(page)
    form.open()
    expect(form.h1).to_have_text("Sign in")
    form.sign_in(jobseeker.email, "not-the-password")

    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    message = "The email address or password is wrong. Check them and try again."
    expect(form.error_summary).to_be_focused()
    expect(form.error_link(message)).to_be_visible()
    expect(form.email).to_have_value(jobseeker.email)
    expect(form.email).to_have_attribute("aria-invalid", "true")
    expect(form.email).to_have_accessible_description(re.compile(re.escape(message)))
    expect(form.password).to_have_value("")

    # The link in the summary takes the user to the field.
    form.error_link(message).click()
    expect(form.email).to_be_focused()


def test_sign_in_shows_whats_next_and_my_plan(page: Page, jobseeker: Person) -> None:
    home = sign_in(page, jobseeker.email, jobseeker.password)
    expect(page).to_have_title(re.compile(r"^What's next"))
    expect(home.h1).to_have_text("What's next")
    expect(page.get_by_role("banner")).to_contain_text(f"Signed in as {jobseeker.name}")
    # The overdue step comes first, marked as overdue in words.
    first = home.main.get_by_role("listitem").first
    expect(first.get_by_role("link")).to_have_text("Go to the health check for jobseekers")
    expect(first).to_contain_text("Overdue")
    expect(home.plan_card).to_be_visible()

    plan = home.go_to_plan()
    expect(plan.menu_link("My plan")).to_have_attribute("aria-current", "page")
    expect(plan.progress_text).to_have_text("2 of 8 steps done")
    expect(plan.group(re.compile(r"^Overdue steps"))).to_be_visible()
    expect(plan.status_of("Go to the health check for jobseekers")).to_have_text("Overdue")
    expect(plan.status_of("Start work coaching")).to_have_text("Can't do")
    expect(plan.status_of("Update your CV and send it to your coach")).to_have_text("Done")
    expect(plan.step("Ask the local shop if they need summer staff")).to_contain_text("Your own step")


def test_a_page_that_needs_signing_in_comes_back_after_sign_in(page: Page, jobseeker: Person) -> None:
    page.goto("/plan")
    form = SignInPage(page)
    expect(form.h1).to_have_text("Sign in")
    form.sign_in(jobseeker.email, jobseeker.password)
    expect(PlanPage(page).h1).to_have_text("My plan")
    expect(page).to_have_url(re.compile(r"/plan$"))


def test_after_sign_out_back_and_reload_do_not_show_the_plan(page: Page, jobseeker: Person) -> None:
    plan = sign_in(page, jobseeker.email, jobseeker.password).go_to_plan()
    signed_out = plan.sign_out()
    expect(signed_out.main).to_contain_text("You have been signed out on every device")
    expect(page.get_by_role("navigation", name="Main menu")).to_have_count(0)

    page.go_back()
    expect(page).to_have_url(re.compile(r"/sign-in\?next=(%2F|/)plan$"))
    expect(SignInPage(page).h1).to_have_text("Sign in")
    expect(page.get_by_text("2 of 8 steps done")).to_have_count(0)

    page.goto("/plan")
    expect(page).to_have_url(re.compile(r"/sign-in"))
    page.reload()
    expect(page).to_have_url(re.compile(r"/sign-in"))
    expect(SignInPage(page).h1).to_have_text("Sign in")

    # Home, too, now asks the user to sign in.
    HomePage(page).open()
    expect(page).to_have_url(re.compile(r"/sign-in"))
