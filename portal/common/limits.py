"""Rate limits are checked where they are declared: on the views (the sign-in limits in auth/routes.py).

Flask-Limiter checks a decorated view's limits inside the view itself. Its before_request hook is for the limits
that apply to many views (default, application and blueprint limits, meta limits), and the portal has none. That
hook still cost every request 0.39 million instructions (bench/instructions.py): a fifth of the bare route and
8 % of the plan page. So it is taken off, unless such limits are configured.
"""

from __future__ import annotations

from flask import Flask

from ..extensions import limiter

APP_WIDE_SETTINGS = ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META")


def has_app_wide_limits(app: Flask) -> bool:
    manager = limiter.limit_manager
    with app.app_context():
        return bool(
            any(app.config.get(name) for name in APP_WIDE_SETTINGS)
            or manager.default_limits
            or manager.application_limits
            or any(manager.blueprint_limits(app, name) for name in app.blueprints)
        )


def init_app(app: Flask) -> None:
    """After the blueprints are registered (a blueprint may carry limits of its own)."""
    if not has_app_wide_limits(app):
        app.before_request_funcs[None].remove(limiter._check_request_limit)
