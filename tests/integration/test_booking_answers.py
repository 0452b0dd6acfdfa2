"""A booking in progress is kept in the database: the session cookie carries only its id."""

from __future__ import annotations

import base64
import json
import uuid
import zlib
from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import BookingAnswers, utcnow

from ..support.appointments import confirm_fields, make_slot, walk_to_check
from ..support.client import PortalClient
from ..support.factories import PASSWORD, ClientFactory

NEEDS = "A quiet room please, loud places trigger my migraine"


def _session_payload(client: PortalClient) -> str:
    """What anyone holding the cookie can read: its payload, decoded (it is signed, not encrypted)."""
    value = client.get_cookie("portal_session").value
    compressed = value.startswith(".")
    payload = value.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return (zlib.decompress(raw) if compressed else raw).decode()


def _answer_needs(client: PortalClient) -> str:
    slot = make_slot()
    walk_to_check(client, slot)
    response = client.post_form("/appointments/book/needs", {"interpreter": "no", "other_needs": NEEDS})
    assert response.status_code == 302
    check = client.get("/appointments/book/check").get_data(as_text=True)
    assert NEEDS in check
    return check


def test_answers_are_kept_in_the_database_not_in_the_cookie(signed_in: PortalClient) -> None:
    _answer_needs(signed_in)
    payload = _session_payload(signed_in)
    assert "migraine" not in payload and "quiet room" not in payload
    key = uuid.UUID(json.loads(payload)["booking"])
    stored = db.session.scalar(select(BookingAnswers.answers).where(BookingAnswers.id == key))
    assert stored is not None and stored["other_needs"] == NEEDS


def test_booking_forgets_the_answers(signed_in: PortalClient) -> None:
    check = _answer_needs(signed_in)
    response = signed_in.post_form("/appointments/book/check", confirm_fields(check))
    assert response.status_code == 302 and "/confirmation" in response.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(BookingAnswers)) == 0


def test_another_clients_booking_id_reads_as_no_booking(app: Flask, signed_in: PortalClient) -> None:
    _answer_needs(signed_in)
    key = uuid.UUID(json.loads(_session_payload(signed_in))["booking"])
    other = ClientFactory()
    app.test_client_class = PortalClient
    thief: PortalClient = app.test_client()  # type: ignore[assignment]
    thief.sign_in(other.email, PASSWORD)
    with thief.session_transaction() as session:
        session["booking"] = str(key)
    page = thief.get("/appointments/book/check", follow_redirects=True).get_data(as_text=True)
    assert NEEDS not in page
    assert db.session.scalar(select(BookingAnswers.answers).where(BookingAnswers.id == key))["other_needs"] == NEEDS


def test_abandoned_answers_go_after_a_day(signed_in: PortalClient) -> None:
    _answer_needs(signed_in)
    db.session.execute(BookingAnswers.__table__.update().values(updated_at=utcnow() - timedelta(days=2)))
    walk_to_check(signed_in, make_slot())  # a new booking in progress
    assert db.session.scalar(select(func.count()).select_from(BookingAnswers)) == 1


def test_the_clean_up_command_forgets_abandoned_answers_without_a_new_booking(
    app: Flask, signed_in: PortalClient
) -> None:
    _answer_needs(signed_in)
    fresh = ClientFactory()
    db.session.add(BookingAnswers(id=uuid.uuid4(), client_id=fresh.id, answers={"other_needs": "fresh"},
                                  updated_at=utcnow()))
    db.session.execute(BookingAnswers.__table__.update().where(BookingAnswers.client_id != fresh.id)
                       .values(updated_at=utcnow() - timedelta(days=2)))
    result = app.test_cli_runner().invoke(args=["clean-up"])
    assert result.exit_code == 0, result.output
    assert "Abandoned bookings whose answers were deleted: 1." in result.output
    assert db.session.scalars(select(BookingAnswers.client_id)).all() == [fresh.id]
