"""The Finnish and Swedish catalogues keep to translations/GLOSSARY.md: no word it says not to use."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]

# (pattern, what to write instead), from the glossary's "Not" column
NOT_TO_SAY = {
    "fi": [
        (r"\bvaihe", "tehtävä"),
        (r"\btiimi", "yhteyshenkilö, or the organisation's name"),
        (r"\(vapaaehtoinen\)", "(ei pakollinen)"),
        (r"Tässä on ongelma", "Huomio"),
        (r"\bperuut", "perua"),
        (r"tarkistuskeskustelu", "työnhakukeskustelu"),
        (r"\bvastuutaho", "tapaamisen järjestäjä, or the organisation's name"),
    ],
    "sv": [
        (r"\bklient", "kund"),
        (r"\bsteg(et|en|ets)?\b", "uppgift"),
        (r"\bteam\b", "kontaktperson, or the organisation's name"),
        (r"Det finns ett problem", "Observera"),
        (r"\bbyt(a|er)? tid\b", "flytta"),
        (r"\bmyndighet(er)?\b(?! ?:)", "organisation (not all are authorities)"),
    ],
}


def _strings(lang: str) -> list[str]:
    with (ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as po_file:
        catalog = read_po(po_file, locale=lang)
    found = []
    for message in catalog:
        if message.id:
            found += list(message.string) if message.pluralizable else [message.string]
    return found


@pytest.mark.parametrize("lang", sorted(NOT_TO_SAY))
def test_no_word_the_glossary_says_not_to_use(lang: str) -> None:
    problems = [f"{text!r}: write {instead}" for text in _strings(lang)
                for pattern, instead in NOT_TO_SAY[lang] if re.search(pattern, text, re.IGNORECASE)]
    assert not problems, f"translations/{lang} (see translations/GLOSSARY.md):\n" + "\n".join(problems)


def test_the_glossary_is_there() -> None:
    glossary = (ROOT / "translations" / "GLOSSARY.md").read_text()
    for word in ("tehtävä", "uppgift", "tapaaminen", "möte", "yhteyshenkilö", "kontaktperson"):
        assert word in glossary
