"""Language choice, translations compiled from the committed .po files, and Helsinki dates in each locale."""

from __future__ import annotations

import os
import unicodedata
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, g, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup, escape

HELSINKI = ZoneInfo("Europe/Helsinki")
LANGUAGE_COOKIE = "lang"
LANGUAGE_NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}

# Date formats are part of each language, like its words: weekday always shown for appointments.
DATE_PATTERNS = {
    "fi": {"date": "EEE d.M.yyyy", "datetime": "EEE d.M.yyyy 'klo' H.mm", "time": "H.mm"},
    "sv": {"date": "EEE d.M.yyyy", "datetime": "EEE d.M.yyyy 'kl.' H.mm", "time": "H.mm"},
    "en": {"date": "EEE d MMM yyyy", "datetime": "EEE d MMM yyyy 'at' HH:mm", "time": "HH:mm"},
}


def compile_translations(app: Flask) -> None:
    """Only .po files are committed; .mo files are made from them when missing or older."""
    root = Path(app.config["BABEL_TRANSLATION_DIRECTORIES"])
    for po_path in root.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        tmp = mo_path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        os.replace(tmp, mo_path)  # atomic: workers starting together never read half a file


WITHOUT_THE_DATABASE = "without_the_database"  # a flag on `g`: the page being made must not read the database


def select_locale() -> Locale:
    """The language of the pages: a signed-in person's saved language (the one their reminders come in), else
    this browser's choice on the language links, else the browser's Accept-Language; Finnish by default.

    The switch saves the account's language when the person uses it on our pages, so for them it changes both.
    A link from another site changes only the cookie, which a signed-in person's saved language outranks."""
    languages = current_app.config["LANGUAGES"]
    saved = None
    # the error page is made without the database: loading the signed-in person would fail again
    if not g.get(WITHOUT_THE_DATABASE) and current_user.is_authenticated:
        saved = getattr(current_user, "locale", None)
    chosen = saved if saved in languages else request.cookies.get(LANGUAGE_COOKIE)
    if chosen not in languages:
        chosen = request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    return _locale(chosen)


@lru_cache(maxsize=16)
def _locale(code: str) -> Locale:
    """Babel's Locale for a language code, parsed once: Flask-Babel parses what the selector gives on every
    request, unless it is a Locale already."""
    return Locale.parse(code)


# Finnish and Swedish put å, ä and ö after z, as letters of their own (æ sorts as ä, ø as ö); other accents
# sort with their base letter (é with e, ü with u).
_AFTER_Z = {"fi": {"å": 1, "ä": 2, "æ": 2, "ö": 3, "ø": 3}, "sv": {"å": 1, "ä": 2, "æ": 2, "ö": 3, "ø": 3}}


def alphabetical_key(name: str, locale: str) -> str:
    """A sort key for a name shown in `locale`: case-insensitive, in that language's alphabetical order."""
    after_z = _AFTER_Z.get(locale, {})
    key = []
    for char in name.casefold():
        if char in after_z:
            key.append("z" + chr(0x10FFF0 + after_z[char]))  # above every letter: after z, zz, zzz…
        else:
            key.append("".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)))
    return "".join(key)


def select_timezone() -> str:
    return "Europe/Helsinki"


def locale_code() -> str:
    """The request's language code ("fi", "sv" or "en")."""
    return str(get_locale() or "fi")


def today_in_helsinki() -> date:
    return datetime.now(HELSINKI).date()


def format_date(value: date | datetime | None) -> str:
    """A day in the reader's language; for a moment (a datetime), the day it was in Helsinki."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(HELSINKI).date()
    return format_date_in(value, locale_code())


@lru_cache(maxsize=8192)
def format_date_in(value: date, code: str) -> str:
    """Babel's formatting is slow and a date always looks the same in a language: done once per date."""
    return babel_format_date(value, DATE_PATTERNS[code]["date"], locale=code)


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    code = locale_code()
    local = value.astimezone(HELSINKI) if value.tzinfo else value.replace(tzinfo=UTC).astimezone(HELSINKI)
    return babel_format_datetime(local, DATE_PATTERNS[code]["datetime"], tzinfo=HELSINKI, locale=code)


def format_time(value: datetime | None) -> str:
    if value is None:
        return ""
    code = locale_code()
    return babel_format_datetime(value, DATE_PATTERNS[code]["time"], tzinfo=HELSINKI, locale=code)


def marked(text: object) -> Markup:
    """Text that may be in another language than the page (what staff typed, a name kept in one language):
    wrapped in <span lang="…"> when its language (InLanguage.lang) is not the page's, so that screen readers
    read it in its own language and it hyphenates by its own rules (WCAG 3.1.2)."""
    lang = getattr(text, "lang", None)
    if not lang or lang == locale_code():
        return escape(text)
    return Markup('<span lang="{}">{}</span>').format(lang, text)


def language_links() -> list[tuple[str, str, str | None]]:
    """The language switch: each language's code, name and the link that switches to it and comes back here
    (None for the page's own language)."""
    current = locale_code()
    back = "?" + urlencode({"next": request.full_path.rstrip("?")}, safe="/")
    return [
        (code, name, None if code == current else url_for("auth.switch_language", code=code) + back)
        for code, name in LANGUAGE_NAMES.items()
    ]


def init_app(app: Flask) -> None:
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["isodate"] = date.fromisoformat  # a day kept as text (a plan version's due dates)
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["time"] = format_time
    app.jinja_env.filters["marked"] = marked
    app.jinja_env.policies["ext.i18n.trimmed"] = True  # Flask-Babel has installed gettext and ngettext
    app.jinja_env.globals.update(locale_code=locale_code, language_links=language_links)
