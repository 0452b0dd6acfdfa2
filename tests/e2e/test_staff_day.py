"""The staff day view: withdrawing a time keeps it in its place with an undo, focus stays in the list, and the
day links are 44 px targets (issue 15, item 16). Keyboard only, with and without JavaScript."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from portal.common.i18n import today_in_helsinki

from .axe import assert_no_axe_violations
from .conftest import Person
from .keyboard import Keyboard
from .pages import Portal, sign_in
from .reflow import TARGET, assert_reflows

pytestmark = pytest.mark.e2e


def _publish_a_time_of_my_own(page: Page, days_ahead: int) -> str:
    """A Sunday-free day a week or more ahead, 7.15 to 8.00, published through the form; returns its day."""
    day = today_in_helsinki() + timedelta(days=days_ahead)
    page.goto("/staff/appointments/slots/new")
    form = Portal(page)
    for part, value in (("Day", day.day), ("Month", day.month), ("Year", day.year)):
        form.page.get_by_role("group", name="First day").get_by_label(part, exact=True).fill(str(value))
    for name in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
        form.page.get_by_role("checkbox", name=name).check()
    form.page.get_by_label("From").fill("7.15")
    form.page.get_by_label("Until").fill("8.00")
    form.page.get_by_role("radio", name="No particular service").check()
    form.main.get_by_role("button", name="Publish times").click()
    expect(form.banner(re.compile(r"1 time published\."))).to_be_visible()
    return day.isoformat()


def test_withdrawing_a_time_keeps_it_in_place_with_an_undo(page: Page, caseworker: Person) -> None:
    sign_in(page, caseworker.email, caseworker.password)
    day = _publish_a_time_of_my_own(page, days_ahead=20)
    expect(Portal(page).banner(re.compile(r"1 time published\."))).to_be_focused()  # the banner, on load
    page.goto(f"/staff/appointments?day={day}&scope=mine")
    view = Portal(page)
    for name in ("Previous day", "Next day"):  # 44 px targets
        box = view.main.get_by_role("navigation", name="Days").get_by_role("link", name=name).bounding_box()
        assert box is not None and box["width"] >= TARGET and box["height"] >= TARGET, (name, box)

    keys = Keyboard(page)
    withdraw = view.main.get_by_role("button", name=re.compile(r"^Withdraw time 07:15"))
    keys.tab_to(withdraw)
    keys.press("Enter")
    again = view.main.get_by_role("button", name=re.compile(r"^Publish again 07:15"))
    expect(again).to_be_focused()  # focus stays in the list, on the undo
    expect(view.live_region).to_have_text(re.compile(r"was withdrawn\. Clients can no longer book it\."))
    row = view.main.get_by_role("listitem").filter(has=page.get_by_role("button", name=re.compile(r"^Publish again")))
    expect(row).to_contain_text("Withdrawn: clients can no longer book this time.")
    keys.assert_focus_visible()
    assert_no_axe_violations(page, "staff day view, a time just withdrawn")
    assert_reflows(page, "staff day view, a time just withdrawn")

    keys.press("Enter")  # undo
    withdraw = view.main.get_by_role("button", name=re.compile(r"^Withdraw time 07:15"))
    expect(withdraw).to_be_focused()
    expect(view.live_region).to_have_text(re.compile(r"is published again\. Clients can book it\."))
    keys.press("Enter")  # and withdrawn for good: the next day view no longer lists it
    expect(view.main.get_by_role("button", name=re.compile(r"^Publish again 07:15"))).to_be_focused()
    page.reload()
    expect(view.main.get_by_role("button", name=re.compile(r"07:15"))).to_have_count(0)


def test_without_javascript_the_redirect_comes_back_to_the_row(browser: Browser,
                                                              browser_context_args: dict[str, Any],
                                                              caseworker: Person) -> None:
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, caseworker.email, caseworker.password)
        day = _publish_a_time_of_my_own(page, days_ahead=21)
        page.goto(f"/staff/appointments?day={day}&scope=mine")
        view = Portal(page)
        view.main.get_by_role("button", name=re.compile(r"^Withdraw time 07:15")).click()
        assert re.search(r"withdrawn=[0-9a-f-]{36}#slot-[0-9a-f-]{36}$", page.url), page.url
        expect(view.banner(re.compile("was withdrawn"))).to_be_visible()
        again = view.main.get_by_role("button", name=re.compile(r"^Publish again 07:15"))
        expect(again).to_be_in_viewport()  # the anchor brings the row into view
        again.click()
        expect(view.banner(re.compile("is published again"))).to_be_visible()
        expect(view.main.get_by_role("button", name=re.compile(r"^Withdraw time 07:15"))).to_be_visible()
        view.main.get_by_role("button", name=re.compile(r"^Withdraw time 07:15")).click()  # leave it withdrawn
    finally:
        context.close()
