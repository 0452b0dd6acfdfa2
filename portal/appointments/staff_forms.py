"""Staff forms: publish slots (one or many), book a client directly."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import date, time, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    Field,
    HiddenField,
    IntegerField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from ..common.forms import DateParts, NotBefore, PortalForm, SafeText, normalise
from ..common.i18n import format_date, today_in_helsinki
from ..common.ids import parse_uuid
from ..models.translated import LANGUAGES
from .forms import OneOfTheList
from .view import MODE_WORDS

TIME = re.compile(r"^([01]?\d|2[0-3])[.:]([0-5]\d)$")

WEEKDAYS = [
    SelectChoice("0", _l("Monday")), SelectChoice("1", _l("Tuesday")), SelectChoice("2", _l("Wednesday")),
    SelectChoice("3", _l("Thursday")), SelectChoice("4", _l("Friday")), SelectChoice("5", _l("Saturday")),
    SelectChoice("6", _l("Sunday")),
]
LENGTHS = [SelectChoice(str(n), _l("%(num)d minutes", num=n)) for n in (15, 30, 45, 60, 90)]
MODES = [SelectChoice(value, label) for value, label in MODE_WORDS.items()]
WHO = [SelectChoice("public", _l("Clients can book online")),
       SelectChoice("internal", _l("Only staff can book (internal calendar)"))]


def a_year_ahead() -> date:
    """The furthest day staff can publish or book: a year from today (Helsinki)."""
    return today_in_helsinki() + timedelta(days=365)


class NotAfter:
    """Refuses a day after `latest()`, with a sentence that names the last day allowed."""

    def __init__(self, latest: Callable[[], date], message: Callable[[str], str]) -> None:
        self.latest = latest
        self.message = message

    def __call__(self, form: PortalForm, field: DateParts) -> None:
        latest = self.latest()
        if field.data is not None and field.data > latest:
            field.bad_parts = {"day", "month", "year"}
            raise StopValidation(self.message(format_date(latest)))


def _publish_limit(latest: str) -> str:
    return _("Times can be published at most a year ahead. Enter %(date)s or earlier.", date=latest)


def _booking_limit(latest: str) -> str:
    return _("Appointments can be booked at most a year ahead. Enter %(date)s or earlier.", date=latest)


class ClockTime:
    """'9.00' or '09:00', Finnish or international style, into field.time."""

    def __call__(self, form: PortalForm, field: Field) -> None:
        found = TIME.match(field.data or "")
        if not found:
            raise StopValidation(_l("Enter a time like 9.00 or 14.30"))
        field.time = time(int(found.group(1)), int(found.group(2)))  # type: ignore[attr-defined]


def _time_field(label: str, missing: str) -> StringField:
    return StringField(label, description=_l("For example, 9.00"), filters=[normalise],
                       validators=[DataRequired(missing), ClockTime()])


# Each in its own language, like the language links: a person who writes Swedish finds "På svenska". The
# question these answer ("Address or room", "Topic") is the legend of their group (staff_appointments/_texts.html).
LANGUAGE_LABELS = {"fi": "Suomeksi", "sv": "På svenska", "en": "In English"}


def _in_language(lang: str) -> StringField:
    return StringField(LANGUAGE_LABELS[lang], filters=[normalise], validators=[Optional(), SafeText(200)],
                       render_kw={"lang": lang})


class _MeetingFields(PortalForm):
    length = RadioField(_l("How long is each appointment?"), choices=LENGTHS, default="45", validate_choice=False,
                        validators=[InputRequired(_l("Choose how long each appointment is")),
                                    OneOfTheList(_l("Choose one of the lengths on the list"))])
    mode = RadioField(_l("How do you meet?"), choices=MODES, default="in_person", validate_choice=False,
                      validators=[InputRequired(_l("Choose how you meet")),
                                  OneOfTheList(_l("Choose one of the ways to meet on the list"))])
    # The place and the topic in each language staff can give them in (the labels are in their own language)
    location_fi = _in_language("fi")
    location_sv = _in_language("sv")
    location_en = _in_language("en")
    topic_fi = _in_language("fi")
    topic_sv = _in_language("sv")
    topic_en = _in_language("en")

    def texts(self, name: str) -> dict[str, str]:
        """{"fi": ..., "sv": ..., "en": ...} of the place ("location") or the topic ("topic")."""
        return {lang: getattr(self, f"{name}_{lang}").data or "" for lang in LANGUAGES}

    def in_languages(self, name: str) -> list[Field]:
        return [getattr(self, f"{name}_{lang}") for lang in LANGUAGES]


class PublishForm(_MeetingFields):
    first_day = DateParts(_l("First day"), description=_l("For example, 27 3 2027"),
                          validators=[DataRequired(_l("Enter the first day")),
                                      NotBefore(lambda: today_in_helsinki(),
                                                _l("The first day must be today or later")),
                                      NotAfter(a_year_ahead, _publish_limit)])
    last_day = DateParts(_l("Last day (optional)"),
                         description=_l("Leave empty to publish times for one day only."),
                         validators=[NotAfter(a_year_ahead, _publish_limit)])
    weekdays = SelectMultipleField(_l("On which weekdays?"), choices=WEEKDAYS, default=["0", "1", "2", "3", "4"],
                                   widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
                                   validate_choice=False)
    start_time = _time_field(_l("From"), _l("Enter the time the first appointment starts"))
    end_time = _time_field(_l("Until"), _l("Enter the time the last appointment ends"))
    service = RadioField(_l("Which service is it for?"), choices=[], validate_choice=False,
                         validators=[InputRequired(_l("Choose a service or “No particular service”")),
                                     OneOfTheList(_l("Choose one of the services on the list"))])
    capacity = IntegerField(_l("How many clients can book each time?"), default=1,
                            validators=[InputRequired(_l("Enter how many clients can book each time")),
                                        NumberRange(1, 50, _l("Enter a number from 1 to 50"))])
    who = RadioField(_l("Who can book these times?"), choices=WHO, default="public", validate_choice=False,
                     validators=[InputRequired(_l("Choose who can book")),
                                 OneOfTheList(_l("Choose one of the options on the list"))])

    def validate_last_day(self, field: DateParts) -> None:
        if field.data and self.first_day.data and field.data < self.first_day.data:
            field.bad_parts = {"day", "month", "year"}
            raise ValidationError(_l("The last day must be the same as or after the first day"))
        if field.data and self.first_day.data and (field.data - self.first_day.data).days > 92:
            field.bad_parts = {"day", "month", "year"}
            raise ValidationError(_l("Publish at most three months at a time"))

    def validate_weekdays(self, field: SelectMultipleField) -> None:
        if not field.data or not set(field.data) <= {c.value for c in WEEKDAYS}:
            raise ValidationError(_l("Choose at least one weekday"))

    def validate_end_time(self, field: StringField) -> None:
        start = getattr(self.start_time, "time", None)
        if start is not None and getattr(field, "time", None) is not None and field.time <= start:  # type: ignore[attr-defined]
            raise ValidationError(_l("The end time must be after the start time"))


STEP_NOT_ON_THE_LIST = _l("That step is not an open step in this client's plan. Choose one of the steps on "
                          "the list.")


class DirectBookForm(_MeetingFields):
    """The view fills in `plan_step` with the open steps of the client the email address belongs to."""

    idempotency_key = HiddenField()
    client_email = StringField(_l("Client's email address"), filters=[normalise],
                               validators=[DataRequired(_l("Enter the client's email address")), SafeText(254)])
    plan_step = RadioField(_l("Which step of the client's plan is this appointment for? (optional)"),
                           description=_l("The client sees the appointment on the page of the step."),
                           choices=[], default="none", validate_choice=False,
                           validators=[Optional(), OneOfTheList(STEP_NOT_ON_THE_LIST)])
    day = DateParts(_l("Day"), description=_l("For example, 27 3 2027"),
                    validators=[DataRequired(_l("Enter the day")),
                                NotBefore(today_in_helsinki, _l("The day must be today or later")),
                                NotAfter(a_year_ahead, _booking_limit)])
    start_time = _time_field(_l("Time"), _l("Enter the time the appointment starts"))
    interpreter_language = StringField(_l("Interpreter language (optional)"), filters=[normalise],
                                       validators=[Optional(), SafeText(60)])
    other_needs = TextAreaField(
        _l("Does the client need anything else to take part? (optional)"),
        description=_l("For example: step-free access, a hearing loop, or a quiet room. Write only what the "
                       "meeting needs."),
        filters=[normalise],
        validators=[Optional(), SafeText(500, multiline=True)],
    )

    def key(self) -> uuid.UUID | None:
        return parse_uuid(self.idempotency_key.data)

    def step_id(self) -> uuid.UUID | None:
        """The chosen step, or None for "No plan step" (or when the question was not shown)."""
        return parse_uuid(self.plan_step.data)
