"""All tables, imported in one place so Alembic and the app see the same metadata."""

from .appointments import (
    SEAT_HOLDING,
    Appointment,
    AppointmentEvent,
    AppointmentStatus,
    BookingAnswers,
    MeetingMode,
    ReminderOutbox,
    ReminderStatus,
    Slot,
    SlotStatus,
)
from .base import Base, utcnow
from .identification import Audience, ClientAuth, IdentityProvider
from .organisations import Organisation, OrganisationKind, Service
from .plans import CantDoReason, Plan, PlanStatus, PlanStep, PlanStepEvent, StepStatus, TeamNotice
from .sharing import (
    AccessLogEntry,
    AccessOutcome,
    ClientRecord,
    Consent,
    ConsentEvent,
    ConsentStatus,
    DataCategory,
    LegalRule,
    Purpose,
    TeamMembership,
)
from .users import Role, User

__all__ = [
    "AccessLogEntry",
    "AccessOutcome",
    "ClientRecord",
    "Consent",
    "ConsentEvent",
    "ConsentStatus",
    "DataCategory",
    "LegalRule",
    "Purpose",
    "TeamMembership",
    "SEAT_HOLDING",
    "Appointment",
    "AppointmentEvent",
    "AppointmentStatus",
    "BookingAnswers",
    "MeetingMode",
    "ReminderOutbox",
    "ReminderStatus",
    "Slot",
    "SlotStatus",
    "Audience",
    "Base",
    "ClientAuth",
    "IdentityProvider",
    "CantDoReason",
    "Organisation",
    "OrganisationKind",
    "Plan",
    "PlanStatus",
    "PlanStep",
    "PlanStepEvent",
    "Role",
    "Service",
    "StepStatus",
    "TeamNotice",
    "User",
    "utcnow",
]
