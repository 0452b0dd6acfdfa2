from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import RadioField
from wtforms.validators import InputRequired

from ..common.forms import PortalForm
from .notice import DURATIONS, duration_label


class ConsentActionForm(PortalForm):
    """Withdraw, decline: the action is in the URL, the form carries only the CSRF token."""


class GiveConsentForm(PortalForm):
    duration = RadioField(
        _l("For how long can the organisation see it?"),
        description=_l("You can withdraw your consent before that at any time."),
        validators=[InputRequired(_l("Choose for how long the organisation can see it"))],
    )

    def __init__(self, today: date, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.duration.choices = [(key, duration_label(key, today)) for key in DURATIONS]
