"""The jobseeker's portal: create_app() builds the Flask application."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config
from .extensions import babel, csrf, db, htmx, login_manager


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(config.PROJECT_ROOT / "templates"),
        static_folder=str(config.PROJECT_ROOT / "static"),
        instance_path=str(config.INSTANCE_DIR),
    )
    app.config.update(config.from_environment())
    if overrides:
        app.config.update(overrides)
    if app.config["TRUSTED_PROXY_COUNT"]:
        n = app.config["TRUSTED_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    from .common import i18n, limits, rendering, security, sessions, transactions

    i18n.compile_translations(app)
    db.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    limits.init_app(app)
    login_manager.init_app(app, add_context_processor=False)  # common/sessions.py gives templates the user
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)

    transactions.init_app(app)
    security.init_app(app)
    sessions.init_app(app)
    i18n.init_app(app)
    rendering.init_app(app)

    from .appointments.client_routes import bp as appointments_bp
    from .appointments.staff_routes import bp as staff_appointments_bp
    from .auth.routes import bp as auth_bp
    from .clients.routes import bp as clients_bp
    from .errors import init_app as init_errors
    from .home.routes import bp as home_bp
    from .identification.routes import bp as identification_bp
    from .notices.routes import bp as notices_bp
    from .pages.routes import bp as pages_bp
    from .plan.routes import bp as plan_bp
    from .planning.routes import bp as planning_bp
    from .sharing import export_routes, log_routes, receipt_routes, team_routes
    from .sharing.routes import bp as sharing_bp

    for blueprint in (auth_bp, identification_bp, home_bp, pages_bp, plan_bp, appointments_bp,
                      staff_appointments_bp, clients_bp, planning_bp, sharing_bp, receipt_routes.bp, log_routes.bp,
                      team_routes.bp, export_routes.bp, notices_bp):
        app.register_blueprint(blueprint)
    init_errors(app)

    from .cli import init_app as init_cli

    init_cli(app)
    return app
