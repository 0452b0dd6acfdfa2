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
from datetime import date
from functools import lru_cache

from flask import render_template
from markupsafe import Markup, escape

from ..common.i18n import format_date_in
from ..common.rendering import link_key
from ..common.stencil import Field, Picker, StencilError, field, kept_stencils, stencil, to_positional
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
def _due(value: date, language: str) -> str:
    return str(escape(format_date_in(value, language)))


class _RowWriter:
    """Writes the rows of one page: what all its rows share is worked out once."""

    def __init__(self, language: str, csrf: str, you: str) -> None:
        self.language = language
        self.csrf = str(escape(csrf))
        self.you = str(escape(you))
        self.kept = kept_stencils("plan_step_rows")
        self.where = link_key()
        self.by_kind: dict[tuple[str, bool, bool], tuple[str, Picker]] = {}
        self.names: dict[int, str] = {}  # escaped name by organisation

    def _stencil(self, kind: tuple[str, bool, bool]) -> tuple[str, Picker]:
        found = self.by_kind[kind] = stencil(self.kept, (*kind, self.language, self.where),
                                             lambda: render_template(TEMPLATE, row=RowKind(*kind)), to_positional)
        return found  # type: ignore[no-any-return]

    def rows(self, steps: Iterable[StepSummary], group: str) -> Markup:
        by_kind, names, language, csrf = self.by_kind, self.names, self.language, self.csrf
        overdue = group == "overdue"
        rows = []
        for step in steps:
            kind = ("overdue" if overdue else step.status, step.added_by_role == "client",
                    step.due_date is not None)
            row_stencil, pick = by_kind.get(kind) or self._stencil(kind)
            organisation = step.responsible_organisation
            if organisation is None:
                name = self.you
            else:
                name = names.get(id(organisation)) or names.setdefault(
                    id(organisation), str(escape(organisation.name(language))))
            rows.append(row_stencil % pick({
                "sid": step.id,
                "title": escape(step.title),
                "responsible": name,
                "due": _due(step.due_date, language) if kind[2] else "",
                "csrf": csrf,
            }))
        return Markup("".join(rows))


def step_rows(steps: Iterable[StepSummary], group: str, *, language: str, csrf: str, you: str) -> Markup:
    """The rows of one group of the plan page. `you` is what the responsible column says for a step no agency is
    responsible for (the client's own)."""
    return _RowWriter(language, csrf, you).rows(steps, group)


def rows_by_group(groups: dict[str, list[StepSummary]], *, language: str, csrf: str, you: str) -> dict[str, Markup]:
    """The rows of every group that has steps, written together."""
    writer = _RowWriter(language, csrf, you)
    return {key: writer.rows(steps, key) for key, steps in groups.items() if steps}
