"""Shared fixtures: one migrated database per run (SQLite or PostgreSQL), a savepoint per test.

Choose the database with TEST_DATABASE_URL (default: a fresh SQLite file). On PostgreSQL the schema is dropped
and migrated anew at the start of the run.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from portal import create_app, migrate
from portal.extensions import db

from .support.client import PortalClient
from .support.databases import seed_reference

# Signing in through a real OpenID Provider: the fixtures `op`, `national`, `known`, `staff_provider`.
pytest_plugins = ["tests.support.identification"]


def _database_url(tmp_root: Path) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_root / 'test.sqlite3'}"


def _fresh_schema(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    migrate.upgrade(url=url)
    seed_reference(url)


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="portal-tests-") as tmp:
        url = _database_url(Path(tmp))
        _fresh_schema(url)
        yield url


TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-not-for-production",
    "RATELIMIT_STORAGE_URI": "memory://",
    "SERVER_NAME": None,
    "PASSWORD_SIGN_IN": "all",  # most tests sign in with a password; tests/integration/identification the real way
    "IDENTIFIER_KEY": "test-identifier-key-not-for-production",
    # Tests speak plain http, as the local demo does (test_security_sign_in.py checks the secure default).
    "SESSION_COOKIE_SECURE": False,
}


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    keys = tmp_path_factory.mktemp("oidc-keys") / "oidc_keys.json"
    return create_app({**TEST_CONFIG, "DATABASE_URL": database_url, "OIDC_KEYS_FILE": str(keys)})


@pytest.fixture(autouse=True)
def _savepoint(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test runs in a transaction that is rolled back; the app's commits become savepoints."""
    if "app" not in request.fixturenames or request.node.get_closest_marker("e2e"):
        yield
        return
    app: Flask = request.getfixturevalue("app")
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        db.sessionmaker.configure(bind=connection, join_transaction_mode="create_savepoint")
        try:
            yield
        finally:
            db.sessionmaker.configure(bind=db.engine, join_transaction_mode="conservative_savepoint")
            outer.rollback()
            connection.close()


@pytest.fixture()
def client(app: Flask) -> PortalClient:
    app.test_client_class = PortalClient
    return app.test_client()  # type: ignore[return-value]


@pytest.fixture(autouse=True)
def _reset_rate_limits(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "app" in request.fixturenames:
        from portal.common import limits

        limits.reset(request.getfixturevalue("app"))
