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
        """Send the reminders that are due, of appointments and plan steps (run from cron every few minutes;
        safe to overlap)."""
        from .reminders.sending import send_due

        report = send_due()
        click.echo(f"Reminders: {report.sent} sent, {report.failed} failed, {report.skipped} not needed, "
                   f"{report.unknown} with an unknown outcome (not sent again).")

    @app.cli.command("clean-up")
    def clean_up() -> None:
        """Delete what is kept only for a while, record consents whose time is over as expired, and give plan
        steps without reminders theirs (run from cron, e.g. hourly; safe to overlap)."""
        from .appointments.booking_answers import forget_abandoned
        from .models import utcnow
        from .reminders.steps import schedule_missing
        from .sharing.changes import expire_due

        deleted = forget_abandoned()
        expired = expire_due(utcnow())
        db.session.commit()
        scheduled = schedule_missing()
        click.echo(f"Abandoned bookings whose answers were deleted: {deleted}.")
        click.echo(f"Consents recorded as expired: {expired}.")
        click.echo(f"Plan steps given their due-date reminders: {scheduled}.")

    @app.cli.command("seed-demo")
    def seed_demo() -> None:
        """Create demo agencies, services, staff and clients (safe to run again)."""
        from . import demo, migrate

        migrate.upgrade(url=str(db.engine.url.render_as_string(hide_password=False)))
        created = demo.seed()
        db.session.commit()
        # not the password: logs are kept and read more widely than the README that tells it
        click.echo(f"Demo data ready ({created} new records). The demo accounts are listed in README.md.")

    @app.cli.command("seed-demo-identification")
    @click.option("--issuer", required=True, help="The local OpenID Provider, e.g. http://127.0.0.1:9400")
    def seed_demo_identification(issuer: str) -> None:
        """Point the demo's identity providers at a local OpenID Provider (after seed-demo; safe to run again)."""
        from .identification import demo

        changed = demo.seed(issuer)
        db.session.commit()
        click.echo(f"Identity providers at {issuer} ({changed} changes).")

    @app.cli.command("demo-provider-people")
    def demo_provider_people() -> None:
        """Print the demo people as JSON lines, one --user-claims value for oidc-provider-mock each."""
        import json

        from .identification import demo

        for person in demo.provider_people():
            click.echo(json.dumps(person, ensure_ascii=False))

    @app.cli.command("register-identifier")
    @click.option("--email", required=True, help="The account's e-mail address")
    @click.option("--organisation", default=None, help="For staff: the code of the organisation whose sign-in "
                  "vouches for the identifier (its subject_claim, e.g. the work e-mail address)")
    @click.option("--identifier", prompt="Identifier (personal identity code)", hide_input=True,
                  help="Asked for without echo when left out: it must not stay in the shell's history")
    def register_identifier(email: str, organisation: str | None, identifier: str) -> None:
        """Link an account to the identifier a provider vouches for; only its keyed hash is kept."""
        from sqlalchemy import select

        from .identification.persons import person_key
        from .models import User

        user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
        if user is None:
            raise click.ClickException("No account has that e-mail address.")
        if (organisation is None) != user.is_client:
            raise click.ClickException("Give --organisation for staff, and only for staff.")
        namespace = "national-id" if organisation is None else f"staff:{organisation}"
        user.person_key = person_key(namespace, identifier)
        db.session.commit()
        click.echo("The account now signs in through its identity provider.")
