"""The portal's rate limits sit on views, so Flask-Limiter's check on every request is off; app-wide limits keep it.

That the sign-in limits still hold without it: tests/integration/test_auth.py (per account and per address)."""

from __future__ import annotations

import pytest
from flask import Blueprint, Flask

from portal.common.limits import has_app_wide_limits
from portal.extensions import limiter


def test_the_portal_has_no_app_wide_limits_so_requests_skip_the_check(app: Flask) -> None:
    assert not has_app_wide_limits(app)
    assert limiter._check_request_limit not in app.before_request_funcs[None]


@pytest.mark.parametrize("setting", ["RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META"])
def test_a_configured_app_wide_limit_keeps_the_check(app: Flask, monkeypatch: pytest.MonkeyPatch,
                                                      setting: str) -> None:
    monkeypatch.setitem(app.config, setting, "100 per minute")
    assert has_app_wide_limits(app)


def test_a_blueprint_with_limits_of_its_own_keeps_the_check() -> None:
    other = Flask(__name__)
    blueprint = Blueprint("limited_as_a_whole", __name__)
    limiter.limit("10 per minute")(blueprint)
    other.register_blueprint(blueprint)
    assert has_app_wide_limits(other)
