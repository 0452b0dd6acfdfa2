"""Text kept in Finnish, Swedish and English as data, picked by the reader's language.

Names of organisations and services are given in all three. Text staff type (a slot's topic and place) may be
given in any of them: the reader gets their own language when it is there, else the first one given, and the
text says which language it is in (`InLanguage.lang`), so that a page marks it with `lang` (WCAG 3.1.2)."""

from __future__ import annotations

from typing import Self

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

LANGUAGES = ("fi", "sv", "en")  # also the order in which a missing language is stood in for


class InLanguage(str):
    """A text together with the language it is written in. It is a plain string everywhere else."""

    lang: str

    def __new__(cls, text: str, lang: str) -> Self:
        made = super().__new__(cls, text)
        made.lang = lang
        return made


def pick(owner: object, field: str, locale: str) -> InLanguage:
    """`owner.<field>_<locale>` if it is filled in, else the first of Finnish, Swedish and English that is;
    an empty text in the reader's language when none is."""
    for lang in (locale, *(code for code in LANGUAGES if code != locale)):
        text = getattr(owner, f"{field}_{lang}", None)
        if text:
            return InLanguage(text, lang)
    return InLanguage("", locale)


def columns(field: str, texts: dict[str, str]) -> dict[str, str]:
    """Keyword arguments for a model's `<field>_fi`, `<field>_sv` and `<field>_en` from {"fi": ..., ...}."""
    return {f"{field}_{lang}": (texts.get(lang) or "").strip() for lang in LANGUAGES}


class TranslatedName:
    name_fi: Mapped[str] = mapped_column(String(200))
    name_sv: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))

    def name(self, locale: str) -> InLanguage:
        return pick(self, "name", locale)


class TranslatedDescription:
    description_fi: Mapped[str] = mapped_column(Text, default="")
    description_sv: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")

    def description(self, locale: str) -> InLanguage:
        return pick(self, "description", locale)
