"""Caseloads for the benchmark: the bench clients in the teams of employment-services areas of 500 clients each,
one caseworker (their contact person) per area, and the data categories, purposes and legal rules every
installation has. Made once per data set (a marker organisation says it is there)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

PER_AREA = 500
MARKER = "bench-teams"
CASEWORKER_EMAIL = "caseworker{n}@bench.example"


def ensure(url: str, log: Any = print) -> None:
    from portal import create_app, demo
    from portal.extensions import db

    app = create_app({"DATABASE_URL": url})
    with app.app_context():
        engine = db.engine
        with engine.connect() as conn:
            if conn.scalar(sa.text("SELECT 1 FROM organisations WHERE code = :c"), {"c": MARKER}):
                return
        demo.seed_reference()
        db.session.commit()
        with engine.begin() as conn:
            _generate(conn)
        engine.dispose()
    log("teams: every bench client is in an employment-services area of 500, each with its caseworker")


def _generate(conn: sa.Connection) -> None:
    kind = conn.scalar(sa.text("SELECT id FROM organisation_kinds WHERE code = 'employment_authority'"))
    password_hash = conn.scalar(sa.text("SELECT password_hash FROM users WHERE email LIKE 'client%@bench.example' "
                                        "LIMIT 1"))
    clients = [row[0] for row in conn.execute(sa.text(
        "SELECT id FROM users WHERE email LIKE 'client%@bench.example' ORDER BY email"))]
    organisations = sa.table("organisations", *(sa.column(c) for c in (
        "id", "code", "kind_id", "name_fi", "name_sv", "name_en", "active", "phone", "email", "address", "hours_fi",
        "hours_sv", "hours_en", "created_at", "updated_at")))
    users = sa.table("users", *(sa.column(c) for c in (
        "id", "email", "password_hash", "full_name", "role", "organisation_id", "locale", "active",
        "session_version", "created_at", "updated_at")))
    memberships = sa.table("team_memberships", *(sa.column(c) for c in (
        "id", "client_id", "organisation_id", "contact_person_id", "role_fi", "role_sv", "role_en", "started_at",
        "start_reason", "created_at", "updated_at")))
    now = datetime.now(UTC)
    for area, start in enumerate(range(0, len(clients), PER_AREA)):
        org_id, staff_id = uuid.uuid4(), uuid.uuid4()
        conn.execute(organisations.insert().values(
            id=org_id, code=f"bench-area-{area}", kind_id=kind, name_fi=f"Alue {area}", name_sv=f"Område {area}",
            name_en=f"Area {area}", active=True, phone="", email="", address="", hours_fi="", hours_sv="",
            hours_en="", created_at=now, updated_at=now))
        conn.execute(users.insert().values(
            id=staff_id, email=CASEWORKER_EMAIL.format(n=area), password_hash=password_hash,
            full_name=f"Ohjaaja {area}", role="caseworker", organisation_id=org_id, locale="fi", active=True,
            session_version=1, created_at=now, updated_at=now))
        conn.execute(memberships.insert(), [
            {"id": uuid.uuid4(), "client_id": client, "organisation_id": org_id, "contact_person_id": staff_id,
             "role_fi": "Yhteyshenkilösi", "role_sv": "Din kontaktperson", "role_en": "Your contact person",
             "started_at": now, "start_reason": "", "created_at": now, "updated_at": now}
            for client in clients[start:start + PER_AREA]])
    conn.execute(organisations.insert().values(
        id=uuid.uuid4(), code=MARKER, kind_id=kind, name_fi=MARKER, name_sv=MARKER, name_en=MARKER, active=False,
        phone="", email="", address="", hours_fi="", hours_sv="", hours_en="", created_at=now, updated_at=now))
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ANALYZE team_memberships")


def caseworkers(engine: sa.Engine, count: int) -> list[dict[str, Any]]:
    """Area caseworkers with one client of their own each: who the caseload and overview loads sign in as."""
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT u.id, u.session_version, (SELECT m.client_id FROM team_memberships m "
            " WHERE m.organisation_id = u.organisation_id LIMIT 1) AS client_id "
            "FROM users u WHERE u.email LIKE 'caseworker%@bench.example' ORDER BY u.email LIMIT :n"),
            {"n": count}).all()
    return [{"id": row.id, "session_version": row.session_version, "client_id": row.client_id} for row in rows]
