"""Notices in Chromium at phone size: a client says "I can't do this", a caseworker of the responsible
organisation reads and answers it (with a pointer, and with the keyboard only), and the client sees on the
step page and on Home that it was read and what was answered. axe-core finds nothing, nothing scrolls sideways at
320 px and every target is 44 px, on every new page and state: the list (with notices, empty, in pages), a
notice (unread, with errors, answered, answered by someone else first), and the client's pages with a notice
waiting and answered, also of an appointment."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, BrowserContext, Page, expect

from portal.extensions import db
from portal.models import Organisation, Plan, PlanStep, TeamMembership, TeamNotice, User, utcnow

from .axe import assert_no_axe_violations as axe_only
from .conftest import PASSWORD, STAFF, LiveServer, Person, _off_the_event_loop
from .keyboard import Keyboard
from .notices_pages import HomeAnswers, NoticePage, NoticesPage, ToldYourTeam
from .pages import CantDoPage, HomePage, PlanPage, StepPage, sign_in
from .reflow import assert_reflows

pytestmark = pytest.mark.e2e

STEP = "Apply for four jobs this month"  # Vantaa Employment Services' step in a fresh client's plan
ORGANISATION = "Vantaa Employment Services"
MANAGER = "tiina.esihenkilo@example.fi"  # also of Vantaa Employment Services


def checked(page: Page, name: str) -> None:
    axe_only(page, name)
    assert_reflows(page, name)


@pytest.fixture()
def team_client(make_client: Callable[..., str]) -> Person:
    """A fresh client, with a name of their own, in a team of employment services, the county and Kela."""
    name = f"Eeva Esimerkki {uuid.uuid4().hex[:6]}"
    return Person(email=make_client(name=name), password=PASSWORD, name=name)


def _other_context(browser: Browser, browser_context_args: dict[str, Any]) -> BrowserContext:
    return browser.new_context(**browser_context_args)


def _tell_cant_do(page: Page, person: Person) -> StepPage:
    plan = sign_in(page, person.email, person.password).go_to_plan()
    plan.cant_do_link(STEP).click()
    form = CantDoPage(page)
    form.reason("Childcare").check()
    form.detail.fill("My child's day care starts only next month.")
    form.submit.click()
    step = StepPage(page)
    expect(step.h1).to_have_text(STEP)
    return step


def _headline(person: Person) -> str:
    return f"{person.name} can't do “{STEP}”"


def test_a_caseworker_answers_a_cant_do_and_the_client_sees_the_answer(
        page: Page, browser: Browser, browser_context_args: dict[str, Any], team_client: Person) -> None:
    step = _tell_cant_do(page, team_client)
    told = ToldYourTeam(page)
    expect(told.section).to_contain_text(f"You told {ORGANISATION} on")
    expect(told.section).to_contain_text("It has not been read yet.")
    checked(page, "step page, notice not read yet")

    staff_context = _other_context(browser, browser_context_args)
    try:
        staff_page = staff_context.new_page()
        home = sign_in(staff_page, STAFF, PASSWORD)
        expect(home.main.get_by_role("link", name=re.compile(r"^\d+ notices? to handle$"))).to_be_visible()
        home.menu_link("Notices").click()
        notices = NoticesPage(staff_page)
        expect(notices.h1).to_have_text("Notices from clients")
        expect(notices.tab(re.compile(r"^To handle"))).to_have_attribute("aria-current", "page")
        expect(notices.item(_headline(team_client))).to_contain_text("Unread")
        checked(staff_page, "notices to handle")

        notices.notice_link(_headline(team_client)).click()
        notice = NoticePage(staff_page)
        expect(notice.h1).to_have_text(_headline(team_client))
        expect(notice.summary_value("Reason")).to_have_text("Childcare")
        expect(notice.summary_value("In the client's words")).to_have_text(
            "My child's day care starts only next month.")
        expect(notice.summary_value("Read")).to_contain_text("Maija Ohjaaja")
        checked(staff_page, "a notice, read")

        notice.send.click()
        expect(notice.error_summary).to_be_focused()
        expect(staff_page).to_have_title(re.compile(r"^Error: "))
        expect(notice.answer_box).to_have_accessible_description(
            re.compile("Write your answer to the client"))
        checked(staff_page, "a notice, answer with errors")

        notice.answer_box.fill("Hello! I will call you on Monday and we will find a new schedule together.")
        notice.send.click()
        expect(notice.banner("Your answer is saved. The client sees it when they sign in.")).to_be_visible()
        expect(notice.answer).to_contain_text("I will call you on Monday")
        expect(notice.answer_box).to_have_count(0)
        checked(staff_page, "a notice, answered")

        notice.page.get_by_role("link", name="Notices from clients").click()
        notices.tab(re.compile(r"^Handled")).click()
        expect(notices.item(_headline(team_client))).to_contain_text("Answered by Maija Ohjaaja")
        checked(staff_page, "handled notices")
    finally:
        staff_context.close()

    page.reload()
    answer = ToldYourTeam(page)
    expect(answer.section).to_contain_text("Maija Ohjaaja read it on")
    expect(answer.answer_heading).to_have_text(f"Answer from Maija Ohjaaja, {ORGANISATION}")
    expect(answer.section).to_contain_text("I will call you on Monday")
    checked(page, "step page with an answer")

    page.get_by_role("link", name="Home", exact=True).click()
    answers = HomeAnswers(page).answers
    link = answers.get_by_role("link", name=f"{ORGANISATION} answered you about “{STEP}”")
    expect(answers).to_contain_text("I will call you on Monday")
    checked(page, "home with an answer")
    link.click()
    expect(StepPage(page).h1).to_have_text(STEP)


def test_the_staff_answer_with_the_keyboard_only(page: Page, browser: Browser, browser_context_args: dict[str, Any],
                                                 team_client: Person) -> None:
    client_context = _other_context(browser, browser_context_args)
    try:
        _tell_cant_do(client_context.new_page(), team_client)
    finally:
        client_context.close()

    home = sign_in(page, STAFF, PASSWORD)
    keys = Keyboard(page)
    keys.tab_to(home.menu_link("Notices"))
    keys.press("Enter")
    notices = NoticesPage(page)
    expect(notices.h1).to_have_text("Notices from clients")
    keys.tab_to(notices.notice_link(_headline(team_client)))
    keys.press("Enter")
    notice = NoticePage(page)
    expect(notice.h1).to_have_text(_headline(team_client))
    keys.tab_to(notice.answer_box)
    keys.type("Thank you for telling us. Let us talk about it at your next appointment.")
    keys.tab_to(notice.send)
    keys.press("Enter")
    expect(notice.banner("Your answer is saved. The client sees it when they sign in.")).to_be_visible()
    expect(notice.answer).to_contain_text("Let us talk about it at your next appointment.")


def test_two_caseworkers_answer_at_once(page: Page, browser: Browser, browser_context_args: dict[str, Any],
                                        team_client: Person) -> None:
    client_context = _other_context(browser, browser_context_args)
    try:
        _tell_cant_do(client_context.new_page(), team_client)
    finally:
        client_context.close()
    sign_in(page, STAFF, PASSWORD)
    NoticesPage(page).open().notice_link(_headline(team_client)).click()
    mine = NoticePage(page)
    mine.answer_box.fill("My answer, written second.")

    other = _other_context(browser, browser_context_args)
    try:
        theirs = other.new_page()
        sign_in(theirs, MANAGER, PASSWORD)
        NoticesPage(theirs).open().notice_link(_headline(team_client)).click()
        NoticePage(theirs).answer_box.fill("The manager's answer, written first.")
        NoticePage(theirs).send.click()
        expect(NoticePage(theirs).answer).to_be_visible()
    finally:
        other.close()

    mine.send.click()
    expect(mine.problem).to_be_focused()
    expect(mine.problem).to_contain_text("Someone else answered this notice a moment ago")
    expect(mine.answer).to_contain_text("The manager's answer, written first.")
    expect(mine.main.get_by_role("region", name="Your answer, not sent")).to_contain_text(
        "My answer, written second.")
    checked(page, "a notice someone else answered first")

    expect(mine.mark_handled).to_have_count(0)  # an answer handles it: nothing more to mark


def _many_notices(live_server: LiveServer, count: int) -> tuple[str, str]:
    """An organisation of its own with one staff member and `count` notices from one client; returns their
    e-mail addresses (staff, client)."""

    def work() -> tuple[str, str]:
        with live_server.app.app_context():
            template = db.session.scalar(sa.select(User).where(User.email == STAFF))
            maker = db.session.scalar(sa.select(Organisation).where(Organisation.code == "vantaa-employment"))
            assert template is not None and maker is not None
            token = uuid.uuid4().hex[:8]
            org = Organisation(id=uuid.uuid4(), code=f"e2e-{token}", kind_id=maker.kind_id, name_fi="Testi",
                               name_sv="Test", name_en=f"Test organisation {token}")
            db.session.add(org)
            db.session.flush()
            staff = User(id=uuid.uuid4(), email=f"e2e-staff-{token}@example.fi", full_name="Taru Testaaja",
                         role="caseworker", organisation_id=org.id, password_hash=template.password_hash,
                         locale="en")
            client = User(id=uuid.uuid4(), email=f"e2e-many-{token}@example.fi", full_name="Matti Monta",
                          role="client", password_hash=template.password_hash, locale="en")
            db.session.add_all([staff, client])
            db.session.flush()
            db.session.add(TeamMembership(client_id=client.id, organisation_id=org.id))
            plan = Plan(id=uuid.uuid4(), client_id=client.id, status="agreed")
            db.session.add(plan)
            db.session.flush()
            start = utcnow() - timedelta(days=count)
            for n in range(count):
                step = PlanStep(id=uuid.uuid4(), plan_id=plan.id, position=n, title=f"Task {n:02d}",
                                responsible_organisation_id=org.id, added_by_id=staff.id,
                                added_by_role="staff", status="cant_do")
                db.session.add(step)
                db.session.flush()
                db.session.add(TeamNotice(organisation_id=org.id, client_id=client.id, step_id=step.id,
                                          kind="cant_do", created_at=start + timedelta(hours=n)))
            db.session.commit()
            return staff.email, client.email

    return _off_the_event_loop(work)


def test_the_list_in_pages_and_empty_and_handled_without_an_answer(page: Page, browser: Browser,
                                                                   browser_context_args: dict[str, Any],
                                                                   live_server: LiveServer) -> None:
    staff, client = _many_notices(live_server, 23)
    sign_in(page, staff, PASSWORD)
    notices = NoticesPage(page).open()
    expect(notices.main.get_by_role("listitem").filter(has_text="Task")).to_have_count(20)
    expect(notices.pages).to_contain_text("Page 1 of 2")
    checked(page, "notices, first of two pages")
    notices.pages.get_by_role("link", name="Next page").click()
    expect(notices.pages).to_contain_text("Page 2 of 2")
    expect(notices.main.get_by_role("listitem").filter(has_text="Task")).to_have_count(3)
    checked(page, "notices, second page")
    notices.tab(re.compile(r"^Handled")).click()
    expect(notices.main).to_contain_text("No notice has been handled yet.")
    checked(page, "no handled notices")

    notices.tab(re.compile(r"^To handle")).click()
    newest = "Matti Monta can't do “Task 22”"
    notices.notice_link(newest).click()
    notice = NoticePage(page)
    notice.mark_handled.click()
    expect(notice.banner("The notice is marked as handled.")).to_be_visible()
    expect(notice.summary_value("Handled")).to_contain_text("Taru Testaaja")
    expect(notice.mark_handled).to_have_count(0)
    expect(notice.answer_box).to_be_visible()  # an answer can still follow
    checked(page, "a notice handled without an answer")

    other = _other_context(browser, browser_context_args)
    try:
        client_page = other.new_page()
        plan = sign_in(client_page, client, PASSWORD).go_to_plan()
        plan.step_link("Task 22").click()
        told = ToldYourTeam(client_page)
        expect(told.section).to_contain_text("Taru Testaaja marked it as handled on")
        checked(client_page, "step page, notice handled without an answer")
    finally:
        other.close()


def test_an_answered_cant_come_on_the_appointment_page(page: Page, live_server: LiveServer,
                                                       team_client: Person) -> None:
    """The client says they can't come; the organisation of the appointment answers; the client sees it."""
    from .test_appointment_pages import _book

    sign_in(page, team_client.email, team_client.password)
    _book(page)
    appointment_url = page.url.rsplit("/confirmation", 1)[0]
    page.goto(appointment_url)
    detail = HomePage(page)
    detail.main.get_by_role("link", name="I can't come").click()
    detail.main.get_by_role("radio").first.check()
    detail.main.get_by_role("button").last.click()
    expect(page).not_to_have_title(re.compile(r"^Error: "))

    def answer() -> None:
        from portal.notices import queries as notice_queries

        with live_server.app.app_context():
            client_id = db.session.scalar(sa.select(User.id).where(User.email == team_client.email))
            notice = db.session.scalars(sa.select(TeamNotice).where(TeamNotice.client_id == client_id)).one()
            staff = db.session.scalars(sa.select(User).where(User.organisation_id == notice.organisation_id,
                                                             User.role != "client")).first()
            assert staff is not None
            notice_queries.answer(notice, staff, "We can meet by phone instead. I will call you.")
            db.session.commit()

    _off_the_event_loop(answer)
    page.goto(appointment_url)
    told = ToldYourTeam(page)
    expect(told.section).to_contain_text("We can meet by phone instead.")
    expect(told.answer_heading).to_contain_text("Answer from")
    checked(page, "appointment page with an answer")
    PlanPage(page).menu_link("Home").click()
    expect(HomeAnswers(page).answers).to_contain_text("We can meet by phone instead.")
