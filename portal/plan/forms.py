from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from ..common.forms import DateParts, NotBefore, PortalForm, SafeText, normalise, revision_field
from ..common.i18n import today_in_helsinki
from ..models import CantDoReason

REASON_LABELS = {
    CantDoReason.HEALTH: _l("My health"),
    CantDoReason.CHILDCARE: _l("Childcare"),
    CantDoReason.TRANSPORT: _l("Getting there (transport)"),
    CantDoReason.LANGUAGE: _l("I do not understand the language well enough"),
    CantDoReason.INTERPRETER: _l("I need an interpreter"),
    CantDoReason.OTHER: _l("Something else"),
}


class StepActionForm(PortalForm):
    """Mark as done, mark as not done: the action is in the URL, the form carries only the CSRF token."""


class CantDoForm(PortalForm):
    reason = RadioField(
        _l("Why can't you do this step?"),
        choices=[SelectChoice(reason.value, label) for reason, label in REASON_LABELS.items()],
        validators=[InputRequired(_l("Choose the reason you can't do this step"))],
    )
    detail = TextAreaField(
        _l("Tell your team more (optional)"),
        description=_l("If you chose “Something else”, tell your team what it is. Do not write health details you "
                       "do not want to share."),
        filters=[normalise],
        validators=[SafeText(1000, multiline=True)],
    )

    def validate_detail(self, field: TextAreaField) -> None:
        if self.reason.data == CantDoReason.OTHER and not field.data:
            raise ValidationError(_l("Tell us why you can't do this step"))


class AddStepForm(PortalForm):
    title = StringField(
        _l("What will you do?"),
        description=_l("For example: Ask a friend to read my CV"),
        filters=[normalise],
        validators=[DataRequired(_l("Enter what you will do")), SafeText(120)],
    )
    description = TextAreaField(
        _l("More details (optional)"),
        filters=[normalise],
        validators=[Optional(), SafeText(2000, multiline=True)],
    )
    due_date = DateParts(
        _l("When will you do it by? (optional)"),
        description=_l("For example, 27 3 2027"),
        validators=[
            NotBefore(today_in_helsinki, _l("The date must be today or later")),
        ],
    )


class AgreeForm(PortalForm):
    fingerprint = HiddenField()


class AskForChangesForm(PortalForm):
    message = TextAreaField(
        _l("What would you like to change?"),
        description=_l("Your contact person at employment services reads this and contacts you."),
        filters=[normalise],
        validators=[DataRequired(_l("Write what you would like to change")), SafeText(2000, multiline=True)],
    )


class ClientGoalsForm(PortalForm):
    revision = revision_field()
    goals = TextAreaField(
        _l("My goals"),
        description=_l("In your own words: what you want to reach, and what matters to you."),
        filters=[normalise],
        validators=[DataRequired(_l("Write your goals")), SafeText(2000, multiline=True)],
    )
