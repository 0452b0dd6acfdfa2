"""Every route needs a signed-in user unless it is on the explicit public list below."""

from __future__ import annotations

import re
import uuid

import pytest
from flask import Flask
from werkzeug.routing import Rule

PUBLIC_ENDPOINTS = {
    "auth.sign_in",
    "auth.signed_out",
    "auth.switch_language",
    "identification.becoming_a_client",
    "identification.finish",
    "identification.jwks",
    "identification.start",
    "pages.accessibility",
    "pages.favicon",
    "pages.healthz",
    "static",
}


CONVERTED = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def _example_values(rule: Rule) -> dict[str, object]:
    """A value of the right kind for each of a route's arguments, by the converter its rule names."""
    examples = {"uuid": uuid.uuid4, "int": lambda: 1, "path": lambda: "fi", None: lambda: "fi", "string": lambda: "fi"}
    return {name: examples.get(converter, lambda: "fi")() for converter, name in CONVERTED.findall(rule.rule)}


def _urls(app: Flask) -> list[tuple[Rule, str]]:
    urls = []
    with app.test_request_context():
        adapter = app.url_map.bind("localhost")
        for rule in app.url_map.iter_rules():
            values = _example_values(rule)
            urls.append((rule, adapter.build(rule.endpoint, values)))
    return urls


def test_public_list_matches_the_views_marked_public(app: Flask) -> None:
    marked = {name for name, view in app.view_functions.items() if getattr(view, "is_public", False)}
    assert marked | {"static"} == PUBLIC_ENDPOINTS


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_every_private_route_needs_sign_in(app: Flask, client, htmx: bool) -> None:  # type: ignore[no-untyped-def]
    token = client.csrf_token()
    headers = {"HX-Request": "true"} if htmx else {}
    checked = 0
    for rule, url in _urls(app):
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            data = {"csrf_token": token} if method != "GET" else None
            response = client.open(url, method=method, data=data, headers=headers)
            where = f"{method} {url} ({rule.endpoint})"
            if htmx:
                assert response.status_code == 401, where
                assert response.headers["HX-Redirect"].startswith("/sign-in"), where
            else:
                assert response.status_code == 302, where
                assert response.headers["Location"].startswith("/sign-in"), where
            checked += 1
    assert checked >= 8


# A provider's return with no sign-in under way is refused with a page that says so.
EXPECTED_STATUS = {"identification.finish": {400}}


def test_public_routes_answer_without_sign_in(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    for rule, url in _urls(app):
        if rule.endpoint in PUBLIC_ENDPOINTS and rule.endpoint != "static" and "GET" in (rule.methods or ()):
            assert client.get(url).status_code in EXPECTED_STATUS.get(rule.endpoint, {200, 302}), url
