"""Form pieces every room uses: safe text, day/month/year dates, and the error list for the summary."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, IntegerField
from wtforms.validators import InputRequired, StopValidation, ValidationError
from wtforms.widgets import HiddenInput

# Bidirectional controls can make text read differently from how it is stored ("Trojan Source").
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
OTHER_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class PortalForm(FlaskForm):
    """A FlaskForm whose errors come out in page order, ready for the error summary."""

    class Meta:
        csrf_field_name = "csrf_token"

    def error_list(self) -> list[tuple[str, str]]:
        items: list[tuple[str, str]] = []
        first_field_id = ""
        for field in self:
            if field.type in {"CSRFTokenField", "HiddenField", "SubmitField"}:
                continue
            first_field_id = first_field_id or field_anchor(field)
            for message in field.errors:
                items.append((field_anchor(field), str(message)))
        csrf_field = getattr(self, "csrf_token", None)
        if csrf_field is not None and csrf_field.errors:
            items.insert(0, (first_field_id or "main-content", str(EXPIRED_MESSAGE)))
        return items


EXPIRED_MESSAGE = _l(
    "This page was open for a long time, so for your security nothing was saved. "
    "Check your answers and send them again."
)


def field_anchor(field: Field) -> str:
    """The id the error summary links to: the first input of the field."""
    if getattr(field, "type", "") in {"RadioField", "SelectMultipleField"}:
        choices = list(field.iter_choices())
        return f"{field.id}-0" if choices else field.id
    if getattr(field, "type", "") == "DateParts":
        return f"{field.id}-day"
    return field.id


class SafeText:
    """Refuses what no person types by hand: NUL and other control characters, bidi controls, too much text."""

    def __init__(self, max_length: int, multiline: bool = False) -> None:
        self.max_length = max_length
        self.multiline = multiline

    def __call__(self, form: FlaskForm, field: Field) -> None:
        value = field.data or ""
        if OTHER_CONTROLS.search(value) or (not self.multiline and "\n" in value):
            _show_marked(field, OTHER_CONTROLS.sub(REPLACEMENT, value).replace("\n", " "))
            raise StopValidation(_l("Remove the special characters that cannot be typed on a keyboard."))
        if BIDI_CONTROLS.search(value):
            _show_marked(field, BIDI_CONTROLS.sub(REPLACEMENT, value))
            raise StopValidation(_l("Remove the hidden text-direction characters."))
        if len(value) > self.max_length:
            raise StopValidation(
                _l("Use %(max)d characters or fewer. You used %(used)d.", max=self.max_length, used=len(value))
            )


REPLACEMENT = "\ufffd"


def _show_marked(field: Field, visible: str) -> None:
    """Give the input back with each bad character shown as �, so the person can see where it was."""
    field.data = visible
    field.raw_data = [visible]


def normalise(value: str | None) -> str:
    return unicodedata.normalize("NFC", value or "").strip().replace("\r\n", "\n")


class DateParts(Field):
    """A date typed as day, month and year in three boxes (no JavaScript date picker)."""

    type = "DateParts"

    def __init__(self, label: str | None = None, validators: list | None = None, **kwargs: object) -> None:
        super().__init__(label, validators, **kwargs)
        self.parts: dict[str, str] = {"day": "", "month": "", "year": ""}
        self.bad_parts: set[str] = set()

    def process(self, formdata, data=None, extra_filters=None) -> None:  # type: ignore[no-untyped-def]
        self.process_errors = []
        self.data = data if data is not None else self.default
        if isinstance(self.data, date):
            self.parts = {"day": str(self.data.day), "month": str(self.data.month), "year": str(self.data.year)}
        if formdata is not None:
            self.parts = {part: (formdata.get(f"{self.name}-{part}") or "").strip()[:10] for part in self.parts}
            self.data = None
            self._parse()

    def _parse(self) -> None:
        if not any(self.parts.values()):
            return
        missing = [part for part, value in self.parts.items() if not value]
        if missing:
            self.bad_parts = set(missing)
            self.process_errors.append(_missing_message(missing))
            return
        try:
            day, month, year = (int(self.parts[p]) for p in ("day", "month", "year"))
            if year < 1000:
                raise ValueError
            self.data = date(year, month, day)
        except ValueError:
            self.bad_parts = {"day", "month", "year"}
            self.process_errors.append(_l("Enter a real date, for example 27 3 2027."))

    def pre_validate(self, form: FlaskForm) -> None:
        if self.process_errors:
            raise StopValidation()


def _missing_message(missing: list[str]) -> str:
    messages = {
        ("day",): _l("The date must include a day."),
        ("month",): _l("The date must include a month."),
        ("year",): _l("The date must include a year."),
        ("day", "month"): _l("The date must include a day and a month."),
        ("day", "year"): _l("The date must include a day and a year."),
        ("month", "year"): _l("The date must include a month and a year."),
    }
    return str(messages.get(tuple(missing), _l("Enter a real date, for example 27 3 2027.")))


class NotBefore:
    def __init__(self, earliest: callable, message: str) -> None:  # type: ignore[valid-type]
        self.earliest = earliest
        self.message = message

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if field.data is not None and field.data < self.earliest():
            field.bad_parts = {"day", "month", "year"}  # type: ignore[attr-defined]
            raise ValidationError(self.message)


def revision_field() -> IntegerField:
    """The revision of what a form changes, as the person saw it: a save written against an older one is
    refused instead of overwriting what someone else saved meanwhile."""
    return IntegerField(widget=HiddenInput(), validators=[InputRequired()])


def renew_revision(field: IntegerField, revision: int) -> None:
    """After a refused save: the form, shown again with the person's input, is now written against the current
    revision (a hidden field shows what was sent unless told otherwise)."""
    field.data, field.raw_data = revision, [str(revision)]
