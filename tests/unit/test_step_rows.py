"""The plan page's stencilled step rows are exactly what the row template renders for each step."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from flask import Flask, render_template

from portal.common.i18n import format_date_in
from portal.common.stencil import StencilError, field, to_format, to_positional
from portal.plan.queries import OrganisationName, StepSummary
from portal.plan.step_rows import RowKind, step_rows
from portal.plan.view import add_step_links

STATUSES = ("todo", "done", "cant_do")
GROUPS = ("overdue", "todo", "cant_do", "done")
KENO = OrganisationName("Keski-Uudenmaan hyvinvointialue", "Mellersta Nylands välfärdsområde", "Keski-Uusimaa")


def _step(status: str, own: bool, due: date | None, organisation: OrganisationName | None) -> StepSummary:
    return StepSummary(
        id=uuid.uuid4(), position=1, title='Ask about "rehab" <b>& soon</b> 100 %', status=status, due_date=due,
        added_by_role="client" if own else "staff",
        done_at=datetime(2026, 11, 1, tzinfo=UTC) if status == "done" else None, responsible_organisation=organisation,
    )


def _by_template(step: StepSummary, group: str, language: str, csrf: str, you: str) -> str:
    """The row as the template renders it for this one step, with no stencil."""
    row = SimpleNamespace(
        status="overdue" if group == "overdue" else step.status,
        own=step.added_by_role == "client",
        has_due=step.due_date is not None,
        sid=str(step.id),
        title=step.title,
        responsible=step.responsible_organisation.name(language) if step.responsible_organisation else you,
        due=format_date_in(step.due_date, language) if step.due_date else "",
        csrf=csrf,
        **step.links,
    )
    return render_template("plan/_step_row.html", row=row)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_every_kind_of_row_is_what_the_template_renders(app: Flask, language: str) -> None:
    app.extensions.pop("stencils", None)
    with app.test_request_context("/plan", headers={"Cookie": f"lang={language}"}):
        kinds = list(itertools.product(GROUPS, STATUSES, (True, False), (date(2026, 12, 24), None),
                                       (KENO, None)))
        compared = 0
        for group, status, own, due, organisation in kinds:
            if group != "overdue" and group != status:
                continue
            step = _step(status, own, due, organisation)
            add_step_links([step])
            csrf = "token-with-<&>-signs"
            stencilled = step_rows([step], group, language=language, csrf=csrf, you="<You>")
            assert str(stencilled) == _by_template(step, group, language, csrf, "<You>")
            compared += 1
        assert compared == 48
        assert "&lt;b&gt;&amp; soon&lt;/b&gt; 100 %" in stencilled  # escaped once, and % survives the format


def test_rows_of_one_kind_share_a_stencil_and_keep_their_own_values(app: Flask) -> None:
    app.extensions.pop("stencils", None)
    with app.test_request_context("/plan", headers={"Cookie": "lang=en"}):
        first, second = _step("todo", False, None, KENO), _step("todo", False, None, None)
        second.title = "Second"
        add_step_links([first, second])
        html = str(step_rows([first, second], "todo", language="en", csrf="t", you="You"))
        assert len(app.extensions["stencils"]["plan_step_rows"]) == 1
        assert html.count(str(first.id)) == html.count(str(second.id)) > 0
        assert "Keski-Uusimaa" in html and "Second" in html


def test_the_row_template_may_not_test_a_field_or_use_an_unknown_one() -> None:
    kind = RowKind("todo", own=False, has_due=True)
    with pytest.raises(StencilError):
        bool(kind.title)
    with pytest.raises(StencilError):
        assert kind.responsible == "You"
    with pytest.raises(StencilError):
        kind.description  # noqa: B018


def test_a_field_the_template_changes_is_refused_not_lost() -> None:
    with pytest.raises(StencilError):
        to_format(f"<p>{field('title').upper()}</p>")
    assert to_format(f"<p>{field('title')} 100 %</p>") == "<p>%(title)s 100 %%</p>"


def test_a_positional_stencil_fills_its_fields_in_order_and_keeps_percent_signs() -> None:
    html = f"<p id='{field('sid')}'>100 %{field('title')} ({field('sid')})</p>"
    stencil_format, pick = to_positional(html)
    assert stencil_format % pick({"title": "Työ", "sid": "7"}) == "<p id='7'>100 %Työ (7)</p>"
    single_format, single = to_positional(f"<b>{field('title')}</b>")
    assert single_format % single({"title": "x"}) == "<b>x</b>"
