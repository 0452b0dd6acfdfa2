"""Export my data (GDPR Art. 15 and 20): everything the portal holds about one client, as plain values that
the JSON download and the readable page both show. A fixed number of queries, whatever the amounts.

tests/integration/test_sharing_export.py fails when a table that holds a client's rows is not exported here.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import (
    AccessLogEntry,
    Appointment,
    AppointmentEvent,
    BookingAnswers,
    ClientRecord,
    Consent,
    ConsentEvent,
    DataCategory,
    Organisation,
    Plan,
    PlanEvent,
    PlanStep,
    PlanStepEvent,
    PlanVersion,
    Purpose,
    ReminderOutbox,
    Service,
    Slot,
    TeamMembership,
    TeamNotice,
    User,
)

Row = dict[str, Any]

# What the export holds, by table: the completeness test compares it with every table about a client.
EXPORTED_TABLES = frozenset({
    "users", "plans", "plan_steps", "plan_step_events", "team_notices", "appointments", "appointment_events",
    "reminder_outbox", "booking_answers", "team_memberships", "consents", "consent_events", "client_records",
    "access_log", "plan_versions", "plan_events",
})


class Names:
    """An organisation's, category's or purpose's name in the reader's language (None for none)."""

    def __init__(self, locale: str) -> None:
        self.locale = locale

    def __call__(self, obj: Any) -> str | None:
        return obj.name(self.locale) if obj is not None else None


def everything(client: User, locale: str, now: datetime) -> Row:
    name = Names(locale)
    return {
        "exported_at": now,
        "profile": {
            "id": client.id, "full_name": client.full_name, "email": client.email, "phone": client.phone,
            "language": client.locale, "created_at": client.created_at, "last_sign_in_at": client.last_sign_in_at,
        },
        "plans": _plans(client.id, name),
        "appointments": _appointments(client.id, name),
        "bookings_in_progress": [
            {"id": row.id, "answers": row.answers, "updated_at": row.updated_at}
            for row in db.session.scalars(select(BookingAnswers).where(BookingAnswers.client_id == client.id)
                                          .order_by(BookingAnswers.updated_at))
        ],
        "notices_to_organisations": [
            {"organisation": name(org), "kind": notice.kind, "step_id": notice.step_id,
             "created_at": notice.created_at, "read_at": notice.read_at}
            for notice, org in db.session.execute(
                select(TeamNotice, Organisation).outerjoin(Organisation, Organisation.id == TeamNotice.organisation_id)
                .where(TeamNotice.client_id == client.id).order_by(TeamNotice.created_at, TeamNotice.id))
        ],
        "team": _team(client.id, name),
        "consents": _consents(client.id, name),
        "records": [
            {"id": record.id, "category": name(record.category), "organisation": name(record.organisation),
             "title": record.title, "body": record.body, "recorded_by": author, "created_at": record.created_at}
            for record, author in db.session.execute(
                select(ClientRecord, User.full_name).outerjoin(User, User.id == ClientRecord.recorded_by_id)
                .where(ClientRecord.client_id == client.id).order_by(ClientRecord.created_at, ClientRecord.id))
        ],
        "access_log": _access_log(client.id, name),
    }


def _plans(client_id: uuid.UUID, name: Names) -> list[Row]:
    plans = list(db.session.scalars(select(Plan).where(Plan.client_id == client_id).order_by(Plan.version)))
    ids = [plan.id for plan in plans]
    steps: dict[uuid.UUID, list[Row]] = defaultdict(list)
    history: dict[uuid.UUID, list[Row]] = defaultdict(list)
    if ids:
        for event, actor in db.session.execute(
            select(PlanStepEvent, User.full_name).join(PlanStep, PlanStep.id == PlanStepEvent.step_id)
            .outerjoin(User, User.id == PlanStepEvent.actor_id)
            .where(PlanStep.plan_id.in_(ids)).order_by(PlanStepEvent.at, PlanStepEvent.id)
        ):
            history[event.step_id].append({
                "at": event.at, "kind": event.kind, "from_status": event.from_status, "to_status": event.to_status,
                "reason": event.reason, "detail": event.detail, "field": event.field, "from": event.from_value,
                "to": event.to_value, "by": actor})
        for step, organisation, service in db.session.execute(
            select(PlanStep, Organisation, Service)
            .outerjoin(Organisation, Organisation.id == PlanStep.responsible_organisation_id)
            .outerjoin(Service, Service.id == PlanStep.service_id)
            .where(PlanStep.plan_id.in_(ids)).order_by(PlanStep.position, PlanStep.id)
        ):
            steps[step.plan_id].append({
                "id": step.id, "title": step.title, "description": step.description, "status": step.status,
                "due_date": step.due_date, "responsible_organisation": name(organisation), "service": name(service),
                "added_by": step.added_by_role, "cant_do_reason": step.cant_do_reason,
                "cant_do_detail": step.cant_do_detail, "created_at": step.created_at,
                "status_changed_at": step.status_changed_at, "removed_at": step.removed_at,
                "history": history[step.id]})
    versions: dict[uuid.UUID, list[Row]] = defaultdict(list)
    events: dict[uuid.UUID, list[Row]] = defaultdict(list)
    if ids:
        for version in db.session.scalars(select(PlanVersion).where(PlanVersion.plan_id.in_(ids))
                                          .order_by(PlanVersion.version)):
            versions[version.plan_id].append({
                "version": version.version, "agreed_at": version.agreed_at, "channel": version.channel,
                "goals": version.goals, "steps": version.steps})
        for event, actor in db.session.execute(
            select(PlanEvent, User.full_name).outerjoin(User, User.id == PlanEvent.actor_id)
            .where(PlanEvent.plan_id.in_(ids)).order_by(PlanEvent.at, PlanEvent.id)
        ):
            events[event.plan_id].append({
                "at": event.at, "kind": event.kind, "version": event.version, "from": event.from_value,
                "to": event.to_value, "message": event.message, "by": actor})
    return [{"id": plan.id, "version": plan.version, "status": plan.status, "goals": plan.goals,
             "agreed_at": plan.agreed_at, "created_at": plan.created_at, "steps": steps[plan.id],
             "agreed_versions": versions[plan.id], "history": events[plan.id]} for plan in plans]


def _appointments(client_id: uuid.UUID, name: Names) -> list[Row]:
    appointments = list(db.session.scalars(
        select(Appointment).join(Slot, Slot.id == Appointment.slot_id)
        .where(Appointment.client_id == client_id).order_by(Slot.starts_at, Appointment.created_at)))
    ids = [appointment.id for appointment in appointments]
    history: dict[uuid.UUID, list[Row]] = defaultdict(list)
    reminders: dict[uuid.UUID, list[Row]] = defaultdict(list)
    if ids:
        for event, actor in db.session.execute(
            select(AppointmentEvent, User.full_name).outerjoin(User, User.id == AppointmentEvent.actor_id)
            .where(AppointmentEvent.appointment_id.in_(ids)).order_by(AppointmentEvent.at, AppointmentEvent.id)
        ):
            history[event.appointment_id].append({
                "at": event.at, "kind": event.kind, "from_status": event.from_status, "to_status": event.to_status,
                "reason": event.reason, "detail": event.detail, "by": actor})
        for reminder in db.session.scalars(
            select(ReminderOutbox).where(ReminderOutbox.appointment_id.in_(ids))
            .order_by(ReminderOutbox.due_at, ReminderOutbox.id)
        ):
            reminders[reminder.appointment_id].append({
                "channel": reminder.channel, "kind": reminder.kind, "due_at": reminder.due_at,
                "status": reminder.status, "sent_at": reminder.sent_at})
    return [{
        "id": a.id, "status": a.status, "starts_at": a.slot.starts_at, "ends_at": a.slot.ends_at,
        "organisation": name(a.slot.organisation), "what": a.slot.what(name.locale),
        "mode": a.slot.mode, "location": str(a.slot.location(name.locale)),
        "interpreter_language": a.interpreter_language,
        "other_needs": a.other_needs, "booked_by": a.booked_by_role, "cancel_reason": a.cancel_reason,
        "cancel_detail": a.cancel_detail, "moved_from": a.rescheduled_from_id, "history": history[a.id],
        "reminders": reminders[a.id],
    } for a in appointments]


def _team(client_id: uuid.UUID, name: Names) -> list[Row]:
    contact = aliased(User)
    return [{
        "organisation": name(m.organisation), "contact_person": person, "role": m.role(name.locale),
        "started_at": m.started_at, "start_reason": m.start_reason, "ended_at": m.ended_at,
        "end_reason": m.end_reason,
    } for m, person in db.session.execute(
        select(TeamMembership, contact.full_name).outerjoin(contact, contact.id == TeamMembership.contact_person_id)
        .where(TeamMembership.client_id == client_id).order_by(TeamMembership.started_at, TeamMembership.id))]


def _consents(client_id: uuid.UUID, name: Names) -> list[Row]:
    actor = aliased(User)
    events: dict[uuid.UUID, list[Row]] = defaultdict(list)
    for event, by in db.session.execute(
        select(ConsentEvent, actor.full_name).outerjoin(actor, actor.id == ConsentEvent.actor_id)
        .where(ConsentEvent.client_id == client_id).order_by(ConsentEvent.at, ConsentEvent.id)
    ):
        events[event.consent_id].append({
            "id": event.id, "kind": event.kind, "at": event.at, "by": by, "channel": event.channel,
            "language": event.language, "lawful_basis": event.lawful_basis, "expires_at": event.expires_at,
            "notice_version": event.notice_version or None, "notice_sha256": event.notice_hash or None,
            "notice_text": event.notice_text or None, "message": event.message})
    return [{
        "id": c.id, "organisation": name(c.organisation), "category": name(c.category), "purpose": name(c.purpose),
        "status": c.status, "given_at": c.given_at, "expires_at": c.expires_at,
        "request_message": c.request_message, "events": events[c.id],
    } for c in db.session.scalars(
        select(Consent).where(Consent.client_id == client_id).order_by(Consent.created_at, Consent.id))]


def _access_log(client_id: uuid.UUID, name: Names) -> list[Row]:
    return [{
        "at": entry.at, "staff": staff, "organisation": name(org), "category": name(category),
        "purpose": name(purpose), "outcome": entry.outcome, "basis": entry.basis,
    } for entry, staff, org, category, purpose in db.session.execute(
        select(AccessLogEntry, User.full_name, Organisation, DataCategory, Purpose)
        .join(User, User.id == AccessLogEntry.staff_id)
        .join(Organisation, Organisation.id == AccessLogEntry.organisation_id)
        .outerjoin(DataCategory, DataCategory.id == AccessLogEntry.category_id)
        .join(Purpose, Purpose.id == AccessLogEntry.purpose_id)
        .where(AccessLogEntry.client_id == client_id)
        .order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc()))]
