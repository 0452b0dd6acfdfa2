from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, Field, PasswordField
from wtforms.validators import EqualTo, InputRequired, Length, ValidationError

from ..common.forms import PortalForm, SafeText
from .passwords import Weakness, weakness

MIN_LENGTH, MAX_LENGTH = 12, 200
# What makes a new password easy to guess, and what to do instead: each a whole message.
WEAKNESS_MESSAGES = {
    Weakness.PERSONAL: _l("Choose a password that is harder to guess: do not use your name or email address in "
                          "it. Try a few words in a row that have nothing to do with each other."),
    Weakness.COMMON: _l("Choose a password that is harder to guess: this is one of the most common passwords, "
                        "or has one in it. Try a few words in a row that have nothing to do with each other."),
    Weakness.SEQUENCE: _l("Choose a password that is harder to guess: avoid sequences and rows of keys, such as "
                          "abcd, 1234 or qwerty. Try a few words in a row that have nothing to do with each other."),
    Weakness.REPEAT: _l("Choose a password that is harder to guess: avoid repeats, such as aaaa or abcabc. Try a "
                        "few words in a row that have nothing to do with each other."),
    Weakness.DATE: _l("Choose a password that is harder to guess: avoid dates and years, such as a year of "
                      "birth. Try a few words in a row that have nothing to do with each other."),
    Weakness.OTHER: _l("Choose a password that is harder to guess: add another word or two. Words that have "
                       "nothing to do with each other are best."),
}


class NotEasyToGuess:
    """Refuses a password that is common, made of the person's own name or email address, or otherwise easy
    to guess, with what to do instead. The form carries the person's words (`personal`)."""

    def __call__(self, form: ChangePasswordForm, field: Field) -> None:
        if not MIN_LENGTH <= len(field.data or "") <= MAX_LENGTH:
            return  # the length's own message says what to do
        found = weakness(field.data or "", form.personal)
        if found is not None:
            raise ValidationError(WEAKNESS_MESSAGES[found])


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
    personal: tuple[str, ...] = ()  # the person's name and email address, in words (passwords.personal_words)

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
            Length(min=MIN_LENGTH, message=_l("Use at least 12 characters")),
            Length(max=MAX_LENGTH, message=_l("Use 200 characters or fewer")),
            NotEasyToGuess(),
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
