from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired

from ..common.forms import PortalForm, SafeText, normalise

STATES = {
    "attention": _l("Needs attention"),
    "notices": _l("A notice from the client to handle"),
    "cant_do": _l("Can't do a step"),
    "overdue": _l("A step is overdue"),
    "draft": _l("A draft waits for agreement"),
    "today": _l("Appointment today"),
}


class FindClientForm(PortalForm):
    class Meta:
        csrf = False  # a search: GET, changes nothing

    name = StringField(_l("Client's name"), filters=[normalise], validators=[SafeText(100)])
    state = RadioField(_l("Show"), choices=[SelectChoice("", _l("All clients")),
                                            *(SelectChoice(key, label) for key, label in STATES.items())],
                       validate_choice=False, default="")


class ConsentRequestForm(PortalForm):
    category = RadioField(_l("What would you like to see?"), choices=[], validate_choice=False,
                          validators=[InputRequired(_l("Choose what you would like to see"))])
    purpose = RadioField(_l("Why do you need it?"), choices=[], validate_choice=False,
                         validators=[InputRequired(_l("Choose why you need it"))])
    message = TextAreaField(
        _l("Your message to the client"),
        description=_l("Say in your own words what you would use it for. The client reads this when they decide."),
        filters=[normalise],
        validators=[DataRequired(_l("Write a message to the client")), SafeText(1000, multiline=True)],
    )


class AddMemberForm(PortalForm):
    organisation = RadioField(_l("Which organisation starts working with the client?"), choices=[],
                              validate_choice=False,
                              validators=[InputRequired(_l("Choose the organisation"))])
    role = StringField(_l("Their role, as the client will see it"),
                       description=_l("For example: Your work coach"), filters=[normalise],
                       validators=[DataRequired(_l("Write their role")), SafeText(200)])
    reason = TextAreaField(_l("Why?"), description=_l("This is recorded with your name."), filters=[normalise],
                           validators=[DataRequired(_l("Write why")), SafeText(1000, multiline=True)])


class EndMemberForm(PortalForm):
    reason = TextAreaField(_l("Why does the organisation stop working with the client?"),
                           description=_l("This is recorded with your name. The client sees it."),
                           filters=[normalise],
                           validators=[DataRequired(_l("Write why")), SafeText(1000, multiline=True)])
