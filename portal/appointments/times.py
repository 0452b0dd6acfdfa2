"""Helsinki wall-clock times to UTC and back, with the daylight-saving changes handled on purpose.

Spring (last Sunday of March): 03:00–03:59 does not exist in Helsinki, so a slot there is skipped.
Autumn (last Sunday of October): 03:00–03:59 happens twice; the first one (summer time) is meant.

Days far from now (year 1, year 9999) cannot be turned into UTC and back, or stepped past, without an
OverflowError: `in_calendar` says whether a day is one the calendar works with.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from ..common.i18n import HELSINKI

# The days the calendar works with: wide enough for any real appointment, far from the ends of `date`.
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2199, 12, 31)


def in_calendar(day: date) -> bool:
    return EARLIEST_DAY <= day <= LATEST_DAY


def local_to_utc(day: date, at: time) -> datetime | None:
    """The UTC instant of a Helsinki wall-clock time, or None when the clock skips it (spring gap)."""
    local = datetime.combine(day, at).replace(tzinfo=HELSINKI, fold=0)
    instant = local.astimezone(UTC)
    if instant.astimezone(HELSINKI).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return instant


def local_day(instant: datetime) -> date:
    return instant.astimezone(HELSINKI).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """Start and end (UTC) of a Helsinki calendar day: 23, 24 or 25 hours long."""
    start = datetime.combine(day, time(0)).replace(tzinfo=HELSINKI).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0)).replace(tzinfo=HELSINKI).astimezone(UTC)
    return start, end


@dataclass
class SlotPlan:
    times: list[tuple[datetime, datetime]] = field(default_factory=list)
    skipped: list[tuple[date, time]] = field(default_factory=list)  # in the spring gap


def plan_slots(
    first: date,
    last: date,
    weekdays: Iterable[int],
    start: time,
    end: time,
    length_minutes: int,
) -> SlotPlan:
    """Slots of `length_minutes` from `start` to `end` (Helsinki time) on the given weekdays (0 = Monday).

    Each slot is laid out on the wall clock and then turned into UTC, so "9.00 every Monday" is 9.00 in
    Helsinki in both winter and summer: 07.00 UTC in winter, 06.00 UTC in summer."""
    plan = SlotPlan()
    wanted = set(weekdays)
    length = timedelta(minutes=length_minutes)
    for offset in range((last - first).days + 1):  # counted, never stepped past `last` (no overflow at 9999)
        day = first + timedelta(days=offset)
        if day.weekday() in wanted:
            cursor = datetime.combine(day, start)
            stop = datetime.combine(day, end)
            while cursor <= stop - length:  # not cursor + length: no overflow at the very end of 9999
                begins = local_to_utc(day, cursor.time())
                if begins is None:
                    plan.skipped.append((day, cursor.time()))
                else:
                    plan.times.append((begins, begins + length))  # a meeting lasts as long as it says
                cursor += length
    return plan
