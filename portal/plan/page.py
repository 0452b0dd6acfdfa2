"""The plan page, the page read most: from a stencil (see common/stencil.py) when it can be.

The whole page, base.html's frame and plan/index.html, is rendered once per language and kind of plan (a plan
or none; which groups of steps it has) with markers in place of what differs from request to request: the
user's name, the CSRF token, the seconds left before the idle time-out, the plan's own words and counts, and each
group's rows (from their own stencils, step_rows.py). A request the stencil has no place for (a flashed
message, a form error, a query string, an htmx fragment) gets the plain render. Both give the same page:
tests/unit/test_plan_page_stencil.py compares them for every kind.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from flask import Response, current_app, make_response, render_template, request, session
from flask_login import current_user

from ..common.i18n import gettext, locale_code
from ..common.rendering import link_key, render_page, wants_fragment
from ..common.security import csrf_token
from ..common.sessions import seconds_left
from ..common.stencil import Field, StencilError, field, fill, kept_stencils, stencil
from .step_rows import rows_by_group, step_rows
from .view import GROUP_ORDER, PlanView

TEMPLATE = "plan/index.html"


def plan_page(view: PlanView, error: str | None = None, status: int = 200) -> Response:
    """The plan page, or with an htmx request its steps: plain, or filled into its stencil."""
    if error is None and status == 200 and _fits_stencil():
        return make_response(_from_stencil(view))
    return render_page(TEMPLATE, block="plan_steps", status=status, view=view, step_rows=step_rows,
                       action_error=error)


def _fits_stencil() -> bool:
    return (
        not wants_fragment()
        and not request.query_string  # the language switch's links and "next" carry the page's own address
        and "_flashes" not in session
        and not current_app.url_default_functions  # links could then depend on the request
    )


class PageKind(NamedTuple):
    language: str
    role: str
    has_plan: bool
    groups: tuple[str, ...]  # the groups of steps shown, in GROUP_ORDER


def _from_stencil(view: PlanView) -> str:
    user = current_user._get_current_object()
    language = locale_code()
    groups = tuple(key for key in GROUP_ORDER if view.groups.get(key))
    kind = PageKind(language, user.role, view.plan is not None, groups)
    page = stencil(kept_stencils("plan_page"), (kind, *link_key(), request.path), lambda: _render_stencil(kind))
    csrf = csrf_token()
    you = gettext("You")
    values: dict[str, Any] = {
        "csrf": csrf,
        "seconds_left": seconds_left(),
        "user_name": user.full_name,
        "goals": view.goals_text,
        "version": view.version_text,
        "progress": view.progress_text,
        "progress_max": view.progress_max,
        "done": view.done,
    }
    for key, rows in rows_by_group(view.groups, language=language, csrf=csrf, you=you).items():
        values[f"count_{key}"] = len(view.groups[key])
        values[f"rows_{key}"] = rows
    return fill(page, values)


def _render_stencil(kind: PageKind) -> str:
    """The page with markers: what the template reads per request comes from stand-ins that give markers."""
    return render_template(
        TEMPLATE,
        view=_StencilView(kind),
        step_rows=lambda steps, key, **_: field(f"rows_{key}"),
        action_error=None,
        # base.html's per-request values (these shadow the template globals of the same name)
        current_user=_StencilUser(current_user),
        csrf_token=lambda: field("csrf"),
        session_seconds_left=lambda: field("seconds_left"),
        get_flashed_messages=lambda **_: (),
    )


class _StencilUser:
    """current_user as the stencil's frame sees it: the real role, a marker for the name."""

    is_authenticated = True
    full_name = field("user_name")

    def __init__(self, user: Any) -> None:
        self.role, self.is_client, self.is_staff = user.role, user.is_client, user.is_staff

    def __getattr__(self, name: str) -> Field:
        raise StencilError(f"the plan page's stencil has no current_user.{name}")


class _StencilView:
    """PlanView as the stencil sees it: which groups there are; markers for the words and numbers."""

    goals_text = field("goals")
    version_text = field("version")
    progress_text = field("progress")
    progress_max = field("progress_max")
    done = field("done")

    def __init__(self, kind: PageKind) -> None:
        self.plan = True if kind.has_plan else None
        self.groups = {key: key in kind.groups for key in GROUP_ORDER}
        self.counts = {key: field(f"count_{key}") for key in kind.groups}

    def __getattr__(self, name: str) -> Field:
        raise StencilError(f"the plan page's stencil has no view.{name}")
