"""Language choice, translations compiled from the committed .po files, and Helsinki dates in each locale."""

from __future__ import annotations

import os
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
from flask_babel import get_locale, get_translations
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from .rendering import link_once

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


def select_locale() -> Locale:
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen not in languages:
        chosen = request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    return _locale(chosen)


@lru_cache(maxsize=16)
def _locale(code: str) -> Locale:
    """Babel's Locale for a language code, parsed once: Flask-Babel parses what the selector gives on every
    request, unless it is a Locale already."""
    return Locale.parse(code)


def select_timezone() -> str:
    return "Europe/Helsinki"


def locale_code() -> str:
    """The request's language code, worked out once per application context (as Flask-Babel caches it)."""
    if not g:  # outside an application context
        return str(get_locale() or "fi")
    code = g.get("_locale_code")
    if code is None:
        code = g._locale_code = str(get_locale() or "fi")
    return code


def _translations():  # type: ignore[no-untyped-def]
    """The request's catalogue, looked up once per application context: Flask-Babel's own lookup costs more
    than the translation itself, and a page makes dozens of them."""
    if not g:
        return get_translations()
    found = g.get("_translations")
    if found is None:
        found = g._translations = get_translations()
    return found


def gettext(string: str, **variables: object) -> str:
    """Flask-Babel's gettext with the request's catalogue found once (see _translations)."""
    translated: str = _translations().ugettext(string)
    return translated % variables if variables else translated


def ngettext(singular: str, plural: str, num: int, **variables: object) -> str:
    """Flask-Babel's ngettext with the request's catalogue found once; `num` is a variable, as there."""
    variables.setdefault("num", num)
    translated: str = _translations().ungettext(singular, plural, num)
    return translated % variables


def today_in_helsinki() -> date:
    return datetime.now(HELSINKI).date()


@pass_context
def _jinja_gettext(context: Context, string: str, **variables: object) -> str:
    """Jinja's own new-style gettext (jinja2.ext._make_new_gettext), called directly: `_()` in a template
    otherwise goes through three Context.call layers, and a page has dozens of them."""
    rv = _translations().ugettext(string)
    if context.eval_ctx.autoescape:
        rv = Markup(rv)
    # Always a format string, as in Jinja; `rv % {}` is rv itself when it has no "%".
    return rv % variables if variables or "%" in rv else rv


@pass_context
def _jinja_ngettext(context: Context, singular: str, plural: str, num: int, **variables: object) -> str:
    variables.setdefault("num", num)
    rv = _translations().ungettext(singular, plural, num)
    if context.eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % variables


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


def language_links() -> list[tuple[str, str, str | None]]:
    """The language switch: each language's code, name and the link that switches to it and comes back here
    (None for the page's own language)."""
    current = locale_code()
    back = "?" + urlencode({"next": request.full_path.rstrip("?")}, safe="/")
    return [
        (code, name, None if code == current else
         link_once(lambda code=code: url_for("pages.switch_language", code=code), "pages.switch_language", code) + back)
        for code, name in LANGUAGE_NAMES.items()
    ]


def init_app(app: Flask) -> None:
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["time"] = format_time
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    # The same callables Flask-Babel installs, with the catalogue found once per request instead of per string.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.globals.update(_=_jinja_gettext, gettext=_jinja_gettext, ngettext=_jinja_ngettext)
    app.jinja_env.globals.update(locale_code=locale_code, language_links=language_links)
