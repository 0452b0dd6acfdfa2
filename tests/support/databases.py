"""A migrated database of a test module's own, for tests whose data must be committed for other connections
(live-server races, concurrent runs): a fresh SQLite file, or a fresh PostgreSQL database next to
TEST_DATABASE_URL's. Dropped at the end."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from portal import migrate


@contextmanager
def own_database(name: str) -> Iterator[str]:
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        with tempfile.TemporaryDirectory(prefix=f"portal-{name}-") as tmp:
            url = f"sqlite:///{tmp}/{name}.sqlite3"
            migrate.upgrade(url=url)
            seed_reference(url)
            yield url
        return
    database = f"portal_{name.replace('-', '_')}_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{database}"'))
    url = sa.engine.make_url(base).set(database=database).render_as_string(hide_password=False)
    try:
        migrate.upgrade(url=url)
        seed_reference(url)
        yield url
    finally:
        sa.create_engine(url).dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


def seed_reference(url: str) -> None:
    """Organisation kinds, data categories, purposes and legal rules, as every installation has them."""
    from portal import create_app, demo
    from portal.extensions import db

    app = create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": url})
    with app.app_context():
        demo.seed_reference()
        db.session.commit()
    with app.app_context():
        db.engine.dispose()
