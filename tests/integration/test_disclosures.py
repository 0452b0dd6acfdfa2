"""Small disclosures (issue 16, item 19): server software, the demo password in the log, the SQLite file's
permissions. (That gunicorn's Server header carries no version is checked in test_sign_in_race.py.)"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import sqlalchemy as sa

from portal import create_app, demo, migrate
from portal.config import PROJECT_ROOT
from portal.extensions import db

from ..conftest import TEST_CONFIG


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_seed_demo_does_not_print_the_password(tmp_path: Path) -> None:
    app = create_app({**TEST_CONFIG, "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}"})
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Demo data ready" in result.output
    assert demo.PASSWORD not in result.output
    with app.app_context():
        db.engine.dispose()


def test_a_new_sqlite_database_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    old_umask = os.umask(0o022)  # the usual: files readable by everyone unless made otherwise
    try:
        path = tmp_path / "made-by-the-app.sqlite3"
        app = create_app({**TEST_CONFIG, "DATABASE_URL": f"sqlite:///{path}"})
        with app.app_context():
            with db.engine.begin() as conn:
                conn.execute(sa.text("CREATE TABLE t (x INTEGER)"))
                conn.execute(sa.text("INSERT INTO t VALUES (1)"))
            assert _mode(path) == 0o600
            for companion in (Path(f"{path}-wal"), Path(f"{path}-shm")):
                if companion.exists():
                    assert _mode(companion) == 0o600, companion
            db.engine.dispose()
        migrated = tmp_path / "made-by-a-migration.sqlite3"
        migrate.upgrade(url=f"sqlite:///{migrated}")
        assert _mode(migrated) == 0o600
    finally:
        os.umask(old_umask)


def test_the_demo_is_not_served_by_werkzeugs_development_server() -> None:
    """Werkzeug's server names itself and Python with their versions in every answer (and is not made for
    serving); the demo uses gunicorn, as production does."""
    script = (PROJECT_ROOT / "scripts" / "demo").read_text()
    assert "gunicorn" in script
    assert " run " not in script.replace("\n", " ").split("seed-demo", 1)[1]
