"""The booking scenario: many signed-in clients press "Book appointment" for a few slots at once.

Each client has a booking journey that has reached "Check your answers" (its answers in the database and its
id in the session cookie, as the question pages leave them) for one of a small set of slots, so many clients want each slot: real contention.
Every wrk request is one client's first and only press, so each request is either the one that gets the seat
(302 to the confirmation) or "this time was just taken" (409). Afterwards the database is asked how many seats
are held twice: that count must be 0.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

BENCH_TOPIC = "bench-booking"

_slots = sa.table(
    "appointment_slots", sa.column("id", sa.Uuid()), sa.column("organisation_id", sa.Uuid()),
    sa.column("service_id", sa.Uuid()), sa.column("staff_id", sa.Uuid()), sa.column("created_by_id", sa.Uuid()),
    sa.column("topic_fi"), sa.column("starts_at", sa.DateTime(timezone=True)),
    sa.column("ends_at", sa.DateTime(timezone=True)), sa.column("mode"), sa.column("location_fi"),
    sa.column("capacity"), sa.column("internal"), sa.column("status"), sa.column("withdrawn_at"),
    sa.column("created_at", sa.DateTime(timezone=True)), sa.column("updated_at", sa.DateTime(timezone=True)),
)

_answers = sa.table(
    "booking_answers", sa.column("id", sa.Uuid()), sa.column("client_id", sa.Uuid()), sa.column("answers", sa.JSON()),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)


def publish_slots(engine: sa.Engine, count: int) -> list[uuid.UUID]:
    """`count` fresh capacity-1 slots a week ahead, published by a bench caseworker (earlier runs' slots and
    their bookings are left alone: they are in the past of nothing and hurt no one)."""
    with engine.begin() as conn:
        staff = conn.execute(sa.text(
            "SELECT id, organisation_id FROM users WHERE email = 'staff0@bench.example'")).one()
        now = datetime.now(UTC).replace(second=0, microsecond=0)
        first = now + timedelta(days=7)
        rows = []
        for i in range(count):
            # far apart so that runs made minutes apart never share a start time
            starts = first + timedelta(minutes=5 * i, seconds=0)
            rows.append({
                "id": uuid.uuid4(), "organisation_id": staff.organisation_id, "service_id": None,
                "staff_id": staff.id, "created_by_id": staff.id, "topic_fi": BENCH_TOPIC, "starts_at": starts,
                "ends_at": starts + timedelta(minutes=30), "mode": "phone", "location_fi": "", "capacity": 1,
                "internal": False, "status": "published", "withdrawn_at": None, "created_at": now,
                "updated_at": now,
            })
        conn.execute(_slots.insert(), rows)
    return [row["id"] for row in rows]


def write_data_file(maker: Any, engine: sa.Engine, path: Path, clients: list[dict[str, Any]],
                    slots: list[uuid.UUID], seed: int) -> int:
    """Lines of "cookie<TAB>csrf token<TAB>idempotency key<TAB>slot id", one per client, slots dealt at random;
    each client's answers are written to booking_answers."""
    rng = random.Random(seed)
    lines, answers = [], []
    now = datetime.now(UTC)
    for client in clients:
        slot = rng.choice(slots)
        key = uuid.uuid4()
        answers.append({"id": key, "client_id": client["id"], "updated_at": now, "answers": {
            "choice": "", "day": "", "slot": str(slot), "interpreter": "no", "language": "", "other_needs": "",
            "needs_answered": True, "replaces": ""}})
        value, token = maker.make(client["id"], client["session_version"], booking=str(key))
        lines.append(f"{maker.cookie_name}={value}; lang={client['locale'] or 'fi'}\t{token}\t{key}\t{slot}\n")
    with engine.begin() as conn:
        conn.execute(_answers.insert(), answers)
    path.write_text("".join(lines))
    return len(lines)


def held_twice(engine: sa.Engine, slots: list[uuid.UUID]) -> dict[str, int]:
    """Bookings made for the bench slots, and how many seats ended up held by more than one booking."""
    with engine.connect() as conn:
        counts = conn.execute(
            sa.text("SELECT slot_id, count(*) AS n FROM appointments "
                    "WHERE status IN ('booked', 'attended', 'no_show') AND slot_id IN :ids GROUP BY slot_id")
            .bindparams(sa.bindparam("ids", expanding=True)),
            {"ids": slots},
        ).all()
    booked = sum(row.n for row in counts)
    return {"slots": len(slots), "slots_booked": len(counts), "bookings": booked,
            "double_bookings": sum(row.n - 1 for row in counts if row.n > 1)}
