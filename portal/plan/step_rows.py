"""The plan page's step rows, from a stencil.

A plan has dozens of steps, and a step row rendered by Jinja costs about 25 escaped outputs and look-ups: more
than all the rest of the page. So templates/plan/_step_row.html is rendered once per language and kind of row
(status, the client's own step or not, a due date or not) with a marker in place of each of the step's own
values, and each step is then one %-format of its escaped values into that stencil. The output is the same as
rendering the template for each step (tests/unit/test_step_rows.py compares the two for every kind of row).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import current_app, render_template
from markupsafe import Markup, escape

from ..common.i18n import format_date_in
from .queries import StepSummary

TEMPLATE = "plan/_step_row.html"
# The values that differ from step to step; the template may show them but not test them.
FIELDS = frozenset({"sid", "title", "page", "responsible", "due", "csrf", "done", "not_done", "cant_do"})
_MARKER = re.compile("\x00([a-z_]+)\x00")


class StencilError(Exception):
    """The row template tested a value that differs from step to step, or used a field that does not exist."""


class _Field(Markup):
    """A marker for one field: shown, it leaves its mark in the stencil; tested, it refuses."""

    def __bool__(self) -> bool:
        raise StencilError(f"{TEMPLATE} may not test the field {self!s}")

    def __eq__(self, other: object) -> bool:
        raise StencilError(f"{TEMPLATE} may not compare the field {self!s}")

    __ne__ = __eq__
    __hash__ = Markup.__hash__


@dataclass(frozen=True, slots=True)
class RowKind:
    status: str
    own: bool
    has_due: bool

    def __getattr__(self, name: str) -> _Field:
        if name in FIELDS:
            return _Field(f"\x00{name}\x00")
        raise StencilError(f"{TEMPLATE} used row.{name}, which is neither a kind nor a field")


def render_stencil(kind: RowKind) -> str:
    """The row template for one kind of row, as a %-format string with one %(field)s per field."""
    html = render_template(TEMPLATE, row=kind)
    return _MARKER.sub(r"%(\1)s", html.replace("%", "%%"))


def _stencils(language: str) -> dict[RowKind, str]:
    # Built once per language in each process; in debug mode the template is read anew for every page.
    if current_app.debug:
        return {}
    every_language = current_app.extensions.setdefault("plan_step_stencils", {})
    return every_language.setdefault(language, {})  # type: ignore[no-any-return]


def step_rows(steps: Iterable[StepSummary], group: str, *, language: str, csrf: str, you: str) -> Markup:
    """The rows of one group of the plan page. `you` is what the responsible column says for the client's own
    steps; the steps' links must be filled in (PlanView does that)."""
    stencils = _stencils(language)
    csrf_value = str(escape(csrf))
    you_value = str(escape(you))
    rows = []
    for step in steps:
        kind = RowKind("overdue" if group == "overdue" else step.status, step.added_by_role == "client",
                       step.due_date is not None)
        stencil = stencils.get(kind)
        if stencil is None:
            stencil = stencils[kind] = render_stencil(kind)
        organisation = step.responsible_organisation
        links = step.links
        values: dict[str, Any] = {
            "sid": str(step.id),
            "title": escape(step.title),
            "responsible": escape(organisation.name(language)) if organisation else you_value,
            "due": escape(format_date_in(step.due_date, language)) if kind.has_due else "",
            "csrf": csrf_value,
            "page": links["page"],
            "done": links["done"],
            "not_done": links["not_done"],
            "cant_do": links["cant_do"],
        }
        rows.append(stencil % values)
    return Markup("".join(rows))
