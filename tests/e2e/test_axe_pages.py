"""axe-core (WCAG 2.0/2.1/2.2 A and AA) finds nothing on any page, in any state, at phone size."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from .axe import assert_no_axe_violations
from .states import STATES, People, State

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("state", STATES, ids=str)
def test_no_axe_violations(page: Page, people: People, state: State) -> None:
    state.reach(page, people)
    assert_no_axe_violations(page, state.name)
