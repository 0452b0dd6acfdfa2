"""Commands: `flask --app portal db-upgrade`, `seed-demo`, `send-reminders`, `clean-up`."""

from __future__ import annotations

import click
from flask import Flask

from .extensions import db


def init_app(app: Flask) -> None:
    @app.cli.command("db-upgrade")
    def db_upgrade() -> None:
        """Bring the database schema up to date."""
        from . import migrate

        migrate.upgrade(url=str(db.engine.url.render_as_string(hide_password=False)))
        click.echo("Database is up to date.")

    @app.cli.command("send-reminders")
    def send_reminders() -> None:
        """Send the appointment reminders that are due (run from cron every few minutes; safe to overlap)."""
        from .reminders.sending import send_due

        report = send_due()
        click.echo(f"Reminders: {report.sent} sent, {report.failed} failed, {report.skipped} not needed, "
                   f"{report.unknown} with an unknown outcome (not sent again).")

    @app.cli.command("clean-up")
    def clean_up() -> None:
        """Delete what is kept only for a while, and record consents whose time is over as expired (run from
        cron, e.g. hourly; safe to overlap)."""
        from .appointments.booking_answers import forget_abandoned
        from .models import utcnow
        from .sharing.changes import expire_due

        deleted = forget_abandoned()
        expired = expire_due(utcnow())
        db.session.commit()
        click.echo(f"Abandoned bookings whose answers were deleted: {deleted}.")
        click.echo(f"Consents recorded as expired: {expired}.")

    @app.cli.command("seed-demo")
    def seed_demo() -> None:
        """Create demo agencies, services, staff and clients (safe to run again)."""
        from . import demo, migrate

        migrate.upgrade(url=str(db.engine.url.render_as_string(hide_password=False)))
        created = demo.seed()
        db.session.commit()
        click.echo(f"Demo data ready ({created} new records). Password for every demo account: {demo.PASSWORD}")
