from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired

from ..common.forms import PortalForm, SafeText, normalise


class AnswerForm(PortalForm):
    answer = TextAreaField(
        _l("Your answer to the client"),
        description=_l("The client sees it with your name and your organisation's. Write in plain words what "
                       "happens next."),
        filters=[normalise],
        validators=[DataRequired(_l("Write your answer to the client")), SafeText(2000, multiline=True)],
    )


class HandledForm(PortalForm):
    """Mark as handled: the action is in the URL, the form carries only the CSRF token."""
