"""The "viewed" scenario's data: clients whose "Who viewed my data" page (GET /sharing/log) is loaded, one with
10,000 access-log rows (the one wrk loads) and one with 10 (to show the page costs the same number of queries
whatever the log's size). Made beside the plan data set (bench/dataset.py), in the same database, and kept
between runs: made again only when missing.

Each client is in the team of three bench organisations; their caseworkers read the client's plan, and one of
them was refused once in a while, as portal.access would have logged it.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.dataset import _writer

SIZES = {"large": 10_000, "small": 10}
EMAIL = "viewed-{rows}@bench.example"


def _reference(url: str) -> None:
    """The installation's data categories, purposes and legal rules (the plan data set has none)."""
    from portal import create_app, demo
    from portal.extensions import db

    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": url})
    with app.app_context():
        demo.seed_reference()
        db.session.commit()
    with app.app_context():
        db.engine.dispose()


def ensure(url: str, log: Any = print) -> dict[str, dict[str, Any]]:
    """The viewed clients (made if missing): id, session version and rows, by size."""
    engine = sa.create_engine(url)
    out: dict[str, dict[str, Any]] = {}
    try:
        for size, rows in SIZES.items():
            found = _client(engine, rows)
            if found is None:
                _reference(url)
                log(f"viewed: making a client with {rows:,} access-log rows")
                _make(engine, rows)
                _analyze(engine)
                found = _client(engine, rows)
                assert found is not None
            out[size] = found
    finally:
        engine.dispose()
    return out


def _client(engine: sa.Engine, rows: int) -> dict[str, Any] | None:
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT id, session_version FROM users WHERE email = :e"),
                           {"e": EMAIL.format(rows=rows)}).one_or_none()
        if row is None:
            return None
        client_id = row.id if isinstance(row.id, uuid.UUID) else uuid.UUID(str(row.id))
        count = conn.scalar(sa.text("SELECT count(*) FROM access_log WHERE client_id = :c"), {"c": client_id})
        if count != rows:
            return None
    return {"id": client_id, "session_version": row.session_version, "rows": rows}


def _make(engine: sa.Engine, rows: int) -> None:
    now = datetime.now(UTC)
    with engine.begin() as conn:
        orgs = conn.execute(sa.text(
            "SELECT o.id, min(u.id::text) AS staff FROM organisations o JOIN users u ON u.organisation_id = o.id "
            "WHERE o.code LIKE 'bench-org-%' GROUP BY o.id ORDER BY o.id LIMIT 3"
            if engine.dialect.name == "postgresql" else
            "SELECT o.id, min(u.id) AS staff FROM organisations o JOIN users u ON u.organisation_id = o.id "
            "WHERE o.code LIKE 'bench-org-%' GROUP BY o.id ORDER BY o.id LIMIT 3")).all()
        category = conn.scalar(sa.text("SELECT id FROM data_categories WHERE code = 'plan'"))
        refused = conn.scalar(sa.text("SELECT id FROM data_categories WHERE code = 'work_ability'"))
        purpose = conn.scalar(sa.text("SELECT id FROM purposes WHERE code = 'plan_services'"))
        password = conn.scalar(sa.text("SELECT password_hash FROM users WHERE email LIKE 'staff%@bench.example' "
                                       "LIMIT 1"))
        client_id = uuid.uuid4()
        conn.execute(sa.text("DELETE FROM users WHERE email = :e AND NOT EXISTS "
                             "(SELECT 1 FROM access_log WHERE client_id = users.id)"), {"e": EMAIL.format(rows=rows)})
        write = _writer(conn)
        write("users", [{
            "id": client_id, "email": EMAIL.format(rows=rows), "password_hash": password,
            "full_name": f"Viewed {rows}", "role": "client", "organisation_id": None, "phone": None, "locale": "fi",
            "active": True, "session_version": 1, "last_sign_in_at": None, "created_at": now, "updated_at": now}])
        write("team_memberships", [{
            "id": uuid.uuid4(), "client_id": client_id, "organisation_id": _uuid(org_id),
            "contact_person_id": _uuid(staff), "role_fi": "Yhteyshenkilö", "role_sv": "Kontaktperson",
            "role_en": "Contact person", "started_at": now - timedelta(days=400), "started_by_id": None,
            "start_reason": "bench", "ended_at": None, "ended_by_id": None, "end_reason": None,
            "created_at": now, "updated_at": now} for org_id, staff in orgs])
        entries = []
        for i in range(rows):
            org_id, staff = orgs[i % len(orgs)]
            refusal = i % 10 == 0
            entries.append({
                "id": uuid.uuid4(), "at": now - timedelta(minutes=37 * i), "client_id": client_id,
                "staff_id": _uuid(staff), "organisation_id": _uuid(org_id),
                "category_id": refused if refusal else category, "purpose_id": purpose,
                "outcome": "refused" if refusal else "allowed", "basis": "not_shared" if refusal else "controller",
                "consent_id": None, "legal_rule_id": None})
        write("access_log", entries)


def _analyze(engine: sa.Engine) -> None:
    """Fresh statistics and visibility map for the new rows, as autovacuum would leave them."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE access_log")
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def write_data_file(maker: Any, path: Path, client: dict[str, Any], lines: int = 50) -> int:
    """wrk's "page" lines for the viewed client: the same client's cookie, made anew on each line."""
    out = []
    for _ in range(lines):
        value, token = maker.make(client["id"], client["session_version"])
        out.append(f"{maker.cookie_name}={value}; lang=fi\t{token}\t-\n")
    path.write_text("".join(out))
    return len(out)


def count_queries(app: Any, maker: Any, clients: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """SQL statements per "Who viewed my data" page, in-process, for the 10- and the 10,000-row client, on the
    first page and (for the large one) a deep one."""
    from sqlalchemy import event

    from portal.extensions import db

    statements: list[str] = []

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    out: dict[str, Any] = {"page": {}}
    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        client = app.test_client()
        probes = [("small", "/sharing/log"), ("large", "/sharing/log"), ("large", "/sharing/log?page=300")]
        for size, path in probes:
            value, _ = maker.make(clients[size]["id"], clients[size]["session_version"])
            client.set_cookie(maker.cookie_name, value)
            client.get(path)  # the first request of a process also compiles templates and SQL
            statements.clear()
            response = client.get(path)
            shown = response.get_data(as_text=True).count('<li class="log-entry ')
            wanted = min(clients[size]["rows"], 25)
            if response.status_code != 200 or shown != wanted:
                raise SystemExit(f"{path} of the {clients[size]['rows']}-row client: HTTP {response.status_code}, "
                                 f"{shown} entries shown, {wanted} wanted")
            out["page"][f"{clients[size]['rows']:,} rows, {path}"] = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)
    counts = set(out["page"].values())
    out["constant"] = len(counts) == 1
    out["per_page"] = max(counts)
    return out
