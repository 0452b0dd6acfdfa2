"""The plan page's step rows, from a stencil (see common/stencil.py).

templates/plan/_step_row.html is rendered once per language and kind of row (status, the client's own step or
not, a due date or not) with a marker in place of each of the step's own values; the step's links are in the
stencil with a marker for the step's id. Each step is then one %-format of its escaped values into that
stencil. The output is the same as rendering the template for each step (tests/unit/test_step_rows.py compares
the two for every kind of row).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from flask import render_template
from markupsafe import Markup, escape

from ..common.i18n import format_date_in
from ..common.rendering import link_key
from ..common.stencil import Field, StencilError, field, kept_stencils, stencil
from .queries import StepSummary
from .view import STEP_LINKS, step_link_pattern

TEMPLATE = "plan/_step_row.html"
# The values that differ from step to step; the template may show them but not test them.
FIELDS = frozenset({"sid", "title", "responsible", "due", "csrf"})


@dataclass(frozen=True, slots=True)
class RowKind:
    """What the row template may test; any other row.* is a field, or one of the step's links."""

    status: str
    own: bool
    has_due: bool

    def __getattr__(self, name: str) -> Field:
        if name in FIELDS:
            return field(name)
        if name in STEP_LINKS:
            before, after = step_link_pattern(name)
            return Field(before + field("sid") + after)
        raise StencilError(f"{TEMPLATE} used row.{name}, which is neither a kind nor a field")


@lru_cache(maxsize=4096)
def _due(value: object, language: str) -> str:
    return str(escape(format_date_in(value, language)))  # type: ignore[arg-type]


def step_rows(steps: Iterable[StepSummary], group: str, *, language: str, csrf: str, you: str) -> Markup:
    """The rows of one group of the plan page. `you` is what the responsible column says for the client's own
    steps."""
    kept = kept_stencils("plan_step_rows")
    where = link_key()
    csrf_value = str(escape(csrf))
    you_value = str(escape(you))
    responsible: dict[int, str] = {}  # escaped name by organisation, for this call
    overdue = group == "overdue"
    rows = []
    for step in steps:
        key = ("overdue" if overdue else step.status, step.added_by_role == "client", step.due_date is not None,
               language, where)
        row_stencil = kept.get(key)
        if row_stencil is None:
            row_stencil = stencil(kept, key, lambda key=key: render_template(TEMPLATE, row=RowKind(*key[:3])))
        organisation = step.responsible_organisation
        if organisation is None:
            name = you_value
        else:
            name = responsible.get(id(organisation)) or responsible.setdefault(
                id(organisation), str(escape(organisation.name(language))))
        rows.append(row_stencil % {
            "sid": str(step.id),
            "title": escape(step.title),
            "responsible": name,
            "due": _due(step.due_date, language) if key[2] else "",
            "csrf": csrf_value,
        })
    return Markup("".join(rows))
