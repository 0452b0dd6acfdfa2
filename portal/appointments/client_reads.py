"""A client's own appointments: what the client's pages read, and what portal.access reads for staff (staff
pages never import this module: import contracts)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..models import Appointment, AppointmentEvent, AppointmentStatus, Slot


def client_appointments(client_id: uuid.UUID) -> list[Appointment]:
    statement = (
        select(Appointment).join(Slot, Slot.id == Appointment.slot_id)
        .where(Appointment.client_id == client_id)
        .order_by(Slot.starts_at, Appointment.created_at)
    )
    return list(db.session.scalars(statement).unique())


def next_appointment(client_id: uuid.UUID, now: datetime) -> Appointment | None:
    statement = (
        select(Appointment).join(Slot, Slot.id == Appointment.slot_id)
        .where(Appointment.client_id == client_id, Appointment.status == AppointmentStatus.BOOKED,
               Slot.ends_at > now)
        .order_by(Slot.starts_at).limit(1)
    )
    return db.session.scalars(statement).unique().first()


def client_appointment(appointment_id: uuid.UUID, client_id: uuid.UUID) -> Appointment | None:
    """The client's own appointment, or None: another client's id looks like no appointment at all."""
    return db.session.scalar(
        select(Appointment).where(Appointment.id == appointment_id, Appointment.client_id == client_id)
    )


def history(appointment_id: uuid.UUID) -> list[AppointmentEvent]:
    statement = (
        select(AppointmentEvent)
        .where(AppointmentEvent.appointment_id == appointment_id)
        .order_by(AppointmentEvent.at, AppointmentEvent.id)
    )
    return list(db.session.scalars(statement))
