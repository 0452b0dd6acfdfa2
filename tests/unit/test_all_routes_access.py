"""Every route needs a signed-in user unless it is on the explicit public list below."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from flask import Flask
from werkzeug.routing import Rule

PUBLIC_ENDPOINTS = {
    "auth.sign_in",
    "auth.signed_out",
    "auth.switch_language",
    "pages.accessibility",
    "pages.favicon",
    "pages.healthz",
    "static",
}


def _example_value(converter: object) -> object:
    name = type(converter).__name__
    if name == "UUIDConverter":
        return uuid.uuid4()
    if name in {"IntegerConverter", "NumberConverter"}:
        return 1
    if "Date" in name:
        return date(2030, 1, 2)
    return "fi"


def _urls(app: Flask) -> list[tuple[Rule, str]]:
    urls = []
    with app.test_request_context():
        adapter = app.url_map.bind("localhost")
        for rule in app.url_map.iter_rules():
            values = {arg: _example_value(rule._converters[arg]) for arg in rule.arguments}
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


def test_public_routes_answer_without_sign_in(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    for rule, url in _urls(app):
        if rule.endpoint in PUBLIC_ENDPOINTS and rule.endpoint != "static" and "GET" in (rule.methods or ()):
            assert client.get(url).status_code in {200, 302}, url
