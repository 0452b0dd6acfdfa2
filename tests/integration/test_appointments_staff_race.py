"""A staff member's form sent several times at once (a double click, a resent request) makes everything once.

Against a real threaded server with its own database, like test_appointments_race: the requests have to commit
for each other to see what they did.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import requests
from sqlalchemy import func, select

from portal.common.i18n import today_in_helsinki
from portal.extensions import db
from portal.models import Appointment, Slot, User

from ..support.factories import PASSWORD
from .test_appointments_race import CSRF, World, race_database_url, world  # noqa: F401 (fixtures)

AT_ONCE = 8


def _signed_in_staff(world: World) -> requests.Session:
    s = requests.Session()
    s.cookies.set("lang", "en")
    token = CSRF.search(s.get(f"{world.base_url}/sign-in").text).group(1)  # type: ignore[union-attr]
    r = s.post(f"{world.base_url}/sign-in", allow_redirects=False,
               data={"csrf_token": token, "email": "race-staff@example.test", "password": PASSWORD})
    assert r.status_code == 302, r.text[:500]
    return s


def _all_at_once(session: requests.Session, url: str, data: dict[str, str]) -> list[requests.Response]:
    start = threading.Barrier(AT_ONCE)

    def press(_: int) -> requests.Response:
        start.wait()
        return session.post(url, data=data, allow_redirects=False, timeout=60)

    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        return list(pool.map(press, range(AT_ONCE)))


def test_a_direct_booking_sent_many_times_at_once_books_once(world: World) -> None:
    s = _signed_in_staff(world)
    page = s.get(f"{world.base_url}/staff/appointments/book").text
    key = re.search(r'name="idempotency_key" type="hidden" value="([^"]+)"', page)
    assert key, page[:2000]
    day = today_in_helsinki() + timedelta(days=12)
    data = {"csrf_token": CSRF.search(page).group(1), "idempotency_key": key.group(1),  # type: ignore[union-attr]
            "client_email": world.emails[0], "day-day": str(day.day), "day-month": str(day.month),
            "day-year": str(day.year), "start_time": "10.30", "length": "45", "mode": "in_person",
            "location_fi": "Room 3", "topic_fi": "Follow-up", "interpreter_language": "", "other_needs": ""}

    results = _all_at_once(s, f"{world.base_url}/staff/appointments/book", data)

    statuses = Counter(r.status_code for r in results)
    assert statuses == {302: AT_ONCE}, (statuses, [r.text[:500] for r in results if r.status_code != 302])
    assert len({r.headers["Location"] for r in results}) == 1
    with world.app.app_context():  # type: ignore[attr-defined]
        client_id = db.session.scalar(select(User.id).where(User.email == world.emails[0]))
        booked = db.session.scalar(select(func.count()).select_from(Appointment)
                                   .where(Appointment.client_id == client_id))
        internal = db.session.scalar(select(func.count()).select_from(Slot).where(Slot.internal.is_(True)))
    assert booked == 1
    assert internal == 1  # the slots made by the other tries were rolled back with them


def test_publishing_the_same_times_many_times_at_once_makes_them_once(world: World) -> None:
    s = _signed_in_staff(world)
    page = s.get(f"{world.base_url}/staff/appointments/slots/new").text
    first = today_in_helsinki() + timedelta(days=40)
    last = first + timedelta(days=6)
    data = {"csrf_token": CSRF.search(page).group(1),  # type: ignore[union-attr]
            "first_day-day": str(first.day), "first_day-month": str(first.month),
            "first_day-year": str(first.year),
            "last_day-day": str(last.day), "last_day-month": str(last.month), "last_day-year": str(last.year),
            "weekdays": ["0", "1", "2", "3", "4", "5", "6"], "start_time": "12.00", "end_time": "14.00",
            "length": "60", "mode": "in_person", "location_fi": "Room 2", "service": "none", "capacity": "1",
            "who": "public"}

    results = _all_at_once(s, f"{world.base_url}/staff/appointments/slots/new", data)

    assert Counter(r.status_code for r in results) == {302: AT_ONCE}
    with world.app.app_context():  # type: ignore[attr-defined]
        starts = list(db.session.scalars(select(Slot.starts_at).where(Slot.location_fi == "Room 2")))
    assert len(starts) == 7 * 2
    assert len(set(starts)) == len(starts)
