"""How appointments read on a page: words for modes and statuses, time ranges, free times grouped by day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from ..common.i18n import format_date, format_datetime, format_time, locale_code
from ..models import Appointment, AppointmentStatus, Slot
from ..models.translated import InLanguage
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
    """How and where as plain text (e-mail, calendar): 'Video call: you get a link by text message'. Pages show
    the way of meeting and the place on lines of their own, the place marked with its language."""
    mode = str(MODE_WORDS[slot.mode])
    place = slot.location(locale_code())
    return _("%(mode)s: %(place)s", mode=mode, place=place) if place else mode


def time_range(slot: Slot) -> str:
    """'9.45–10.30', '09:45 to 10:30': a time as the language writes it, without its day."""
    return _("%(start)s to %(end)s", start=format_time(slot.starts_at), end=format_time(slot.ends_at))


def day_label(day: date, free: int) -> str:
    return ngettext("%(date)s, %(num)d free time", "%(date)s, %(num)d free times", free, date=format_date(day))


@dataclass(frozen=True)
class TimeChoice:
    """A free time as a radio: the time is its label; the topic, the way of meeting and the place its hint."""

    slot: Slot
    time: str
    topic: InLanguage
    mode: str
    place: InLanguage

    @property
    def value(self) -> str:
        return str(self.slot.id)


@dataclass(frozen=True)
class DayOfTimes:
    day: date
    times: list[TimeChoice]


def times_by_day(slots: list[Slot]) -> list[DayOfTimes]:
    """Free times under their Helsinki day, soonest first. A time is never offered without its day, and two
    options never read the same: of times with the same start, end, topic, way of meeting and place (two staff
    members' identical times), only the first is offered; any of them serves the client alike."""
    lc = locale_code()
    days: dict[date, list[TimeChoice]] = {}
    seen: set[tuple[object, ...]] = set()
    for slot in sorted(slots, key=lambda s: (s.starts_at, s.ends_at, str(s.id))):
        choice = TimeChoice(slot, time_range(slot), slot.topic(lc), str(MODE_WORDS[slot.mode]), slot.location(lc))
        reads_as = (slot.starts_at, slot.ends_at, choice.topic, choice.mode, choice.place)
        if reads_as in seen:
            continue
        seen.add(reads_as)
        days.setdefault(local_day(slot.starts_at), []).append(choice)
    return [DayOfTimes(day, times) for day, times in sorted(days.items())]


def time_choices(days: list[DayOfTimes]) -> list[tuple[str, str]]:
    """The radio choices of the times offered, for the form to check an answer against."""
    return [(choice.value, choice.time) for group in days for choice in group.times]


def split(appointments: list[Appointment], now: datetime) -> tuple[list[Appointment], list[Appointment]]:
    """Upcoming (booked and not over, soonest first) and past or closed (latest first)."""
    upcoming = [a for a in appointments if a.is_upcoming(now)]
    others = [a for a in appointments if not a.is_upcoming(now)]
    others.sort(key=lambda a: a.slot.starts_at, reverse=True)
    return upcoming, others


def day_of(slot: Slot) -> date:
    return local_day(slot.starts_at)


def template_helpers() -> dict[str, object]:
    return {"when": when, "MODE_WORDS": MODE_WORDS, "STATUS_WORDS": STATUS_WORDS, "shown_status": shown_status}
