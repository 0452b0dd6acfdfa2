"""Writing the plan together, in Chromium: the caseworker starts a new client's plan with three agencies' steps,
Kela adds its own, the client reads the draft and agrees online with the keyboard only, the next version moves a
due date and the client sees exactly that. axe-core finds nothing and nothing scrolls sideways at 320 px, on
every page and state of it, at phone size and at 1280 x 800."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from .axe import assert_no_axe_violations as axe_only
from .conftest import PASSWORD, Person
from .keyboard import Keyboard
from .notices_pages import HomeAnswers, NoticePage, NoticesPage, ToldYourTeam
from .pages import CantDoPage, PlanPage, Portal, StepPage, sign_in
from .reflow import assert_reflows

pytestmark = pytest.mark.e2e

CASEWORKER = "maija.ohjaaja@example.fi"
KELA = "kalle.kela@example.fi"
WIDE = {"width": 1280, "height": 800}
KELA_STEP = "Book a rehabilitation assessment"


def _checked(page: Page, name: str) -> None:
    axe_only(page, name)
    size = page.viewport_size
    page.set_viewport_size(WIDE)
    axe_only(page, f"{name} at 1280 px")
    page.set_viewport_size(size)  # type: ignore[arg-type]
    assert_reflows(page, name)


def _open_client(page: Page, email: str, name: str) -> Portal:
    home = sign_in(page, email, PASSWORD)
    home.menu_link("My clients").click()
    clients = Portal(page)
    clients.main.get_by_role("textbox", name="Client's name").fill(name)
    clients.main.get_by_role("button", name="Show clients").click()
    clients.main.get_by_role("link", name=name).click()
    client = Portal(page)
    expect(client.h1).to_have_text(name)
    client.main.get_by_role("link", name="Open the plan").click()
    plan = Portal(page)
    expect(plan.h1).to_have_text(f"{name}'s plan")
    return plan


def _add_step(page: Page, plan: Portal, title: str, organisation: str | None, day: int) -> None:
    plan.main.get_by_role("link", name="Add a step").click()
    form = Portal(page)
    form.main.get_by_role("textbox", name="What will the client do?").fill(title)
    form.main.get_by_role("textbox", name=re.compile("^How to do it")).fill(f"Why “{title}” matters.")
    if organisation:
        form.main.get_by_role("group", name="Who is responsible?").get_by_role("radio", name=organisation).check()
    form.main.get_by_role("textbox", name="Day").fill(str(day))
    form.main.get_by_role("textbox", name="Month").fill("3")
    form.main.get_by_role("textbox", name="Year").fill("2031")
    form.main.get_by_role("button", name="Save the step").click()
    expect(Portal(page).banner("The step was added to the draft. The client agrees to it with the rest.")).to_be_visible()


def test_the_team_writes_a_plan_and_the_client_agrees_to_each_version(
    page: Page, make_client: Callable[..., str]
) -> None:
    name = f"Eeva Suunnitelma {uuid.uuid4().hex[:6]}"
    client = Person(email=make_client(with_plan=False, name=name), password=PASSWORD, name=name)

    plan = _open_client(page, CASEWORKER, name)
    expect(plan.main).to_contain_text("The client has no plan yet.")
    _checked(page, "staff plan page, no plan")
    plan.main.get_by_role("link", name="Start the plan").click()
    start = Portal(page)
    start.main.get_by_role("button", name="Start the plan").click()
    expect(start.error_summary).to_be_focused()
    _checked(page, "start a plan, with errors")
    start.main.get_by_role("textbox", name="The client's goals").fill("Part-time work in a library.")
    start.main.get_by_role("button", name="Start the plan").click()
    plan = Portal(page)
    _add_step(page, plan, "Apply for four jobs", None, 10)
    _add_step(page, plan, "Go to the health check", "Vantaa and Kerava Wellbeing Services County", 12)
    plan.main.get_by_role("link", name="Add a step").click()
    form = Portal(page)
    form.main.get_by_role("button", name="Save the step").click()
    expect(form.error_summary).to_be_focused()
    _checked(page, "add a step, with errors")
    page.go_back()
    page.go_back()
    expect(plan.main).to_contain_text("Draft of version 1: not agreed yet")
    _checked(page, "staff plan page, a draft")
    page.context.clear_cookies()

    kela = _open_client(page, KELA, name)
    _add_step(page, kela, "Book a rehabilitation assessment", None, 20)
    expect(kela.main.get_by_role("link", name=re.compile(r"^Change ?: Apply for four jobs"))).to_have_count(0)
    page.context.clear_cookies()

    plan = _open_client(page, CASEWORKER, name)
    plan.main.get_by_role("link", name="The client agrees in person").click()
    in_person = Portal(page)
    in_person.main.get_by_role("button", name="Record the agreement").click()
    expect(in_person.error_summary).to_be_focused()
    _checked(page, "agreeing in person, with errors")
    page.context.clear_cookies()

    # The client reads the draft and agrees, with the keyboard only
    home = sign_in(page, client.email, client.password)
    expect(home.main).to_contain_text("Your plan is waiting for you to agree to it")
    keys = Keyboard(page)
    keys.tab_to(home.main.get_by_role("link", name="Read the changes and agree"), backwards=True)
    keys.press("Enter")
    agreement = Portal(page)
    expect(agreement.h1).to_have_text("Read your plan and agree to it")
    expect(agreement.main).to_contain_text("New step: “Book a rehabilitation assessment”")
    _checked(page, "the client's agreement page, first version")
    keys.tab_to(agreement.main.get_by_role("button", name="I agree to my plan"))
    keys.press("Enter")
    expect(Portal(page).banner("You agreed to version 1 of your plan.")).to_be_visible()
    my_plan = PlanPage(page)
    expect(my_plan.main).to_contain_text("Kalle Kelanen")  # who helps with Kela's step

    # The client can't do Kela's step; Kela answers; the client sees the answer
    my_plan.cant_do_link(KELA_STEP).click()
    cant = CantDoPage(page)
    cant.reason("Childcare").check()
    cant.submit.click()
    expect(StepPage(page).h1).to_have_text(KELA_STEP)
    page.context.clear_cookies()
    sign_in(page, KELA, PASSWORD)
    page.goto("/staff/notices")
    NoticesPage(page).notice_link(f"{name} can't do “{KELA_STEP}”").click()
    notice = NoticePage(page)
    notice.answer_box.fill("We can move the assessment to April. I will call you on Monday.")
    notice.send.click()
    expect(Portal(page).banner("Your answer is saved. The client sees it when they sign in.")).to_be_visible()
    page.context.clear_cookies()
    home = sign_in(page, client.email, client.password)
    expect(HomeAnswers(page).answers).to_contain_text("We can move the assessment to April.")
    page.goto("/plan")
    PlanPage(page).open_step(KELA_STEP)
    expect(ToldYourTeam(page).section).to_contain_text("We can move the assessment to April.")
    page.context.clear_cookies()

    # The next version moves Kela's due date; the client sees exactly that
    kela = _open_client(page, KELA, name)
    kela.main.get_by_role("link", name=re.compile(r"^Change ?: Book a rehabilitation assessment")).click()
    step = Portal(page)
    _checked(page, "change a step")
    step.main.get_by_role("textbox", name="Day").fill("27")
    step.main.get_by_role("button", name="Save the step").click()
    expect(Portal(page).banner(re.compile("The step was changed in the draft"))).to_be_visible()
    page.context.clear_cookies()

    sign_in(page, client.email, client.password)
    page.goto("/plan/changes")
    expect(Portal(page).main).to_contain_text("Kalle Kelanen (Kela) changed the due date of “Book a rehabilitation assessment”.")
    _checked(page, "what changed in my plan")
    page.goto("/plan/agreement")
    agreement = Portal(page)
    expect(agreement.main).to_contain_text("Changed step: “Book a rehabilitation assessment”")
    expect(agreement.main).to_contain_text("Due date changed from Thu 20 Mar 2031 to Thu 27 Mar 2031.")
    expect(agreement.main).not_to_contain_text("Apply for four jobs")
    _checked(page, "the client's agreement page, a change")
    agreement.main.get_by_role("button", name="I agree to my plan").click()
    page.goto("/plan/versions/2")
    expect(Portal(page).main).to_contain_text("What changed from version 1")
    _checked(page, "a version of my plan")


def test_the_clients_goals_and_the_staff_pages_of_an_agreed_plan(page: Page, jobseeker: Person) -> None:
    sign_in(page, jobseeker.email, jobseeker.password)
    page.goto("/plan/goals")
    goals = Portal(page)
    goals.main.get_by_role("textbox", name="My goals").fill("")
    goals.main.get_by_role("button", name="Save my goals").click()
    expect(goals.error_summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: Write your goals"))
    _checked(page, "write my goals, with errors")
    page.goto("/plan/versions")
    _checked(page, "versions of my plan")
    page.context.clear_cookies()

    plan = _open_client(page, CASEWORKER, "Aino Asiakas")  # her plan is only read here
    _checked(page, "staff plan page, agreed")
    plan.main.get_by_role("link", name="Change the goals").click()
    _checked(page, "change the client's goals")
    page.go_back()
    aino_step = "Hae neljää työpaikkaa tämän kuukauden aikana"  # Aino's plan is in Finnish
    plan.main.get_by_role("link", name=re.compile(rf"^Remove ?: {aino_step}")).click()
    expect(Portal(page).h1).to_contain_text(aino_step)
    _checked(page, "remove a step")
    page.go_back()
    plan.main.get_by_role("link", name=re.compile(r"^Version 1, agreed on")).click()
    _checked(page, "a version of the client's plan")
    page.goto("/staff/clients")
    _checked(page, "my clients")
    page.goto("/staff/clients?state=attention")
    _checked(page, "my clients, needing attention")
