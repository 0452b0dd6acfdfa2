from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional

from ..common.forms import DateParts, NotBefore, PortalForm, SafeText, normalise, revision_field
from ..common.i18n import today_in_helsinki


class RevisionForm(PortalForm):
    """A change written against what the person saw: the revision they saw comes back with it."""

    revision = revision_field()


class GoalsForm(RevisionForm):
    goals = TextAreaField(
        _l("The client's goals"),
        description=_l("In the client's own words, as you agreed them together."),
        filters=[normalise],
        validators=[DataRequired(_l("Write the client's goals")), SafeText(2000, multiline=True)],
    )


class StartPlanForm(PortalForm):
    goals = GoalsForm.goals


class StepForm(RevisionForm):
    title = StringField(_l("What will the client do?"), description=_l("For example: Apply for four jobs"),
                        filters=[normalise], validators=[DataRequired(_l("Write what the client will do")),
                                                         SafeText(200)])
    description = TextAreaField(
        _l("How to do it, and why it matters (optional)"),
        description=_l("A few plain sentences the client reads on the step's page."),
        filters=[normalise], validators=[Optional(), SafeText(2000, multiline=True)])
    responsible = RadioField(_l("Who is responsible?"), choices=[], validate_choice=False,
                             validators=[InputRequired(_l("Choose who is responsible"))])
    service = RadioField(_l("Service (optional)"), choices=[], validate_choice=False, default="none")
    due_date = DateParts(
        _l("By when? (optional)"), description=_l("For example, 27 3 2027"),
        validators=[NotBefore(today_in_helsinki, _l("The date must be today or later"))])


class AgreeInPersonForm(PortalForm):
    fingerprint = HiddenField()
    confirmed = BooleanField(
        _l("The client has read this version of the plan with me and agrees to it"),
        validators=[DataRequired(_l("Confirm that the client has read the plan and agrees to it"))])
