"""Words the sharing pages use for states, channels, bases and purposes of reads, translated once."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ..common.i18n import LANGUAGE_NAMES
from .notice import LAWFUL_BASIS, LAWFUL_BASIS_SPECIAL

EVENT_WORDS = {
    "requested": _l("Consent asked for"),
    "given": _l("Consent given"),
    "refused": _l("Request declined"),
    "withdrawn": _l("Consent withdrawn"),
    "expired": _l("Consent ended"),
}

CHANNEL_WORDS = {
    "online": _l("Online, in this service"),
    "in_person": _l("In person, with a member of staff"),
    "system": _l("Automatically, by this service"),
}

LAWFUL_BASIS_WORDS = {
    LAWFUL_BASIS: _l("Your consent (EU General Data Protection Regulation, Article 6(1)(a))"),
    LAWFUL_BASIS_SPECIAL: _l("Your explicit consent (EU General Data Protection Regulation, Articles 6(1)(a) and "
                             "9(2)(a))"),
}

# Why a staff member's read of the client's data was allowed or refused (the tag beside it says which).
BASIS_WORDS = {
    "controller": _l("The organisation records this information itself."),
    "own_record": _l("It was the organisation's own record, such as your appointment with it."),
    "consent": _l("You had given your consent."),
    "law": _l("A law allows it."),
    "not_shared": _l("You have not shared this with the organisation."),
    "not_in_team": _l("The organisation does not work with you, so it was shown nothing."),
}


def log_words() -> dict[str, object]:
    """The words of each entry of "Who viewed my data", translated once per page (25 entries each use them)."""
    return {
        "who": gettext("Who"), "what": gettext("What"), "why": gettext("Why"), "allowed": gettext("Allowed"),
        "refused": gettext("Refused"), "nothing": gettext("Your information (nothing was shown)"),
        "basis": {basis: str(words) for basis, words in BASIS_WORDS.items()},
    }


def helpers() -> dict[str, object]:
    return {"event_words": EVENT_WORDS, "channel_words": CHANNEL_WORDS, "lawful_basis_words": LAWFUL_BASIS_WORDS,
            "basis_words": BASIS_WORDS, "language_names": LANGUAGE_NAMES}
