"""The benchmark's data set: many clients, each with one agreed plan of N steps, on the real schema.

PostgreSQL is filled with COPY, SQLite with executemany through SQLAlchemy Core. Every client shares one
precomputed argon2 hash (nobody signs in during the benchmark: the cookies are made by the bench script).
Three extra clients have 5, 20 and 60 steps, for counting SQL queries per page.

A data set that is already there with the same number of clients is kept, so a re-run starts at once.
"""

from __future__ import annotations

import io
import random
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from portal import migrate
from portal.models import Base

MARKER_ORG = "bench-marker"
CLIENT_EMAIL = "client{n}@bench.example"
PROBE_EMAIL = "probe-{n}-steps@bench.example"
PROBE_STEP_COUNTS = (5, 20, 60)
CHUNK = 5000

FIRST_NAMES = ["Aino", "Eino", "Helmi", "Väinö", "Linnea", "Oliver", "Sofia", "Leo", "Ella", "Elias", "Bertil",
               "Chris", "Dana", "Matti", "Maija", "Kaisa", "Ahmed", "Fatima", "Olga", "Ivan"]
LAST_NAMES = ["Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine", "Heikkinen",
              "Koskinen", "Järvinen", "Lindqvist", "Andersson", "Smith", "Ali", "Ivanova"]
TITLES = {
    "fi": ["Päivitä CV", "Hae neljää työpaikkaa", "Käy terveystarkastuksessa", "Aloita työvalmennus",
           "Varaa aika kuntoutusselvitykseen", "Osallistu työnhaun valmennukseen", "Kysy kesätöitä lähikaupasta",
           "Selvitä velkaneuvonnan mahdollisuus", "Tee ammatinvalintatesti", "Hae kielikurssille"],
    "sv": ["Uppdatera ditt CV", "Sök fyra jobb", "Gå på hälsoundersökningen", "Börja med arbetscoachning",
           "Boka tid för rehabiliteringsutredning", "Delta i jobbsökarträningen", "Fråga butiken om sommarjobb",
           "Ta reda på om skuldrådgivning", "Gör ett yrkesvalstest", "Sök till en språkkurs"],
    "en": ["Update your CV", "Apply for four jobs", "Go to the health check", "Start work coaching",
           "Book a rehabilitation assessment", "Take part in job-search coaching", "Ask the shop about summer work",
           "Find out about debt advice", "Take a career test", "Apply for a language course"],
}
GOALS = {
    "fi": "Haluan löytää osa-aikatyön kaupan alalta ja saada arjen rytmin kuntoon.",
    "sv": "Jag vill hitta ett deltidsjobb inom handeln och få ordning på vardagen.",
    "en": "I want to find part-time work in retail and get a steady daily rhythm.",
}
ORGS = [
    ("employment_authority", "Vantaan työllisyyspalvelut", "Vanda sysselsättningstjänster", "Vantaa Employment Services"),
    ("wellbeing_county", "Vantaan ja Keravan hyvinvointialue", "Vanda och Kervo välfärdsområde",
     "Vantaa and Kerava Wellbeing Services County"),
    ("kela", "Kela", "FPA", "Kela"),
    ("service_provider", "Polku-valmennus ry", "Polku-coachning rf", "Polku Coaching Association"),
    ("employment_authority", "Helsingin työllisyyspalvelut", "Helsingfors sysselsättningstjänster",
     "Helsinki Employment Services"),
    ("wellbeing_county", "Itä-Uudenmaan hyvinvointialue", "Östra Nylands välfärdsområde",
     "Eastern Uusimaa Wellbeing Services County"),
]
KINDS = {
    "employment_authority": ("Työllisyysviranomainen", "Sysselsättningsmyndighet", "Employment authority"),
    "wellbeing_county": ("Hyvinvointialue", "Välfärdsområde", "Wellbeing services county"),
    "kela": ("Kela", "FPA", "Kela"),
    "service_provider": ("Palveluntuottaja", "Tjänsteproducent", "Service provider"),
}


def _tables() -> dict[str, sa.Table]:
    return dict(Base.metadata.tables)


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in the URL when it is missing (SQLite makes its own file)."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database})
        if not exists:
            conn.exec_driver_sql(f'CREATE DATABASE "{parsed.database}"')
    admin.dispose()


def existing(engine: sa.Engine) -> tuple[int, int] | None:
    """(clients, steps per client) of the bench data set in the database, or None when it has none.
    The marker organisation is written last, so an interrupted generation counts as none."""
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("users"):
            return None
        marker = conn.scalar(sa.text("SELECT name_en FROM organisations WHERE code = :c"), {"c": MARKER_ORG})
        if not marker or not str(marker).startswith("steps="):
            return None
        clients = conn.scalar(sa.text("SELECT count(*) FROM users WHERE email LIKE 'client%@bench.example'"))
        return int(clients or 0), int(str(marker).removeprefix("steps="))


