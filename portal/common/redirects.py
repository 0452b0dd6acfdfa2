"""Where a redirect may go after sign-in, a language switch or "stay signed in"."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# A line break would end the Location header early (header injection; werkzeug refuses it with a 500).
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f]")


def safe_next(target: str | None, fallback: str = "/") -> str:
    """Only a path on this site: never an open redirect, never a control character."""
    if not target or CONTROL_CHARACTERS.search(target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    return target.rstrip("?")
