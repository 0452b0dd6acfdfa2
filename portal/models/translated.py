"""Names kept in Finnish, Swedish and English as data, picked by the current locale."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column


class TranslatedName:
    name_fi: Mapped[str] = mapped_column(String(200))
    name_sv: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))

    def name(self, locale: str) -> str:
        return getattr(self, f"name_{locale}", None) or self.name_fi


class TranslatedDescription:
    description_fi: Mapped[str] = mapped_column(Text, default="")
    description_sv: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")

    def description(self, locale: str) -> str:
        return getattr(self, f"description_{locale}", None) or self.description_fi