def _reset_schema(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
    if engine.dialect.name == "sqlite":
        database = engine.url.database
        engine.dispose()
        if database:
            import pathlib

            for suffix in ("", "-wal", "-shm"):
                pathlib.Path(database + suffix).unlink(missing_ok=True)


def ensure(url: str, clients: int, steps: int = 20, force: bool = False, log: Any = print) -> dict[str, Any]:
    """Make sure the database at `url` holds the bench data set; returns what is in it."""
    ensure_database(url)
    engine = sa.create_engine(url)
    found = None if force else existing(engine)
    if found == (clients, steps):
        engine.dispose()
        migrate.upgrade(url=url)  # the schema may have moved on since the data was made
        log(f"dataset: {clients} clients already there, kept (schema upgraded to head)")
        return {"clients": clients, "steps_per_client": steps, "generated": False}
    log(f"dataset: generating {clients} clients x {steps} steps ({engine.dialect.name})")
    _reset_schema(engine)
    engine.dispose()
    migrate.upgrade(url=url)
    engine = sa.create_engine(url)
    started = time.perf_counter()
    counts = _generate(engine, clients, steps)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    log(f"dataset: {counts} in {time.perf_counter() - started:.0f} s")
    return {"clients": clients, "steps_per_client": steps, "generated": True, "rows": counts}


def _generate(engine: sa.Engine, clients: int, steps: int) -> dict[str, int]:
    from portal.auth.passwords import hash_password

    rng = random.Random(20261125)
    now = datetime.now(UTC)
    today = now.date()
    password_hash = hash_password("bench-password-not-used")
    kinds = {code: uuid.uuid4() for code in KINDS}
    orgs = [(uuid.uuid4(), f"bench-org-{i}", *row) for i, row in enumerate(ORGS)]
    rows: dict[str, list[dict[str, Any]]] = {
        "organisation_kinds": [
            {"id": kid, "code": code, "name_fi": n[0], "name_sv": n[1], "name_en": n[2]}
            for code, kid in kinds.items() for n in [KINDS[code]]
        ],
        "organisations": [
            {"id": oid, "code": code, "kind_id": kinds[kind], "active": True, "succeeded_by_id": None,
             "name_fi": fi, "name_sv": sv, "name_en": en, "created_at": now, "updated_at": now}
            for oid, code, kind, fi, sv, en in orgs
        ],
    }
    staff = []
    for i in range(10):
        staff.append({
            "id": uuid.uuid4(), "email": f"staff{i}@bench.example", "password_hash": password_hash,
            "full_name": f"Caseworker {i}", "role": "caseworker", "organisation_id": orgs[i % len(orgs)][0],
            "phone": None, "locale": "fi", "active": True, "session_version": 1, "last_sign_in_at": None,
            "created_at": now, "updated_at": now,
        })
    rows["users"] = staff
    counts: dict[str, int] = {}
    with engine.begin() as conn:
        writer = _writer(conn)
        for table, data in rows.items():
            writer(table, data)
            counts[table] = len(data)

    people = [(CLIENT_EMAIL.format(n=n), steps) for n in range(clients)]
    people += [(PROBE_EMAIL.format(n=k), k) for k in PROBE_STEP_COUNTS]
    org_ids = [o[0] for o in orgs]
    for start in range(0, len(people), CHUNK):
        users, plans, plan_steps, events = [], [], [], []
        for email, n_steps in people[start:start + CHUNK]:
            locale = rng.choice(("fi", "fi", "fi", "sv", "en"))
            uid, pid = uuid.uuid4(), uuid.uuid4()
            agreed = now - timedelta(days=rng.randint(20, 200))
            users.append({
                "id": uid, "email": email, "password_hash": password_hash,
                "full_name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", "role": "client",
                "organisation_id": None, "phone": None, "locale": locale, "active": True, "session_version": 1,
                "last_sign_in_at": None, "created_at": agreed, "updated_at": agreed,
            })
            plans.append({
                "id": pid, "client_id": uid, "version": 1, "status": "agreed", "goals": GOALS[locale],
                "agreed_at": agreed, "created_at": agreed, "updated_at": agreed,
            })
            caseworker = rng.choice(staff)["id"]
            for position in range(1, n_steps + 1):
                own = rng.random() < 0.15
                roll = rng.random()
                status = "done" if roll < 0.3 else "cant_do" if roll < 0.35 else "todo"
                days = rng.randint(-30, 90) if rng.random() < 0.85 else None
                changed = now - timedelta(days=rng.randint(1, 19), seconds=rng.randint(0, 86400)) \
                    if status != "todo" else None
                sid = uuid.uuid4()
                author = uid if own else caseworker
                plan_steps.append({
                    "id": sid, "plan_id": pid, "position": position, "title": rng.choice(TITLES[locale]),
                    "description": "", "responsible_organisation_id": None if own else rng.choice(org_ids),
                    "service_id": None, "due_date": today + timedelta(days=days) if days is not None else None,
                    "added_by_id": author, "added_by_role": "client" if own else "staff", "status": status,
                    "status_changed_at": changed, "cant_do_reason": "transport" if status == "cant_do" else None,
                    "cant_do_detail": None, "created_at": agreed, "updated_at": changed or agreed,
                })
                events.append({
                    "id": uuid.uuid4(), "step_id": sid, "at": agreed, "actor_id": author, "kind": "created",
                    "from_status": None, "to_status": "todo", "reason": None, "detail": None,
                })
        with engine.begin() as conn:
            writer = _writer(conn)
            for table, data in (("users", users), ("plans", plans), ("plan_steps", plan_steps),
                                ("plan_step_events", events)):
                writer(table, data)
                counts[table] = counts.get(table, 0) + len(data)
    with engine.begin() as conn:
        _writer(conn)("organisations", [{
            "id": uuid.uuid4(), "code": MARKER_ORG, "kind_id": kinds["kela"], "active": False,
            "succeeded_by_id": None, "name_fi": "bench", "name_sv": "bench", "name_en": f"steps={steps}",
            "created_at": now, "updated_at": now,
        }])
    return counts


def _writer(conn: sa.Connection) -> Any:
    tables = _tables()
    if conn.dialect.name != "postgresql":
        def insert(table: str, data: list[dict[str, Any]]) -> None:
            if data:
                conn.execute(tables[table].insert(), data)
        return insert

    raw = conn.connection.driver_connection

    def copy(table: str, data: list[dict[str, Any]]) -> None:
        if not data:
            return
        columns = list(data[0])
        buffer = io.StringIO()
        for row in data:
            buffer.write("\t".join(_pg_text(row[c]) for c in columns))
            buffer.write("\n")
        with raw.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as out:
                out.write(buffer.getvalue())
    return copy


def _pg_text(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def sample_clients(engine: sa.Engine, count: int, seed: int = 1) -> list[dict[str, Any]]:
    """`count` random bench clients: id, session version, locale and the ids of their steps still to do."""
    with engine.connect() as conn:
        total = int(conn.scalar(sa.text("SELECT count(*) FROM users WHERE email LIKE 'client%@bench.example'")))
        rng = random.Random(seed)
        picked = rng.sample(range(total), min(count, total))
        emails = [CLIENT_EMAIL.format(n=n) for n in picked]
        found: list[dict[str, Any]] = []
        users = sa.table("users", sa.column("id", sa.Uuid()), sa.column("email"), sa.column("session_version"),
                         sa.column("locale"))
        plans = sa.table("plans", sa.column("id", sa.Uuid()), sa.column("client_id", sa.Uuid()))
        steps = sa.table("plan_steps", sa.column("id", sa.Uuid()), sa.column("plan_id", sa.Uuid()),
                         sa.column("status"))
        for start in range(0, len(emails), 1000):
            stmt = (
                sa.select(users.c.id, users.c.session_version, users.c.locale, steps.c.id.label("step_id"),
                          steps.c.status)
                .join(plans, plans.c.client_id == users.c.id)
                .join(steps, steps.c.plan_id == plans.c.id)
                .where(users.c.email.in_(emails[start:start + 1000]))
            )
            by_user: dict[uuid.UUID, dict[str, Any]] = {}
            for row in conn.execute(stmt):
                entry = by_user.setdefault(row.id, {"id": row.id, "session_version": row.session_version,
                                                    "locale": row.locale, "todo_steps": []})
                if row.status == "todo":
                    entry["todo_steps"].append(row.step_id)
            found.extend(by_user.values())
        return found


def probe_clients(engine: sa.Engine) -> dict[int, dict[str, Any]]:
    """The clients with 5, 20 and 60 steps, by step count."""
    out = {}
    with engine.connect() as conn:
        for k in PROBE_STEP_COUNTS:
            row = conn.execute(sa.text("SELECT id, session_version FROM users WHERE email = :e"),
                               {"e": PROBE_EMAIL.format(n=k)}).one()
            out[k] = {"id": uuid.UUID(str(row.id)) if not isinstance(row.id, uuid.UUID) else row.id,
                      "session_version": row.session_version}
    return out
