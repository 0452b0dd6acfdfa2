"""The client's booking questions, one a page. Choices are filled in by the view from what is free now."""

from __future__ import annotations

import uuid

from flask_babel import lazy_gettext as _l
from wtforms import Field, HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional, StopValidation

from ..common.forms import PortalForm, SafeText, normalise
from ..common.ids import parse_uuid
from ..plan.forms import REASON_LABELS


class OneOfTheList:
    """A tampered or stale value gets a sentence that says what to do, never a 500 or 'Not a valid choice'."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: PortalForm, field: Field) -> None:
        if field.data not in {str(value) for value, *_ in field.choices}:
            raise StopValidation(self.message)


def _radio(label: str, missing: str, stale: str, **kwargs: object) -> RadioField:
    return RadioField(label, choices=[], validate_choice=False,
                      validators=[InputRequired(missing), OneOfTheList(stale)], **kwargs)


class ChooseForm(PortalForm):
    what = _radio(
        _l("What do you want to talk about?"),
        _l("Choose what the appointment is about"),
        _l("That choice is no longer available. Choose one of the options on the list."),
        description=_l("You see the agencies and services that have free times now."),
    )


class DayForm(PortalForm):
    day = _radio(
        _l("Which day suits you?"),
        _l("Choose a day"),
        _l("There are no free times on that day any more. Choose one of the days on the list."),
    )


class TimeForm(PortalForm):
    slot = _radio(
        _l("What time suits you?"),
        _l("Choose a time"),
        _l("That time cannot be booked. Choose one of the free times on the list."),
    )


INTERPRETER_CHOICES = [SelectChoice("no", _l("No")), SelectChoice("yes", _l("Yes"))]


class NeedsForm(PortalForm):
    interpreter = RadioField(
        _l("Do you need an interpreter?"),
        choices=INTERPRETER_CHOICES,
        validate_choice=False,
        validators=[InputRequired(_l("Choose whether you need an interpreter")),
                    OneOfTheList(_l("Choose Yes or No"))],
    )
    language = StringField(
        _l("Which language?"),
        description=_l("For example: Arabic, Somali, sign language"),
        filters=[normalise],
        validators=[Optional(), SafeText(60)],
    )
    other_needs = TextAreaField(
        _l("Do you need anything else to take part? (optional)"),
        description=_l("For example: step-free access, a hearing loop, or a quiet room. Do not write health "
                       "details you do not want to share."),
        filters=[normalise],
        validators=[Optional(), SafeText(500, multiline=True)],
    )

    def validate(self, extra_validators: dict | None = None) -> bool:  # type: ignore[type-arg]
        valid = super().validate(extra_validators)
        if self.interpreter.data == "yes" and not self.language.data and not self.language.errors:
            self.language.errors = [*self.language.errors, _l("Enter the language you need an interpreter for")]
            valid = False
        return valid


class ConfirmForm(PortalForm):
    """The check-answers page sends back the time it showed and a key that makes a second submit harmless."""

    idempotency_key = HiddenField()
    slot_id = HiddenField()

    def key(self) -> uuid.UUID | None:
        return parse_uuid(self.idempotency_key.data)


def _reasons(label: object, missing: object) -> RadioField:
    return RadioField(
        label,
        choices=[SelectChoice(reason.value, text) for reason, text in REASON_LABELS.items()],
        validate_choice=False,
        validators=[InputRequired(missing), OneOfTheList(_l("Choose one of the reasons on the list"))],
    )


def _detail() -> TextAreaField:
    return TextAreaField(
        _l("Tell us more (optional)"),
        description=_l("Do not write health details you do not want to share."),
        filters=[normalise],
        validators=[Optional(), SafeText(1000, multiline=True)],
    )


class _ReasonForm(PortalForm):
    """Why an appointment is given up: a reason from the list, and more words (needed for "Something else")."""

    reason: RadioField
    detail: TextAreaField
    other_missing: object = ""
    # "yes" once the client has been offered an interpreter instead and still gives the appointment up
    anyway = HiddenField()

    def validate(self, extra_validators: dict | None = None) -> bool:  # type: ignore[type-arg]
        valid = super().validate(extra_validators)
        if self.reason.data == "other" and not self.detail.data and not self.detail.errors:
            self.detail.errors = [*self.detail.errors, self.other_missing]
            valid = False
        return valid


class CantComeForm(_ReasonForm):
    """'I can't come': the client tells the team why (the appointment is cancelled)."""

    reason = _reasons(_l("Why can't you come?"), _l("Choose the reason you can't come"))
    detail = _detail()
    other_missing = _l("Tell us why you can't come")


class CancelAppointmentForm(_ReasonForm):
    """Cancel appointment: its own words, not those of 'I can't come'."""

    reason = _reasons(_l("Why do you want to cancel?"), _l("Choose why you want to cancel"))
    detail = _detail()
    other_missing = _l("Tell us why you want to cancel")


CancelForm = CantComeForm  # the earlier name of the "I can't come" form


class InterpreterForm(PortalForm):
    """Instead of giving an appointment up for want of an interpreter: ask for one at it. Carries what the client
    wrote on the cancel page, for the button that gives the appointment up anyway."""

    language = StringField(
        _l("Which language do you need an interpreter for?"),
        description=_l("For example: Arabic, Somali, sign language"),
        filters=[normalise],
        validators=[InputRequired(_l("Enter the language you need an interpreter for")), SafeText(60)],
    )
    detail = HiddenField(filters=[normalise])
    cant_come = HiddenField()  # "yes" when the client came from "I can't come", not "Cancel appointment"
