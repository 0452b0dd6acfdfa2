"""The same appointment moved (or cancelled) from many browser tabs at once, against a real threaded server.

Each tab has prepared its own move to a different free time, so the seat guard of the new times cannot stop a
second move: only the guarded status change of the old appointment (… WHERE status = 'booked') can. Exactly one
change wins; every other tab is told "That appointment was already cancelled or moved, so nothing was changed."
and nobody gets a server error. Like test_appointments_race.py, this needs committed data, so it has a database
of its own (a fresh SQLite file, or a fresh PostgreSQL database next to TEST_DATABASE_URL's), dropped at the end.
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
from portal.models import (
    Appointment,
    AppointmentEvent,
    Organisation,
    OrganisationKind,
    ReminderOutbox,
    Slot,
    TeamNotice,
    User,
    utcnow,
)

from ..conftest import TEST_CONFIG
from ..support.databases import own_database
from ..support.factories import _HASH, PASSWORD

TABS = 10
ALREADY_CHANGED = "That appointment was already cancelled or moved, so nothing was changed."


@pytest.fixture(scope="module")
def race_database_url() -> Iterator[str]:
    with own_database("move-race") as url:
        yield url


@dataclass
class World:
    base_url: str
    app: object
    organisation_id: uuid.UUID
    staff_id: uuid.UUID
    client_id: uuid.UUID
    email: str


@pytest.fixture(scope="module")
def world(race_database_url: str) -> Iterator[World]:
    app = create_app({**TEST_CONFIG, "DATABASE_URL": race_database_url,
                      "WTF_CSRF_SSL_STRICT": False})
    with app.app_context():
        kind = OrganisationKind(code="move-race-kind", name_fi="Laji", name_sv="Typ", name_en="Kind")
        db.session.add(kind)
        db.session.flush()
        org = Organisation(code="move-race-org", kind_id=kind.id, name_fi="Virasto", name_sv="Verket",
                           name_en="Agency")
        db.session.add(org)
        db.session.flush()
        staff = User(email="move-race-staff@example.test", full_name="Staff", role="caseworker",
                     organisation_id=org.id, password_hash=_HASH)
        client = User(email="move-racer@example.test", full_name="Mover", role="client", password_hash=_HASH,
                      locale="en")
        db.session.add_all([staff, client])
        db.session.commit()
        world = World("", app, org.id, staff.id, client.id, client.email)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        world.base_url = f"http://127.0.0.1:{server.server_port}"
        yield world
    finally:
        server.shutdown()
        with app.app_context():
            db.engine.dispose()


def _slots(world: World, count: int, first_in: timedelta) -> list[uuid.UUID]:
    """`count` free times an hour apart, committed."""
    with world.app.app_context():  # type: ignore[attr-defined]
        starts = (utcnow() + first_in).replace(second=0, microsecond=0)
        slots = [Slot(id=uuid.uuid4(), organisation_id=world.organisation_id, staff_id=world.staff_id,
                      created_by_id=world.staff_id, starts_at=starts + timedelta(hours=i),
                      ends_at=starts + timedelta(hours=i, minutes=45), location_fi="Room 1") for i in range(count)]
        db.session.add_all(slots)
        db.session.commit()
        return [slot.id for slot in slots]


def _booked_appointment(world: World, first_in: timedelta) -> uuid.UUID:
    (slot_id,) = _slots(world, 1, first_in)
    with world.app.app_context():  # type: ignore[attr-defined]
        appointment = Appointment(id=uuid.uuid4(), slot_id=slot_id, seat=1, client_id=world.client_id,
                                  booked_by_id=world.client_id, booked_by_role="client", status="booked",
                                  status_changed_at=utcnow())
        db.session.add(appointment)
        db.session.add(AppointmentEvent(appointment_id=appointment.id, at=utcnow(), actor_id=world.client_id,
                                        kind="booked", to_status="booked"))
        db.session.commit()
        return appointment.id


CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def _token(html: str) -> str:
    found = CSRF.search(html)
    assert found, html[:500]
    return found.group(1)


def _signed_in(world: World) -> requests.Session:
    s = requests.Session()
    s.cookies.set("lang", "en")
    token = _token(s.get(f"{world.base_url}/sign-in").text)
    r = s.post(f"{world.base_url}/sign-in", data={"csrf_token": token, "email": world.email, "password": PASSWORD},
               allow_redirects=False)
    assert r.status_code == 302, r.text[:500]
    return s


def _tab(signed_in: requests.Session) -> requests.Session:
    """Another tab of the same browser: the same sign-in cookie, its own answers from here on."""
    s = requests.Session()
    s.cookies.update(signed_in.cookies)
    return s


def _move_ready(world: World, tab: requests.Session, appointment_id: uuid.UUID, slot_id: uuid.UUID,
                day: str) -> dict[str, str]:
    """Start moving the appointment and answer every question, stopping on the check page."""
    r = tab.get(f"{world.base_url}/appointments/{appointment_id}/reschedule", allow_redirects=False)
    assert r.status_code == 302 and r.headers["Location"].endswith("/appointments/book/day"), r.text[:500]
    token = _token(tab.get(f"{world.base_url}/appointments/book/day").text)
    for path, data in (("/appointments/book/day", {"day": day}), ("/appointments/book/time", {"slot": str(slot_id)})):
        r = tab.post(world.base_url + path, data={"csrf_token": token, **data}, allow_redirects=False)
        assert r.status_code == 302, (path, r.status_code, r.text[:1000])
    assert r.headers["Location"].endswith("/appointments/book/check")  # the needs came with the move
    page = tab.get(f"{world.base_url}/appointments/book/check").text
    assert "Check your new time before moving the appointment" in page
    key = re.search(r'name="idempotency_key" type="hidden" value="([^"]+)"', page)
    slot = re.search(r'name="slot_id" type="hidden" value="([^"]+)"', page)
    assert key and slot, page[:2000]
    return {"csrf_token": _token(page), "idempotency_key": key.group(1), "slot_id": slot.group(1)}


def _cancel_ready(world: World, tab: requests.Session, appointment_id: uuid.UUID) -> dict[str, str]:
    page = tab.get(f"{world.base_url}/appointments/{appointment_id}/cancel").text
    return {"csrf_token": _token(page), "reason": "health"}


def _race(presses: list[tuple[requests.Session, str, dict[str, str]]]) -> list[requests.Response]:
    start = threading.Barrier(len(presses))

    def press(args: tuple[requests.Session, str, dict[str, str]]) -> requests.Response:
        tab, url, data = args
        start.wait()
        return tab.post(url, data=data, allow_redirects=False, timeout=60)

    with ThreadPoolExecutor(max_workers=len(presses)) as pool:
        return list(pool.map(press, presses))


def _losers_were_told(world: World, presses: list[tuple[requests.Session, str, dict[str, str]]],
                      results: list[requests.Response], appointment_id: uuid.UUID) -> int:
    """Every tab that did not win went back to the appointment page with the message; returns how many."""
    told = 0
    for (tab, _url, _data), response in zip(presses, results, strict=True):
        if response.headers.get("Location", "").endswith(f"/appointments/{appointment_id}"):
            page = tab.get(world.base_url + response.headers["Location"]).text
            assert ALREADY_CHANGED in page, page[:2000]
            told += 1
    return told


def test_ten_tabs_move_the_same_appointment_at_once(world: World) -> None:
    old_id = _booked_appointment(world, timedelta(days=2))
    targets = _slots(world, TABS, timedelta(days=4))
    with world.app.app_context():  # type: ignore[attr-defined]
        days = [local_day(db.session.get(Slot, slot_id).starts_at).isoformat() for slot_id in targets]
    browser = _signed_in(world)
    tabs = [_tab(browser) for _ in range(TABS)]
    # Getting ready is not the race: a few at a time.
    with ThreadPoolExecutor(max_workers=3) as pool:
        ready = list(pool.map(lambda args: _move_ready(world, args[0], old_id, args[1], args[2]),
                              zip(tabs, targets, days, strict=True)))
    presses = [(tab, f"{world.base_url}/appointments/book/check", data) for tab, data in zip(tabs, ready, strict=True)]

    results = _race(presses)

    statuses = Counter(r.status_code for r in results)
    print(f"\nmove race: {TABS} requests, status codes {dict(statuses)}")
    assert not [s for s in statuses if s >= 500], statuses
    assert statuses == {302: TABS}, statuses
    confirmations = [r for r in results if "/confirmation" in r.headers["Location"]]
    assert len(confirmations) == 1, [r.headers["Location"] for r in results]
    assert _losers_were_told(world, presses, results, old_id) == TABS - 1
    with world.app.app_context():  # type: ignore[attr-defined]
        new = list(db.session.scalars(select(Appointment).where(Appointment.rescheduled_from_id == old_id)))
        booked = db.session.scalar(select(func.count()).select_from(Appointment)
                                   .where(Appointment.client_id == world.client_id, Appointment.status == "booked"))
        old = db.session.get(Appointment, old_id)
        moved_events = db.session.scalar(select(func.count()).select_from(AppointmentEvent)
                                         .where(AppointmentEvent.appointment_id == old_id,
                                                AppointmentEvent.kind == "rescheduled"))
        pending = db.session.scalar(select(func.count()).select_from(ReminderOutbox)
                                    .where(ReminderOutbox.appointment_id == old_id,
                                           ReminderOutbox.status == "pending"))
        assert len(new) == 1 and new[0].status == "booked", [(a.id, a.status) for a in new]
        assert f"/appointments/{new[0].id}/confirmation" in confirmations[0].headers["Location"]
        assert booked == 1
        assert old is not None and old.status == "rescheduled"
        assert moved_events == 1
        assert pending == 0


def test_moves_and_cancels_of_the_same_appointment_at_once_only_one_wins(world: World) -> None:
    old_id = _booked_appointment(world, timedelta(days=8))
    movers = TABS // 2
    targets = _slots(world, movers, timedelta(days=10))
    with world.app.app_context():  # type: ignore[attr-defined]
        days = [local_day(db.session.get(Slot, slot_id).starts_at).isoformat() for slot_id in targets]
        notices_before = db.session.scalar(select(func.count()).select_from(TeamNotice)
                                           .where(TeamNotice.client_id == world.client_id))
    browser = _signed_in(world)
    tabs = [_tab(browser) for _ in range(TABS)]
    presses: list[tuple[requests.Session, str, dict[str, str]]] = []
    for tab, slot_id, day in zip(tabs[:movers], targets, days, strict=True):
        presses.append((tab, f"{world.base_url}/appointments/book/check", _move_ready(world, tab, old_id, slot_id, day)))
    for i, tab in enumerate(tabs[movers:]):
        path = "cancel" if i % 2 else "cant-come"
        presses.append((tab, f"{world.base_url}/appointments/{old_id}/{path}", _cancel_ready(world, tab, old_id)))

    results = _race(presses)

    statuses = Counter(r.status_code for r in results)
    print(f"\nmove and cancel race: {TABS} requests, status codes {dict(statuses)}")
    assert not [s for s in statuses if s >= 500], statuses
    assert statuses == {302: TABS}, statuses
    assert _losers_were_told(world, presses, results, old_id) == TABS - 1
    with world.app.app_context():  # type: ignore[attr-defined]
        old = db.session.get(Appointment, old_id)
        assert old is not None
        new = list(db.session.scalars(select(Appointment).where(Appointment.rescheduled_from_id == old_id)))
        changes = list(db.session.scalars(
            select(AppointmentEvent.kind).where(AppointmentEvent.appointment_id == old_id,
                                                AppointmentEvent.kind != "booked")))
        notices = db.session.scalar(select(func.count()).select_from(TeamNotice)
                                    .where(TeamNotice.client_id == world.client_id))
        print(f"move and cancel race: the old appointment is {old.status}; its changes {changes}")
        assert len(changes) == 1, changes
        if old.status == "rescheduled":
            assert changes == ["rescheduled"]
            assert len(new) == 1 and new[0].status == "booked"
            assert notices == notices_before
        else:
            assert old.status == "cancelled" and changes[0] in {"cancelled", "cant_come"}
            assert new == []
            assert notices == notices_before + 1
