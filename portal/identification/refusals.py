"""Why a sign-in through an identity provider was refused. Only the reason's code is logged, never a claim."""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    EXPIRED = "expired"  # no sign-in under way in this browser, or another one's state: used, too old, forged
    CANCELLED = "cancelled"  # the person cancelled at the provider
    PROVIDER_ERROR = "provider_error"  # the provider answered with an error
    NOT_CONFIRMED = "not_confirmed"  # the token exchange or the ID token failed a check
    ASSURANCE = "assurance"  # identified, but not strongly enough
    UNAVAILABLE = "unavailable"  # the provider could not be reached, or is not set up right


class Refused(Exception):
    def __init__(self, reason: Reason, detail: str = "") -> None:
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)
        self.reason = reason
        self.detail = detail  # for the log: what failed, never a claim's value
