"""Password hashing (argon2) and strength (zxcvbn)."""

from __future__ import annotations

import enum
import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

_hasher = PasswordHasher()
# Verifying against this when the account does not exist takes as long as a real check.
_DUMMY_HASH = _hasher.hash("not a real password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


# Words zxcvbn's English lists miss but people here choose: it counts them as easy to guess.
LOCAL_WORDS = (
    "salasana", "lösenord", "tunnussana", "kissa", "koira", "aurinko", "rakkaus", "muumi", "perkele", "sisu",
    "suomi", "finland", "sverige", "helsinki", "helsingfors", "espoo", "vantaa", "tampere", "turku", "oulu",
    "kela", "fpa", "työnhakija", "tyonhakija", "arbetssökande", "portaali", "työllisyys", "tyollisyys",
)
# zxcvbn's score: 3 is "safely unguessable" (at least 10^8 guesses), what online guessing cannot reach.
STRONG_ENOUGH = 3
# zxcvbn's own limit: a longer password is judged by its start (the rest only makes it stronger).
ZXCVBN_MAX_LENGTH = 72


class Weakness(enum.StrEnum):
    PERSONAL = "personal"  # the person's name or email address in it
    COMMON = "common"  # a common password, or one with a common password in it
    SEQUENCE = "sequence"  # abcd, 1234, qwerty
    REPEAT = "repeat"  # aaaa, abcabc
    DATE = "date"  # a date or a year
    OTHER = "other"


def personal_words(*values: str) -> list[str]:
    """The parts of a name and an email address someone could guess a password from."""
    words: set[str] = set()
    for value in values:
        value = value.lower()
        words.add(value)
        words.update(part for part in re.split(r"[\s@._+\-]+", value) if part)
    return sorted(words)


def weakness(password: str, personal: tuple[str, ...] | list[str]) -> Weakness | None:
    """Why `password` is easy to guess, or None if it is not (ASVS 6.2: context words, common passwords,
    zxcvbn's estimate of the guesses it takes)."""
    lowered = password.lower()
    if any(len(word) >= 3 and word in lowered for word in personal):
        return Weakness.PERSONAL
    found = zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=[*personal, *LOCAL_WORDS])
    if found["score"] >= STRONG_ENOUGH:
        return None
    patterns = {match["pattern"] for match in found["sequence"]}
    dictionaries = {match.get("dictionary_name") for match in found["sequence"]}
    if dictionaries & {"passwords", "user_inputs"}:
        return Weakness.COMMON
    if patterns & {"sequence", "spatial"}:
        return Weakness.SEQUENCE
    if "repeat" in patterns:
        return Weakness.REPEAT
    if patterns & {"date", "regex"}:
        return Weakness.DATE
    return Weakness.OTHER
