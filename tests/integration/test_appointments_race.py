"""50 people press "Book appointment" for the same time at once, against a real threaded server.

Exactly one gets the time; everyone else gets the friendly "just taken" page with other times; nobody gets a
server error. The data has to be committed for other connections to see it, so this test has a database of its
own (a fresh SQLite file, or a fresh PostgreSQL database next to TEST_DATABASE_URL's), dropped at the end.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
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
from portal.models import Appointment, Organisation, OrganisationKind, Slot, TeamMembership, User, utcnow

from ..conftest import TEST_CONFIG
from ..support.databases import own_database
from ..support.factories import _HASH, PASSWORD

PEOPLE = 50


@pytest.fixture(scope="module")
def race_database_url() -> Iterator[str]:
    with own_database("race") as url:
        yield url


@dataclass
class World:
    base_url: str
    app: object
    slot_id: uuid.UUID
    emails: list[str]


@pytest.fixture(scope="module")
def world(race_database_url: str) -> Iterator[World]:
    app = create_app({**TEST_CONFIG, "DATABASE_URL": race_database_url,
                      "WTF_CSRF_SSL_STRICT": False})  # sign-ins succeed, so the login limits never bite
    with app.app_context():
        kind = OrganisationKind(code="race-kind", name_fi="Laji", name_sv="Typ", name_en="Kind")
        db.session.add(kind)
        db.session.flush()
        org = Organisation(code="race-org", kind_id=kind.id, name_fi="Virasto", name_sv="Verket", name_en="Agency")
        db.session.add(org)
        db.session.flush()
        staff = User(email="race-staff@example.test", full_name="Staff", role="caseworker",
                     organisation_id=org.id, password_hash=_HASH)
        db.session.add(staff)
        db.session.flush()
        starts = (utcnow() + timedelta(days=3)).replace(second=0, microsecond=0)
        slot = Slot(organisation_id=org.id, staff_id=staff.id, created_by_id=staff.id, starts_at=starts,
                    ends_at=starts + timedelta(minutes=45), location_fi="Room 1")
        nearby = Slot(organisation_id=org.id, staff_id=staff.id, created_by_id=staff.id,
                      starts_at=starts + timedelta(hours=1), ends_at=starts + timedelta(hours=1, minutes=45))
        db.session.add_all([slot, nearby])
        emails = [f"racer{i}@example.test" for i in range(PEOPLE)]
        racers = [User(email=e, full_name=f"Racer {i}", role="client", password_hash=_HASH, locale="en")
                  for i, e in enumerate(emails)]
        db.session.add_all(racers)
        db.session.flush()
        # the staff member's organisation works with the racers (it may book them in)
        db.session.add_all(TeamMembership(client_id=racer.id, organisation_id=org.id) for racer in racers)
        db.session.commit()
        slot_id = slot.id
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield World(f"http://127.0.0.1:{server.server_port}", app, slot_id, emails)
    finally:
        server.shutdown()
        with app.app_context():
            db.engine.dispose()


CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def _token(html: str) -> str:
    found = CSRF.search(html)
    assert found, html[:500]
    return found.group(1)


def _ready_to_confirm(world: World, email: str, day: str) -> tuple[requests.Session, dict[str, str]]:
    """Sign in and answer every question, stopping on the check-answers page."""
    s = requests.Session()
    s.cookies.set("lang", "en")
    token = _token(s.get(f"{world.base_url}/sign-in").text)
    r = s.post(f"{world.base_url}/sign-in", data={"csrf_token": token, "email": email, "password": PASSWORD},
               allow_redirects=False)
    assert r.status_code == 302, r.text[:500]
    page = s.get(f"{world.base_url}/appointments/book").text
    choice = re.search(r'name="what" value="([^"]+)"', page)
    assert choice, page[:2000]
    token = _token(page)
    for path, data in (("/appointments/book", {"what": choice.group(1)}),
                       ("/appointments/book/day", {"day": day}),
                       ("/appointments/book/time", {"slot": str(world.slot_id)}),
                       ("/appointments/book/needs", {"interpreter": "no"})):
        r = s.post(world.base_url + path, data={"csrf_token": token, **data}, allow_redirects=False)
        assert r.status_code == 302, (path, r.status_code, r.text[:1000])
    page = s.get(f"{world.base_url}/appointments/book/check").text
    key = re.search(r'name="idempotency_key" type="hidden" value="([^"]+)"', page)
    slot = re.search(r'name="slot_id" type="hidden" value="([^"]+)"', page)
    assert key and slot, page[:2000]
    return s, {"csrf_token": _token(page), "idempotency_key": key.group(1), "slot_id": slot.group(1)}


def test_fifty_people_book_the_same_time_at_once(world: World) -> None:
    with world.app.app_context():  # type: ignore[attr-defined]
        day = local_day(db.session.get(Slot, world.slot_id).starts_at).isoformat()
    # Getting ready is not the race: a few at a time (on SQLite each sign-in holds the write lock while it
    # checks the password).
    with ThreadPoolExecutor(max_workers=3) as pool:
        ready = list(pool.map(lambda e: _ready_to_confirm(world, e, day), world.emails))

    start = threading.Barrier(PEOPLE)

    def press(args: tuple[requests.Session, dict[str, str]]) -> tuple[int, str]:
        session, data = args
        start.wait()
        r = session.post(f"{world.base_url}/appointments/book/check", data=data, allow_redirects=False,
                         timeout=60)
        return r.status_code, r.text

    with ThreadPoolExecutor(max_workers=PEOPLE) as pool:
        results = list(pool.map(press, ready))

    statuses = Counter(status for status, _ in results)
    print(f"\nrace: {PEOPLE} requests, status codes {dict(statuses)}")
    assert not [s for s in statuses if s >= 500], statuses
    assert statuses[302] == 1, statuses
    assert statuses[409] == PEOPLE - 1, statuses
    for status, body in results:
        if status == 409:
            assert "Sorry, this time was just taken" in body
            assert "Here are the nearest free times" in body
    with world.app.app_context():  # type: ignore[attr-defined]
        booked = db.session.scalar(select(func.count()).select_from(Appointment)
                                   .where(Appointment.slot_id == world.slot_id))
    print(f"race: bookings for the slot: {booked}")
    assert booked == 1
