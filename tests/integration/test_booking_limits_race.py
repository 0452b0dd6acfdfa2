"""One client presses "Book appointment" in 50 windows at once, against a real threaded server (issue 16, item
13): for the same time, for 50 times at the same moment, and for 50 different times of one organisation.

Exactly one booking, one, and the cap (3) get through; every other press gets a clear 409, nobody a server
error. The database refuses the rest even if two requests passed the check at once (migration 0004), and on
PostgreSQL a client's bookings wait for each other on the client's row. The data has to be committed for the
other connections, so this module has a database of its own, dropped at the end.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select
from werkzeug.serving import make_server

from portal import create_app
from portal.appointments.times import local_day
from portal.extensions import db
from portal.models import Appointment, Organisation, OrganisationKind, Slot, User, utcnow

from ..conftest import TEST_CONFIG
from ..support.databases import own_database
from ..support.factories import _HASH, PASSWORD

WINDOWS = 50
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@dataclass
class World:
    base_url: str
    app: object
    organisation_id: uuid.UUID
    staff_id: uuid.UUID


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with own_database("booking-limits") as url:
        app = create_app({**TEST_CONFIG, "DATABASE_URL": url})
        with app.app_context():
            kind = OrganisationKind(code="limits-kind", name_fi="Laji", name_sv="Typ", name_en="Kind")
            db.session.add(kind)
            db.session.flush()
            org = Organisation(code="limits-org", kind_id=kind.id, name_fi="Virasto", name_sv="Verket",
                               name_en="Agency")
            db.session.add(org)
            db.session.flush()
            staff = User(email="limits-staff@example.test", full_name="Staff", role="caseworker",
                         organisation_id=org.id, password_hash=_HASH)
            db.session.add(staff)
            db.session.commit()
            ids = (org.id, staff.id)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield World(f"http://127.0.0.1:{server.server_port}", app, *ids)
        finally:
            server.shutdown()
            with app.app_context():
                db.engine.dispose()


@dataclass(frozen=True)
class SlotRef:
    id: uuid.UUID
    organisation_id: uuid.UUID
    starts_at: object


def _setup(world: World, make_slots: Callable[[], list[tuple[object, int]]]) -> tuple[uuid.UUID, list[SlotRef]]:
    """A new client, and the slots (starts_at, capacity) to book, committed."""
    with world.app.app_context():  # type: ignore[attr-defined]
        client = User(email=f"limits-{uuid.uuid4().hex[:8]}@example.test", full_name="Racing Client", role="client",
                      password_hash=_HASH, locale="en")
        db.session.add(client)
        slots = [Slot(id=uuid.uuid4(), organisation_id=world.organisation_id, staff_id=world.staff_id,
                      created_by_id=world.staff_id, starts_at=starts, ends_at=starts + timedelta(minutes=45),
                      capacity=capacity, location="Room 1") for starts, capacity in make_slots()]
        db.session.add_all(slots)
        db.session.flush()
        refs = [SlotRef(slot.id, slot.organisation_id, slot.starts_at) for slot in slots]
        client_id = client.id
        db.session.commit()
        return client_id, refs


def _token(html: str) -> str:
    found = CSRF.search(html)
    assert found, html[:500]
    return found.group(1)


def _ready(world: World, email: str, slot: SlotRef) -> tuple[requests.Session, dict[str, str]]:
    """A window of its own (a session of its own, signed in as the client), stopped on the check page."""
    s = requests.Session()
    s.cookies.set("lang", "en")
    token = _token(s.get(f"{world.base_url}/sign-in").text)
    r = s.post(f"{world.base_url}/sign-in", data={"csrf_token": token, "email": email, "password": PASSWORD},
               allow_redirects=False)
    assert r.status_code == 302, r.text[:500]
    token = _token(s.get(f"{world.base_url}/appointments/book").text)
    for path, data in (("/appointments/book", {"what": f"{slot.organisation_id}:"}),
                       ("/appointments/book/day", {"day": local_day(slot.starts_at).isoformat()}),
                       ("/appointments/book/time", {"slot": str(slot.id)}),
                       ("/appointments/book/needs", {"interpreter": "no"})):
        r = s.post(world.base_url + path, data={"csrf_token": token, **data}, allow_redirects=False)
        assert r.status_code == 302, (path, r.status_code, r.text[:1000])
    page = s.get(f"{world.base_url}/appointments/book/check").text
    key = re.search(r'name="idempotency_key" type="hidden" value="([^"]+)"', page)
    assert key, page[:2000]
    return s, {"csrf_token": _token(page), "idempotency_key": key.group(1), "slot_id": str(slot.id)}


def _press_at_once(world: World, client_id: uuid.UUID, slots: list[SlotRef]) -> tuple[Counter[int], list[str], int]:
    with world.app.app_context():  # type: ignore[attr-defined]
        email = db.session.get(User, client_id).email  # type: ignore[union-attr]
    with ThreadPoolExecutor(max_workers=3) as pool:  # getting ready is not the race
        ready = list(pool.map(lambda slot: _ready(world, email, slot), slots))
    start = threading.Barrier(len(ready))

    def press(args: tuple[requests.Session, dict[str, str]]) -> tuple[int, str]:
        session, data = args
        start.wait()
        r = session.post(f"{world.base_url}/appointments/book/check", data=data, allow_redirects=False, timeout=120)
        return r.status_code, r.text

    with ThreadPoolExecutor(max_workers=len(ready)) as pool:
        results = list(pool.map(press, ready))
    with world.app.app_context():  # type: ignore[attr-defined]
        booked = db.session.scalar(select(func.count()).select_from(Appointment).where(
            Appointment.client_id == client_id, Appointment.status == "booked")) or 0
    return Counter(status for status, _ in results), [body for status, body in results if status == 409], booked


def test_fifty_windows_book_the_same_time_once(world: World) -> None:
    starts = (utcnow() + timedelta(days=3)).replace(second=0, microsecond=0)
    client_id, slots = _setup(world, lambda: [(starts, 50)])
    statuses, refusals, booked = _press_at_once(world, client_id, slots * WINDOWS)
    print(f"\nsame time: {WINDOWS} presses, status codes {dict(statuses)}, booked {booked}")
    assert statuses == {302: 1, 409: WINDOWS - 1}
    assert booked == 1
    assert all("You have already booked this time" in body for body in refusals)


def test_fifty_windows_book_fifty_times_at_the_same_moment_once(world: World) -> None:
    starts = (utcnow() + timedelta(days=4)).replace(second=0, microsecond=0)
    client_id, slots = _setup(world, lambda: [(starts, 1)] * WINDOWS)
    statuses, refusals, booked = _press_at_once(world, client_id, slots)
    print(f"\noverlapping times: {WINDOWS} presses, status codes {dict(statuses)}, booked {booked}")
    assert statuses == {302: 1, 409: WINDOWS - 1}
    assert booked == 1
    assert all("You already have an appointment at that time" in body for body in refusals)


def test_fifty_windows_book_fifty_different_times_up_to_the_cap(world: World) -> None:
    first = (utcnow() + timedelta(days=5)).replace(second=0, microsecond=0)
    client_id, slots = _setup(world, lambda: [(first + timedelta(hours=n), 1) for n in range(WINDOWS)])
    statuses, refusals, booked = _press_at_once(world, client_id, slots)
    print(f"\ndifferent times: {WINDOWS} presses, status codes {dict(statuses)}, booked {booked}")
    cap = world.app.config["MAX_UPCOMING_PER_ORGANISATION"]  # type: ignore[attr-defined]
    assert statuses == {302: cap, 409: WINDOWS - cap}
    assert booked == cap
    assert all("You cannot book more appointments with" in body for body in refusals)


def test_the_database_alone_lets_one_of_fifty_overlapping_inserts_through(world: World) -> None:
    """Without the app's check: 50 connections insert an overlapping booked appointment of one client at once."""
    import sqlalchemy as sa
    from sqlalchemy.exc import IntegrityError, OperationalError

    starts = (utcnow() + timedelta(days=6)).replace(second=0, microsecond=0)
    client_id, slots = _setup(world, lambda: [(starts + timedelta(minutes=n % 30), 1) for n in range(WINDOWS)])
    with world.app.app_context():  # type: ignore[attr-defined]
        url = db.engine.url
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    table = Appointment.__table__
    start = threading.Barrier(WINDOWS)

    def insert(slot: SlotRef) -> str:
        start.wait()
        try:
            with engine.begin() as conn:
                conn.execute(table.insert().values(
                    id=uuid.uuid4(), slot_id=slot.id, seat=1, client_id=client_id, status="booked",
                    booked_by_id=client_id, booked_by_role="client"))
        except IntegrityError:
            return "refused"
        except OperationalError as error:  # SQLite's busy time-out would be a test problem, not a pass
            return f"error: {error.orig}"
        return "inserted"

    with ThreadPoolExecutor(max_workers=WINDOWS) as pool:
        outcomes = Counter(pool.map(insert, slots))
    engine.dispose()
    print(f"\ndatabase alone: {WINDOWS} overlapping inserts, {dict(outcomes)}")
    assert outcomes == {"inserted": 1, "refused": WINDOWS - 1}
