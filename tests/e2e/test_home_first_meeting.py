"""Home with no plan yet: "Book your first meeting" is the main action and says what happens there (issue 15,
item 11)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from .axe import assert_no_axe_violations
from .booking_pages import BookingQuestion
from .conftest import HEIGHT, PASSWORD
from .keyboard import Keyboard
from .pages import sign_in
from .reflow import assert_reflows

pytestmark = pytest.mark.e2e


def test_without_a_plan_booking_the_first_meeting_is_the_main_action(page: Page,
                                                                     make_client: Callable[..., str]) -> None:
    home = sign_in(page, make_client(with_plan=False), PASSWORD)
    expect(home.h1).to_have_text("What's next")
    book = home.main.get_by_role("link", name="Book your first meeting")
    expect(book).to_have_class("button")
    box = book.bounding_box()
    assert box is not None and box["y"] + box["height"] <= HEIGHT, f"the button ends at {box} of {HEIGHT} px"
    expect(home.main).to_contain_text("Together you make your employment plan")
    expect(home.main).not_to_contain_text("0 of 0")
    assert_no_axe_violations(page, "home without a plan")
    assert_reflows(page, "home without a plan")

    keys = Keyboard(page)
    keys.tab_to(book)
    keys.press("Enter")
    expect(BookingQuestion(page).h1).to_have_text("What do you want to talk about?")
