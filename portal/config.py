"""Configuration from environment variables, with defaults that are safe in production. The local demo
(scripts/demo) turns off what needs HTTPS: PORTAL_SECURE_COOKIES=0."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"


def _env_bool(name: str, default: bool, environ: Mapping[str, str] = os.environ) -> bool:
    value = environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(variable: str = "PORTAL_SECRET_KEY", file_name: str = "secret_key") -> str:
    """A key from the environment, or one kept in instance/ so that all workers and restarts share it."""
    key = os.environ.get(variable)
    if key:
        return key
    INSTANCE_DIR.mkdir(mode=0o700, exist_ok=True)
    key_file = INSTANCE_DIR / file_name
    if not key_file.exists():
        tmp = key_file.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(secrets.token_urlsafe(48))
        tmp.chmod(0o600)
        os.replace(tmp, key_file) if not key_file.exists() else tmp.unlink()
    return key_file.read_text().strip()


def default_database_url() -> str:
    INSTANCE_DIR.mkdir(mode=0o700, exist_ok=True)
    return f"sqlite:///{INSTANCE_DIR / 'portal.sqlite3'}"


def from_environment() -> dict[str, object]:
    database_url = os.environ.get("DATABASE_URL") or default_database_url()
    redis_url = os.environ.get("REDIS_URL")
    return {
        "SECRET_KEY": _secret_key(),
        "DATABASE_URL": database_url,
        "SESSION_COOKIE_NAME": "portal_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Secure (HTTPS only) and then named with the __Host- prefix (common/sessions.py)
        "SESSION_COOKIE_SECURE": _env_bool("PORTAL_SECURE_COOKIES", True),
        "REMEMBER_COOKIE_DURATION": 0,
        "SESSION_IDLE_MINUTES": int(os.environ.get("PORTAL_SESSION_IDLE_MINUTES", "20")),
        "SESSION_MAX_HOURS": int(os.environ.get("PORTAL_SESSION_MAX_HOURS", "12")),
        "SESSION_WARNING_MINUTES": int(os.environ.get("PORTAL_SESSION_WARNING_MINUTES", "2")),
        "WTF_CSRF_TIME_LIMIT": int(os.environ.get("PORTAL_CSRF_TIME_LIMIT", "3600")),
        "WTF_CSRF_CHECK_DEFAULT": False,
        "WTF_CSRF_HEADERS": ["X-CSRFToken"],
        # Sign-in counters (common/limits.py): shared by every process and server through Redis
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_ENABLED": _env_bool("PORTAL_RATELIMIT_ENABLED", True),
        "LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS": os.environ.get("PORTAL_LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS",
                                                              "5 per 15 minutes"),
        "LOGIN_LIMIT_PER_ACCOUNT": os.environ.get("PORTAL_LOGIN_LIMIT_PER_ACCOUNT", "30 per 15 minutes"),
        "LOGIN_LIMIT_PER_ADDRESS": os.environ.get("PORTAL_LOGIN_LIMIT_PER_ADDRESS", "30 per 15 minutes"),
        "TRUSTED_PROXY_COUNT": int(os.environ.get("PORTAL_TRUSTED_PROXY_COUNT", "0")),
        "FEEDBACK_EMAIL": os.environ.get("PORTAL_FEEDBACK_EMAIL", "saavutettavuus@example.fi"),
        "BABEL_DEFAULT_LOCALE": "fi",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Helsinki",
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
        "LANGUAGES": ("fi", "sv", "en"),
        "MAX_CONTENT_LENGTH": 256 * 1024,
        "MAX_FORM_MEMORY_SIZE": 256 * 1024,
        # Reminders: e-mail over SMTP, SMS through a pluggable sender ("module:Class"; logs by default).
        "SMTP_HOST": os.environ.get("SMTP_HOST", "localhost"),
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", "25")),
        "SMTP_FROM": os.environ.get("SMTP_FROM", "no-reply@example.fi"),
        "SMTP_USER": os.environ.get("SMTP_USER", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _env_bool("SMTP_STARTTLS", False),
        "SMTP_TIMEOUT": float(os.environ.get("SMTP_TIMEOUT", "30")),
        "SMS_SENDER": os.environ.get("SMS_SENDER", "portal.reminders.senders:LoggingSmsSender"),
        "PORTAL_BASE_URL": os.environ.get("PORTAL_BASE_URL", "http://localhost:5000"),
        # Identification. Password sign-in: "off" (production default), "staff" (staff of organisations
        # without a sign-in of their own) or "all" (the local demo).
        "PASSWORD_SIGN_IN": os.environ.get("PORTAL_PASSWORD_SIGN_IN", "off").strip().lower(),
        # Keys the hash of a person's identifier. Its own secret: changing the session key must not lose anyone.
        "IDENTIFIER_KEY": _secret_key("PORTAL_IDENTIFIER_KEY", "identifier_key"),
        # The portal's own private keys (a JWKS file): they sign private_key_jwt and decrypt ID tokens; their
        # public halves are published at /identification/jwks.json. Made in instance/ for a local demo.
        "OIDC_KEYS_FILE": os.environ.get("PORTAL_OIDC_KEYS_FILE", str(INSTANCE_DIR / "oidc_keys.json")),
        "OIDC_TIMEOUT": float(os.environ.get("PORTAL_OIDC_TIMEOUT", "10")),
        # Upcoming appointments a client may book online with one organisation (0: no limit); staff may book more
        "MAX_UPCOMING_PER_ORGANISATION": int(os.environ.get("PORTAL_MAX_UPCOMING_APPOINTMENTS", "3")),
    }


def unshared_counters(workers: int, environ: Mapping[str, str] = os.environ) -> str | None:
    """Why more than one worker process must not start, if it must not: each would count sign-in tries on
    its own and so multiply the limits (gunicorn.conf.py asks this before it starts any)."""
    throttled = _env_bool("PORTAL_RATELIMIT_ENABLED", True, environ)
    if workers > 1 and throttled and not environ.get("REDIS_URL"):
        return (f"{workers} worker processes would each count sign-in tries on their own, multiplying the "
                "limits. Set REDIS_URL (the store every process and server shares), or run one worker.")
    return None
