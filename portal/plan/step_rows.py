"""The plan page's step rows, from a stencil (see common/stencil.py).

templates/plan/_step_row.html is rendered once per language and kind of row (status, the client's own step or
not, a due date or not) with a marker in place of each of the step's own values; each step is then one
%-format of its escaped values into that stencil. The output is the same as rendering the template for each
step (tests/unit/test_step_rows.py compares the two for every kind of row).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import render_template
from markupsafe import Markup, escape

from ..common.i18n import format_date_in
from ..common.stencil import Field, StencilError, field, kept_stencils, stencil
from .queries import StepSummary

TEMPLATE = "plan/_step_row.html"
# The values that differ from step to step; the template may show them but not test them.
FIELDS = frozenset({"sid", "title", "page", "responsible", "due", "csrf", "done", "not_done", "cant_do"})


@dataclass(frozen=True, slots=True)
class RowKind:
    status: str
    own: bool
    has_due: bool

    def __getattr__(self, name: str) -> Field:
        if name in FIELDS:
            return field(name)
        raise StencilError(f"{TEMPLATE} used row.{name}, which is neither a kind nor a field")


def step_rows(steps: Iterable[StepSummary], group: str, *, language: str, csrf: str, you: str) -> Markup:
    """The rows of one group of the plan page. `you` is what the responsible column says for the client's own
    steps; the steps' links must be filled in (PlanView does that)."""
    kept = kept_stencils("plan_step_rows")
    csrf_value = str(escape(csrf))
    you_value = str(escape(you))
    rows = []
    for step in steps:
        kind = RowKind("overdue" if group == "overdue" else step.status, step.added_by_role == "client",
                       step.due_date is not None)
        row_stencil = kept.get((language, kind)) or stencil(kept, (language, kind),
                                                            lambda kind=kind: render_template(TEMPLATE, row=kind))
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
        rows.append(row_stencil % values)
    return Markup("".join(rows))
