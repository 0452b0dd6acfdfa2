"""Demo appointments: two weeks of published times for each agency, and one booking for Aino, linked to the
employment services step of her plan (so the step's page shows "Your appointment"). Safe to rerun."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select

from ..common.i18n import today_in_helsinki
from ..extensions import db
from ..models import (
    Appointment,
    AppointmentStatus,
    Organisation,
    Plan,
    PlanStatus,
    PlanStep,
    Slot,
    StepStatus,
    User,
    utcnow,
)
from . import queries, staff_queries

# Topic and place as staff type them, in the languages they gave; the way of meeting ("Video call") is not
# repeated in the place: the pages say it. An address, and Polku's texts, are in Finnish only: Swedish and
# English pages show them marked with lang="fi".
TOPICS = {
    "vantaa-employment": (
        {"fi": "Työnhakukeskustelu", "sv": "Jobbsökningssamtal", "en": "Job-search review meeting"},
        {"fi": "Kielotie 13, Vantaa"}, "in_person"),
    "vakehyva": (
        {"fi": "Sosiaaliohjaus", "sv": "Socialhandledning", "en": "Social guidance"},
        {"fi": "Soitamme sinulle.", "sv": "Vi ringer dig.", "en": "We will call you."}, "phone"),
    "kela": (
        {"fi": "Kuntoutuksen neuvonta", "sv": "Rådgivning om rehabilitering", "en": "Rehabilitation advice"},
        {"fi": "Saat linkin tekstiviestillä.", "sv": "Du får en länk i ett sms.",
         "en": "You will get a link by text message."}, "video"),
    "polku": ({"fi": "Työvalmennuksen aloitus"}, {"fi": "Tikkurilantie 44, Vantaa"}, "in_person"),
}


def seed(orgs: dict[str, Organisation], staff: list[User]) -> int:
    created = 0
    now = utcnow()
    first = today_in_helsinki() + timedelta(days=1)
    for member in staff:
        code = next(c for c, o in orgs.items() if o.id == member.organisation_id)
        if code not in TOPICS or member.role != "caseworker":
            continue
        has_future = db.session.scalar(select(Slot.id).where(Slot.organisation_id == member.organisation_id,
                                                             Slot.starts_at > now).limit(1))
        if has_future:
            continue
        topic, location, mode = TOPICS[code]
        spec = staff_queries.NewSlots(first=first, last=first + timedelta(days=13), weekdays=[0, 1, 2, 3, 4],
                                      start=time(9), end=time(12), length=45, mode=mode, location=location,
                                      topic=topic, service_id=None, capacity=1, internal=False)
        created += staff_queries.publish(member, spec).created
    db.session.flush()
    aino = db.session.scalar(select(User).where(User.email == "aino.asiakas@example.fi"))
    employment = orgs.get("vantaa-employment")
    if aino is not None and employment is not None and not db.session.scalar(
            select(Appointment.id).where(Appointment.client_id == aino.id).limit(1)):
        free = queries.free_slots(employment.id, None, now, limit=3)
        if free:
            queries.book(free[-1], aino, aino, None, queries.Needs(interpreter_language=None))
            created += 1
    if aino is not None and employment is not None:
        _link_to_step(aino, employment)
    return created


def _link_to_step(client: User, organisation: Organisation) -> None:
    """The client's next booked appointment with the organisation goes on the first open step that the
    organisation is responsible for and that has no appointment yet ("Apply for four jobs this month")."""
    appointment = db.session.scalars(
        select(Appointment).join(Slot, Slot.id == Appointment.slot_id)
        .where(Appointment.client_id == client.id, Appointment.status == AppointmentStatus.BOOKED,
               Slot.organisation_id == organisation.id, Slot.starts_at > utcnow())
        .order_by(Slot.starts_at).limit(1)
    ).first()
    if appointment is None or db.session.scalar(
            select(PlanStep.id).where(PlanStep.appointment_id == appointment.id).limit(1)):
        return
    step = db.session.scalars(
        select(PlanStep).join(Plan, Plan.id == PlanStep.plan_id)
        .where(Plan.client_id == client.id, Plan.status != PlanStatus.REPLACED,
               PlanStep.responsible_organisation_id == organisation.id, PlanStep.status == StepStatus.TODO,
               PlanStep.appointment_id.is_(None))
        .order_by(PlanStep.position).limit(1)
    ).first()
    if step is not None:
        step.appointment_id = appointment.id
        db.session.flush()
