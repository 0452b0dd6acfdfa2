"""Stencils: a template rendered once per kind of output, then filled in per request by one %-format.

Jinja costs about a microsecond for every value it shows and several for every call, and the page read most
(the plan page) has hundreds of them. Most of them are the same for every request of one kind: the words of one
language, the links, the header. So such a template can be rendered once per kind (the values its {% if %}s and
loops test) with a marker in place of each value that differs from request to request (a field), and turned into
a %-format string; a request then costs one %-format of its own escaped values.

Fields refuse to be tested or compared: a template that branches on one raises StencilError instead of caching
a page that is wrong for the next request. Tests compare each stencil with the template's plain render for
every kind (tests/unit/test_step_rows.py, tests/unit/test_plan_page_stencil.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Mapping
from operator import itemgetter
from typing import Any

from flask import current_app
from markupsafe import Markup, escape

_MARKER = re.compile("\x00([a-z_0-9]+)\x00")
# Stencil keys are made of languages and kinds, plus what link_once keys links on (the Host header comes from
# the client): past this many per namespace, stencils are built for the request and not kept.
_MAX_STENCILS = 1024


class StencilError(Exception):
    """A stencilled template tested a field, or used a value that is neither a kind nor a field."""


class Field(Markup):
    """The marker for one field: shown, it leaves its mark in the stencil; tested, it refuses."""

    def __bool__(self) -> bool:
        raise StencilError(f"a stencilled template may not test the field {_name(self)}")

    def __eq__(self, other: object) -> bool:
        raise StencilError(f"a stencilled template may not compare the field {_name(self)}")

    def __len__(self) -> int:
        raise StencilError(f"a stencilled template may not count the field {_name(self)}")

    __ne__ = __eq__
    __hash__ = Markup.__hash__


def _name(marker: Field) -> str:
    return str.strip(marker, "\x00")


def field(name: str) -> Field:
    return Field(f"\x00{name}\x00")


def to_format(html: str) -> str:
    """A render with markers, as a %-format string with one %(field)s per marker."""
    return _check(_MARKER.sub(r"%(\1)s", html.replace("%", "%%")))


def _check(formatted: str) -> str:
    if "\x00" in formatted:  # a marker the template changed (a filter, a slice): its value would be lost
        raise StencilError(f"a stencilled template changed a field: {formatted[formatted.index(chr(0)):][:40]!r}")
    return formatted


Picker = Callable[[Mapping[str, object]], tuple[object, ...]]


def to_positional(html: str) -> tuple[str, Picker]:
    """A render with markers, as a format string with positional %s fields and what picks a mapping's values
    in their order: a third faster to fill than by name, for stencils filled many times a page."""
    names = _MARKER.findall(html)
    formatted = _check(_MARKER.sub("%s", html.replace("%", "%%")))
    if len(names) == 1:
        return formatted, lambda values: (values[names[0]],)
    return formatted, itemgetter(*names)


def kept_stencils(namespace: str) -> dict[Hashable, Any]:
    """This process's stencils of one namespace; in debug mode, where templates are read anew, a new dict
    every time, so nothing is kept."""
    if current_app.debug:
        return {}
    return current_app.extensions.setdefault("stencils", {}).setdefault(namespace, {})  # type: ignore[no-any-return]


def stencil(kept: dict[Hashable, Any], key: Hashable, render: Callable[[], str],
            convert: Callable[[str], Any] = to_format) -> Any:
    """The stencil for one kind: rendered (by `render`, with markers) and converted the first time, and kept."""
    found = kept.get(key)
    if found is None:
        found = convert(render())
        if len(kept) < _MAX_STENCILS:
            kept[key] = found
    return found


def fill(stencil_format: str, values: Mapping[str, object]) -> Markup:
    """The stencil with each field's value, escaped (Markup values are already)."""
    return Markup(stencil_format % {name: escape(value) for name, value in values.items()})
