"""End-to-end fixtures: the real app on its own database, served to Debian's Chromium at phone size.

The live server runs in a daemon thread for the whole session. Its database is never the integration tests'
one: on PostgreSQL (TEST_DATABASE_URL) it lives in its own schema `e2e`, otherwise in a temporary SQLite file.
Read-only tests use the demo client Aino; every test that changes data signs in as a freshly made client
with a plan of their own (`fresh_client`, `jobseeker`).
"""

from __future__ import annotations

import os
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Page
from werkzeug.serving import make_server

from portal import create_app, demo, migrate
from portal.extensions import db
from portal.identification import demo as identification_demo
from portal.models import Organisation, Service, User
from portal.sharing import demo as sharing_demo

from ..support.provider import Provider, running
from .axe import assert_no_axe_violations

PASSWORD = demo.PASSWORD
CLIENT = "aino.asiakas@example.fi"
STAFF = "maija.ohjaaja@example.fi"
SCHEMA = os.environ.get("E2E_SCHEMA", "e2e")  # another name lets two runs share one PostgreSQL
FRESH_NAME = "Erkki Testaaja"
WIDTH, HEIGHT = 390, 844
T = TypeVar("T")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any], live_server: LiveServer) -> dict[str, Any]:
    # English (Accept-Language) keeps the tests' words stable while the catalogues change.
    return {
        **browser_context_args,
        "base_url": live_server.url,
        "viewport": {"width": WIDTH, "height": HEIGHT},
        "locale": "en-GB",
    }


# --- the database ------------------------------------------------------------------------------------------


def _postgres_url(base: str) -> str:
    """The same database as the integration tests, but the schema `e2e` (dropped and made anew)."""
    engine = sa.create_engine(base)
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(sa.text(f"CREATE SCHEMA {SCHEMA}"))
    engine.dispose()
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{SCHEMA}"


