"""A session's signed CSRF token is kept for a few minutes per process, never past its time limit."""

from __future__ import annotations

import pytest
from flask import Flask, g, session
from flask_wtf.csrf import validate_csrf

from portal.common import security


def _token_in_new_request(app: Flask, raw: str) -> str:
    with app.test_request_context("/plan"):
        g.pop("csrf_token", None)  # the tests' app context outlives a request; a served request's does not
        session["csrf_token"] = raw
        token = security.csrf_token()
        validate_csrf(token)  # a token the form check accepts
        return token


def test_a_sessions_token_is_signed_once_and_another_sessions_is_its_own(app: Flask) -> None:
    first = _token_in_new_request(app, "raw-token-of-session-a")
    assert _token_in_new_request(app, "raw-token-of-session-a") == first
    assert _token_in_new_request(app, "raw-token-of-session-b") != first


def test_a_kept_token_is_signed_anew_after_a_few_minutes(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    now = 1_800_000_000.0
    monkeypatch.setattr(security.time, "time", lambda: now)
    first = _token_in_new_request(app, "raw-token-of-session-c")
    now += security.CSRF_RESIGN_SECONDS - 1
    assert _token_in_new_request(app, "raw-token-of-session-c") == first
    now += 2
    assert _token_in_new_request(app, "raw-token-of-session-c") != first
