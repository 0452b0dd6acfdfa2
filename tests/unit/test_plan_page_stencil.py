"""The plan page filled into its stencil is exactly the page the templates render, for every kind of page."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask, g, render_template

from portal.auth.identity import SignedInUser
from portal.common.stencil import StencilError
from portal.plan import page
from portal.plan.queries import OrganisationName, PlanSummary, StepSummary
from portal.plan.step_rows import step_rows
from portal.plan.view import GROUP_ORDER, PlanView

TODAY = date(2026, 11, 26)
KELA = OrganisationName("Kela", "FPA", "Kela")
NASTY = 'Ask about "rehab" <b>& soon</b> 100 %'


def _step(group: str, n: int) -> StepSummary:
    status = "todo" if group == "overdue" else group
    if group == "overdue":
        due: date | None = TODAY - timedelta(days=n)
    else:
        due = TODAY + timedelta(days=n) if n % 2 else None
    return StepSummary(
        id=uuid.uuid4(), position=n, title=f"{NASTY} {n}", status=status, due_date=due,
        added_by_role="client" if n % 3 == 0 else "staff",
        done_at=datetime(2026, 11, n + 1, tzinfo=UTC) if status == "done" else None,
        responsible_organisation=KELA if n % 3 else None,
    )


def _plan(groups: tuple[str, ...], goals: str, agreed: bool) -> PlanSummary:
    steps = [_step(group, n) for group in groups for n in (1, 2)]
    return PlanSummary(
        id=uuid.uuid4(), version=3, status="agreed" if agreed else "draft", goals=goals,
        agreed_at=datetime(2026, 3, 1, 23, 30, tzinfo=UTC) if agreed else None, steps=steps,
    )


def _kinds() -> Iterator[PlanSummary | None]:
    yield None
    for size in range(len(GROUP_ORDER) + 1):
        for groups in itertools.combinations(GROUP_ORDER, size):
            for goals, agreed in (("Work in a <kitchen> & 50 % time", True), ("", False)):
                yield _plan(groups, goals, agreed)


@pytest.fixture
def signed_in(app: Flask, language: str) -> Iterator[None]:
    app.extensions.pop("stencils", None)
    with app.test_request_context("/plan", headers={"Cookie": f"lang={language}"}):
        g._login_user = SignedInUser(uuid.uuid4(), "Matti <Meikäläinen> & co", "client", None, language, 1)
        yield


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_every_kind_of_plan_page_is_what_the_templates_render(signed_in: None, language: str) -> None:
    compared = 0
    for plan in _kinds():
        view = PlanView.build(plan, TODAY)
        plain = render_template(page.TEMPLATE, view=view, step_rows=step_rows, action_error=None)
        assert str(page._from_stencil(view)) == plain
        compared += 1
    assert compared == 1 + 16 * 2
    assert "Matti &lt;Meikäläinen&gt; &amp; co" in plain  # escaped once, and % survives the format
    assert "100 %" in plain


@pytest.mark.parametrize("language", ["en"])
def test_pages_of_one_kind_share_a_stencil(app: Flask, signed_in: None, language: str) -> None:
    first, second = _plan(("todo",), "First goals", True), _plan(("todo",), "Second goals", True)
    html = [str(page._from_stencil(PlanView.build(plan, TODAY))) for plan in (first, second)]
    assert len(app.extensions["stencils"]["plan_page"]) == 1
    assert "First goals" in html[0] and "Second goals" in html[1]
    assert "Version 3, agreed on Mon 2 Mar 2026." in html[0]  # the day in Helsinki


@pytest.mark.parametrize("language", ["en"])
def test_the_stencil_may_not_test_a_field_or_read_what_it_does_not_have(signed_in: None, language: str) -> None:
    view = page._StencilView(page.PageKind("en", "client", True, ("todo",)))
    with pytest.raises(StencilError):
        bool(view.goals_text)
    with pytest.raises(StencilError):
        view.total  # noqa: B018
    with pytest.raises(StencilError):
        page._StencilUser(g._login_user).email  # noqa: B018
