from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField
from wtforms.validators import EqualTo, InputRequired, Length

from ..common.forms import PortalForm, SafeText


class SignInForm(PortalForm):
    email = EmailField(
        _l("Email address"),
        validators=[InputRequired(_l("Enter your email address")), SafeText(254)],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(_l("Enter your password")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )


class ChangePasswordForm(PortalForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[InputRequired(_l("Enter your current password"))],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"),
        description=_l("Use at least 12 characters. A few words in a row are easy to remember."),
        validators=[
            InputRequired(_l("Enter a new password")),
            Length(min=12, message=_l("Use at least 12 characters")),
            Length(max=200, message=_l("Use 200 characters or fewer")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirm_password = PasswordField(
        _l("Type the new password again"),
        validators=[
            InputRequired(_l("Type the new password again")),
            EqualTo("new_password", message=_l("The passwords do not match. Type the same password twice.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