@pytest.fixture(scope="session")
def e2e_database_url() -> Iterator[str]:
    base = os.environ.get("TEST_DATABASE_URL")
    if base:
        url = _postgres_url(base)
        migrate.upgrade(url=url)
        yield url
        return
    with tempfile.TemporaryDirectory(prefix="portal-e2e-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'e2e.sqlite3'}"
        migrate.upgrade(url=url)
        yield url


# --- the live server ---------------------------------------------------------------------------------------


@dataclass
class LiveServer:
    app: Flask
    url: str


def _seeded_app(url: str, issuer: str, keys_file: str) -> Flask:
    app = create_app(
        {
            "TESTING": False,
            "SECRET_KEY": "e2e-secret-key-not-for-production",
            "RATELIMIT_STORAGE_URI": "memory://",
            "DATABASE_URL": url,
            "PASSWORD_SIGN_IN": "all",  # as in the local demo; identification has tests of its own
            "IDENTIFIER_KEY": "e2e-identifier-key-not-for-production",
            "OIDC_KEYS_FILE": keys_file,
        }
    )
    with app.app_context():
        demo.seed()
        identification_demo.seed(issuer)  # the demo's providers, served by the test provider below
        # A signed-in person's pages are in their account's language: the demo's accounts read English here, as
        # the browser does (Accept-Language), so that the tests' words stay the same whoever signs in.
        db.session.execute(sa.update(User).values(locale="en"))
        db.session.commit()
    return app


def _off_the_event_loop(work: Callable[[], T]) -> T:
    """Run `work` in a thread of its own. Playwright's sync API keeps an asyncio loop in the main thread, and
    an app context that ends there would run Flask's async teardowns through asgiref, which refuses to."""
    done: dict[str, Any] = {}

    def run() -> None:
        try:
            done["value"] = work()
        except BaseException as error:  # noqa: BLE001 - raised again in the caller
            done["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in done:
        raise done["error"]
    return done["value"]  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[Provider]:
    """A real OpenID Provider (tests/support/provider.py) that knows the demo people."""
    os.environ.setdefault(identification_demo.SECRET_ENV, "e2e-client-secret")
    with running() as provider:
        for person in identification_demo.provider_people():
            provider.set_person(person["sub"], {k: v for k, v in person.items() if k != "sub"})
        yield provider


@pytest.fixture(scope="session")
def live_server(e2e_database_url: str, oidc_provider: Provider,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    keys_file = str(tmp_path_factory.mktemp("oidc-keys") / "oidc_keys.json")
    app = _off_the_event_loop(lambda: _seeded_app(e2e_database_url, oidc_provider.issuer, keys_file))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=5)
        _off_the_event_loop(lambda: _dispose(app))


def _dispose(app: Flask) -> None:
    with app.app_context():
        db.engine.dispose()


# --- people ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def make_client(live_server: LiveServer) -> Callable[..., str]:
    """Make a client with the demo plan (8 steps, every state) of their own, or with no plan yet
    (`with_plan=False`), whose account is in `locale`, in a team of employment services (Maija their contact
    person), the wellbeing services county and Kela, or with `team=True` the whole demo team as Aino's (consents
    given, one asked for, records, a few access-log rows); returns the email address."""

    def make(with_plan: bool = True, locale: str = "en", name: str = FRESH_NAME, team: bool = False) -> str:
        return _off_the_event_loop(lambda: _make(with_plan, locale, name, team))

    def _make(with_plan: bool, locale: str, name: str, team: bool) -> str:
        with live_server.app.app_context():
            template = db.session.scalar(sa.select(User).where(User.email == CLIENT))
            caseworker = db.session.scalar(sa.select(User).where(User.email == STAFF))
            assert template is not None and caseworker is not None
            orgs = {org.code: org for org in db.session.scalars(sa.select(Organisation))}
            services = {service.code: service for service in db.session.scalars(sa.select(Service))}
            email = f"e2e-{uuid.uuid4().hex[:12]}@example.fi"
            client = User(id=uuid.uuid4(), email=email, full_name=name, role="client", locale=locale,
                          password_hash=template.password_hash)  # the demo password, hashed once by seed()
            db.session.add(client)
            db.session.flush()
            if with_plan:
                demo.make_plan(client, locale, orgs, services, caseworker)
            if team:
                sharing_demo.seed_team(client)
            else:
                sharing_demo.seed_team(client, ("vantaa-employment", "vakehyva", "kela"), shared=False)
            db.session.commit()
        return email

    return make


@pytest.fixture()
def fresh_client(make_client: Callable[[], str]) -> str:
    return make_client()


@dataclass(frozen=True)
class Person:
    email: str
    password: str
    name: str


@pytest.fixture()
def jobseeker(make_client: Callable[[], str]) -> Person:
    """A client of their own with the demo plan: 2 of 8 steps done, one overdue, one can't do."""
    return Person(email=make_client(), password=PASSWORD, name=FRESH_NAME)


@pytest.fixture()
def aino() -> Person:
    """The demo client. Read-only tests only: never change her plan, never sign her out."""
    return Person(email=CLIENT, password=PASSWORD, name="Aino Asiakas")


@pytest.fixture()
def caseworker() -> Person:
    return Person(email=STAFF, password=PASSWORD, name="Maija Ohjaaja")


@pytest.fixture()
def people(aino: Person, caseworker: Person, make_client: Callable[[], str]) -> Any:
    """Who the page-state checks (states.py) sign in as."""
    from .states import People

    return People(aino=aino, caseworker=caseworker,
                  fresh=lambda: Person(email=make_client(), password=PASSWORD, name=FRESH_NAME),
                  new=lambda: Person(email=make_client(with_plan=False), password=PASSWORD, name=FRESH_NAME),
                  fresh_with_team=lambda: Person(email=make_client(team=True), password=PASSWORD, name=FRESH_NAME))


@pytest.fixture(autouse=True)
def _short_timeouts(request: pytest.FixtureRequest) -> None:
    """A missing element fails in 10 s, not 30: the suite stays quick even when it is red."""
    if "page" in request.fixturenames:
        request.getfixturevalue("page").set_default_timeout(10_000)


# --- checks ------------------------------------------------------------------------------------------------


@pytest.fixture()
def axe_check() -> Callable[[Page], None]:
    return assert_no_axe_violations
