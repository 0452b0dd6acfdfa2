"""The notice a client reads before giving consent: what, to whom, why, for how long, how to withdraw.

The page shows these items, and the consent's "given" event keeps the same words as its notice text (with the
duration the client chose in place of "You choose below"), their SHA-256, the language and NOTICE_VERSION: the
evidence GDPR Art. 7(1) asks for.
"""

from __future__ import annotations

import calendar
import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..common.i18n import HELSINKI, format_date
from ..models import DataCategory, Organisation, Purpose

# Change this whenever the words of the notice (below, and their translations) change.
NOTICE_VERSION = "sharing-notice-2026-12-01"

# How long a consent given online lasts: the client chooses.
DURATIONS = ("6_months", "1_year", "until_withdrawn")


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has no such day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def last_day(duration: str, today: date) -> date | None:
    """The last day a consent given today is in force, or None when it lasts until withdrawn."""
    return {"6_months": add_months(today, 6), "1_year": add_months(today, 12)}.get(duration)


def expires_at(duration: str, today: date) -> datetime | None:
    """The consent is in force to the end of its last day in Helsinki."""
    day = last_day(duration, today)
    return datetime.combine(day, time(23, 59, 59), HELSINKI) if day else None


def duration_label(duration: str, today: date) -> str:
    day = last_day(duration, today)
    if duration == "6_months":
        return _("For 6 months, until %(date)s", date=format_date(day))
    if duration == "1_year":
        return _("For one year, until %(date)s", date=format_date(day))
    return _("Until I withdraw it")


LAWFUL_BASIS = "GDPR 6(1)(a)"
LAWFUL_BASIS_SPECIAL = "GDPR 6(1)(a), 9(2)(a)"  # explicit consent to health or social details


def lawful_basis(category: DataCategory) -> str:
    return LAWFUL_BASIS_SPECIAL if category.special_category else LAWFUL_BASIS


HEADINGS = {
    "what": _l("What information"),
    "who": _l("Who can see it"),
    "records": _l("Who records it"),
    "why": _l("Why"),
    "how_long": _l("For how long"),
    "withdraw": _l("How to withdraw"),
    "choice": _l("Your choice"),
}


@dataclass(frozen=True, slots=True)
class Notice:
    """The notice's items in order, each a heading and its text, in the reader's language."""

    items: tuple[tuple[str, str, str], ...]  # (key, heading, text)

    def text(self, chosen_duration: str) -> str:
        """The notice as one text, with the duration the client chose in its place: what the event keeps."""
        lines = []
        for key, heading, text in self.items:
            lines.append(f"{heading}: {chosen_duration if key == 'how_long' else text}")
        return "\n".join(lines)

    @staticmethod
    def digest(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def notice(organisation: Organisation, category: DataCategory, purpose: Purpose, controllers: list[str],
           locale: str) -> Notice:
    what = f"{category.name(locale)}. {category.description(locale)}"
    if category.special_category:
        what += " " + _("This is sensitive information about your health or social situation. Sharing it is "
                        "always your choice.")
    items = [
        ("what", what),
        ("who", _("%(organisation)s: the staff who work with you.", organisation=organisation.name(locale))),
        ("records", ", ".join(controllers) or _("The organisation that records this information.")),
        ("why", f"{purpose.name(locale)}. {purpose.description(locale)}"),
        ("how_long", _("You choose below.")),
        ("withdraw", _("You can withdraw your consent at any time on the page “Sharing my data”, with one "
                       "button. From then on the organisation can no longer see this information. Withdrawing "
                       "does not undo what it saw before.")),
        ("choice", _("You decide. If you do not agree, the organisation cannot see this information. You can "
                     "tell its staff yourself what they need to know.")),
    ]
    return Notice(tuple((key, str(HEADINGS[key]), text) for key, text in items))
