"""Every string in the code is translated into Finnish, Swedish and English, and each one fits the code.

When a test here fails because of a new or changed string, run `bash scripts/translations` and fill in the
empty msgstr entries in translations/{fi,sv,en}/LC_MESSAGES/messages.po.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import PYTHON_FORMAT, Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from ..support.client import PortalClient

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("fi", "sv", "en")


def _catalog(lang: str) -> Catalog:
    with (ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as po_file:
        return read_po(po_file, locale=lang)


def _messages(catalog: Catalog) -> list[Message]:
    return [message for message in catalog if message.id]


def _key(message: Message) -> tuple[str, str | None]:
    msgid = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
    return msgid, message.context


def _ids(message: Message) -> list[str]:
    return list(message.id) if message.pluralizable else [message.id]


def _strings(message: Message) -> list[str]:
    return list(message.string) if message.pluralizable else [message.string]


def _placeholders(text: str) -> Counter[tuple[str | None, str]]:
    """%(name)s and %d style placeholders with their conversion type; a literal %% is not one."""
    found = Counter()
    for name, _spec, conversion in PYTHON_FORMAT.findall(text):
        if conversion != "%":
            found[(name or None, "d" if conversion in "di" else conversion)] += 1
    return found


def _pairs(message: Message) -> list[tuple[str, str]]:
    """(source, translation) for each form: msgstr[0] goes with msgid, the other forms with msgid_plural."""
    ids = _ids(message)
    return [(ids[min(index, len(ids) - 1)], text) for index, text in enumerate(_strings(message))]


@pytest.fixture(scope="module")
def catalogs() -> dict[str, Catalog]:
    return {lang: _catalog(lang) for lang in LANGUAGES}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The template extracted from the code right now, with the same options as scripts/translations."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    CommandLineInterface().run([
        "pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"),
        "-k", "_l", "-k", "lazy_gettext", "-k", "lazy_ngettext:1,2",
        "--no-location", "--sort-output", "--project", "portal", "-o", str(pot), str(ROOT),
    ])
    with pot.open("rb") as pot_file:
        return read_po(pot_file)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_entry_is_translated_and_none_is_fuzzy(catalogs: dict[str, Catalog], lang: str) -> None:
    catalog = catalogs[lang]
    assert catalog.num_plurals == 2, f"{lang}: expected 2 plural forms, got {catalog.plural_forms}"
    problems = []
    for message in _messages(catalog):
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        strings = _strings(message)
        if message.pluralizable and len(strings) != catalog.num_plurals:
            problems.append(f"{len(strings)} plural forms instead of {catalog.num_plurals}: {message.id!r}")
        if not all(text and text.strip() for text in strings):
            problems.append(f"empty: {message.id!r}")
    assert not problems, f"translations/{lang}: run `bash scripts/translations` and translate:\n" + "\n".join(
        problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_babel_finds_no_format_errors(catalogs: dict[str, Catalog], lang: str) -> None:
    errors = [f"{message.id!r}: {'; '.join(map(str, found))}" for message, found in catalogs[lang].check()]
    assert not errors, f"translations/{lang}:\n" + "\n".join(errors)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_are_the_same_as_in_the_source(catalogs: dict[str, Catalog], lang: str) -> None:
    problems = []
    for message in _messages(catalogs[lang]):
        for source, text in _pairs(message):
            if text and _placeholders(source) != _placeholders(text):
                problems.append(f"{source!r}\n    -> {text!r}")
    assert not problems, f"translations/{lang}: placeholders differ:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_translation_can_be_formatted(catalogs: dict[str, Catalog], lang: str) -> None:
    """Jinja's i18n always %-formats template strings, so a stray % in a msgstr would break the page."""
    problems = []
    for message in _messages(catalogs[lang]):
        for source, text in _pairs(message):
            values = {name: 1 if kind == "d" else "x" for name, kind in _placeholders(source) if name}
            try:
                source % values
            except (KeyError, TypeError, ValueError):
                continue  # not a format string in the source either (plain gettext without variables)
            try:
                text % values
            except (KeyError, TypeError, ValueError) as error:
                problems.append(f"{text!r}: {error}")
    assert not problems, f"translations/{lang}:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", ("fi", "sv"))
def test_finnish_and_swedish_use_their_own_quotation_marks(catalogs: dict[str, Catalog], lang: str) -> None:
    """Finnish and Swedish write ”Oma tehtävä” / ”Egen uppgift”, not “…”."""
    wrong = [text for message in _messages(catalogs[lang]) for text in _strings(message)
             if "“" in text or "„" in text]
    assert not wrong, f"translations/{lang}: use ” ” quotes in:\n" + "\n".join(wrong)


def test_every_string_in_the_code_is_in_every_catalogue(extracted: Catalog,
                                                        catalogs: dict[str, Catalog]) -> None:
    wanted = {_key(message): message for message in _messages(extracted)}
    assert wanted, "the extraction found no strings: check babel.cfg"
    problems = []
    for lang, catalog in catalogs.items():
        have = {_key(message): message for message in _messages(catalog)}
        for key, message in sorted(wanted.items(), key=lambda item: str(item[0])):
            found = have.get(key)
            if found is None:
                problems.append(f"{lang}: missing {key[0]!r}")
            elif _ids(found) != _ids(message):
                problems.append(f"{lang}: plural form changed for {key[0]!r}")
    assert not problems, "run `bash scripts/translations` and translate:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "accept, lang, word",
    [("sv", "sv", "Logga in"), ("fi", "fi", "Kirjaudu sisään"), ("sv-FI,sv;q=0.9,en;q=0.5", "sv", "Logga in"),
     ("en-GB,en;q=0.8", "en", "Sign in")],
)
def test_sign_in_page_follows_accept_language(client: PortalClient, accept: str, lang: str,
                                              word: str) -> None:
    page = client.get("/sign-in", headers={"Accept-Language": accept}).get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
    assert f"<h1>{word}</h1>" in page


def test_finnish_is_the_default(client: PortalClient) -> None:
    page = client.get("/sign-in", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert '<html lang="fi">' in page
    assert "Työnhakijan palvelu" in page


@pytest.mark.parametrize("cookie, accept, word", [("en", "sv", "Sign in"), ("sv", "fi", "Logga in"),
                                                  ("fi", "en", "Kirjaudu sisään")])
def test_the_language_cookie_beats_accept_language(client: PortalClient, cookie: str, accept: str,
                                                   word: str) -> None:
    client.set_cookie("lang", cookie)
    page = client.get("/sign-in", headers={"Accept-Language": accept}).get_data(as_text=True)
    assert f'<html lang="{cookie}">' in page
    assert f"<h1>{word}</h1>" in page
