"""How appointments read on a page: words for modes and statuses, time ranges, radio labels."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..common.i18n import format_date, format_datetime, format_time, locale_code
from ..models import Appointment, AppointmentStatus, Slot
from .times import local_day

MODE_WORDS = {
    "in_person": _l("Meeting in person"),
    "phone": _l("Phone call"),
    "video": _l("Video call"),
}

STATUS_WORDS = {
    "booked": _l("Booked"),
    "cancelled": _l("Cancelled"),
    "rescheduled": _l("Moved to another time"),
    "attended": _l("Attended"),
    "no_show": _l("Did not attend"),
    # shown to the client only: booked, the time is over and the team has not marked it attended or no-show
    "past": _l("Past"),
}


def shown_status(appointment: Appointment, now: datetime) -> str:
    """The status as the client reads it. A booked appointment whose time is over is not "Booked" any more,
    but whether the client came is not known until the team marks it: it reads "Past" (the database still
    says booked, so the team can mark it)."""
    if appointment.status == AppointmentStatus.BOOKED and appointment.slot.ends_at <= now:
        return "past"
    return appointment.status


def when(slot: Slot) -> str:
    """'Wed 25 Nov 2026 at 14:00 to 14:45', with the weekday, in Helsinki time."""
    return _("%(start)s to %(end)s", start=format_datetime(slot.starts_at), end=format_time(slot.ends_at))


def where(slot: Slot) -> str:
    mode = str(MODE_WORDS[slot.mode])
    return _("%(mode)s: %(place)s", mode=mode, place=slot.location) if slot.location else mode


def time_label(slot: Slot) -> str:
    lc = locale_code()
    return _("%(start)s to %(end)s, %(what)s, %(where)s", start=format_time(slot.starts_at),
             end=format_time(slot.ends_at), what=slot.what(lc), where=where(slot))


def full_label(slot: Slot) -> str:
    return _("%(when)s, %(where)s", when=when(slot), where=where(slot))


def day_label(day: date, free: int) -> str:
    from flask_babel import ngettext

    return ngettext("%(date)s, %(num)d free time", "%(date)s, %(num)d free times", free, date=format_date(day))


def split(appointments: list[Appointment], now: datetime) -> tuple[list[Appointment], list[Appointment]]:
    """Upcoming (booked and not over, soonest first) and past or closed (latest first)."""
    upcoming = [a for a in appointments if a.is_upcoming(now)]
    others = [a for a in appointments if not a.is_upcoming(now)]
    others.sort(key=lambda a: a.slot.starts_at, reverse=True)
    return upcoming, others


def day_of(slot: Slot) -> date:
    return local_day(slot.starts_at)


def template_helpers() -> dict[str, object]:
    return {"when": when, "where": where, "full_label": full_label, "MODE_WORDS": MODE_WORDS,
            "STATUS_WORDS": STATUS_WORDS, "shown_status": shown_status}
