"""Every page and state reflows at 320 CSS px with 44 px targets (see reflow.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from .reflow import NARROW, assert_reflows
from .states import STATES, People, State

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("state", STATES, ids=str)
def test_reflows_at_320_px_with_44_px_targets(page: Page, people: People, state: State) -> None:
    page.set_viewport_size(NARROW)
    state.reach(page, people)
    assert_reflows(page, state.name)
