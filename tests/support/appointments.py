"""Slots and bookings for appointment tests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta

from portal.common.i18n import HELSINKI, today_in_helsinki
from portal.extensions import db
from portal.models import Slot, User, utcnow

from .factories import OrganisationFactory, StaffFactory


def three_days_ahead_at_ten() -> datetime:
    """A time of a working day, so that tests' later times the same day stay on that Helsinki day whatever the
    hour the tests run at."""
    day = today_in_helsinki() + timedelta(days=3)
    return datetime.combine(day, time(10, 0), HELSINKI).astimezone(UTC)


def make_slot(starts_in: timedelta | None = None, *, organisation_id: uuid.UUID | None = None,
              staff: User | None = None, starts_at: datetime | None = None, **fields: object) -> Slot:
    """A published slot, by default three days ahead at 10:00 in Helsinki; `starts_in` counts from now."""
    staff = staff or StaffFactory(organisation_id=organisation_id or OrganisationFactory().id)
    starts = starts_at
    if starts is None:
        starts = three_days_ahead_at_ten() if starts_in is None else (utcnow() + starts_in).replace(second=0,
                                                                                                    microsecond=0)
    fields = {"location_fi": "Kielotie 13, Vantaa", **fields}
    slot = Slot(id=uuid.uuid4(), organisation_id=staff.organisation_id, staff_id=staff.id,
                created_by_id=staff.id, starts_at=starts, ends_at=starts + timedelta(minutes=45), **fields)
    db.session.add(slot)
    db.session.flush()
    return slot


def walk_to_check(client, slot: Slot, interpreter: str = "no", language: str = "") -> str:  # type: ignore[no-untyped-def]
    """Answer every question page for `slot`; returns the check-answers page HTML."""
    from portal.appointments.times import local_day

    assert client.get("/appointments/book").status_code == 200
    choice = f"{slot.organisation_id}:{slot.service_id or ''}"
    response = client.post_form("/appointments/book", {"what": choice})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    response = client.post_form("/appointments/book/day", {"day": local_day(slot.starts_at).isoformat()})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    response = client.post_form("/appointments/book/time", {"slot": str(slot.id)})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    response = client.post_form("/appointments/book/needs", {"interpreter": interpreter, "language": language})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    page = client.get("/appointments/book/check")
    assert page.status_code == 200, page.get_data(as_text=True)[:2000]
    return page.get_data(as_text=True)


def confirm_fields(html: str) -> dict[str, str]:
    import re

    key = re.search(r'name="idempotency_key" type="hidden" value="([^"]+)"', html) or re.search(
        r'id="idempotency_key" name="idempotency_key" type="hidden" value="([^"]+)"', html)
    slot = re.search(r'name="slot_id" type="hidden" value="([^"]+)"', html)
    assert key and slot, html[:3000]
    return {"idempotency_key": key.group(1), "slot_id": slot.group(1)}
