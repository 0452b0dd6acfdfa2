"""The page contract every full page keeps: valid HTML, exactly one <h1>, a <title> that starts with it."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import html5lib


class _Outline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.h1s: list[str] = []
        self.title = ""
        self._in: str | None = None
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"h1", "title"}:
            self._in = tag
            if tag == "h1":
                self.h1s.append("")
        for name, value in attrs:
            if name == "id" and value:
                self.ids.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "h1":
            self.h1s[-1] += data
        elif self._in == "title":
            self.title += data


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def check_page(html: str, path: str = "") -> None:
    html5lib.HTMLParser(strict=True).parse(html)
    outline = _Outline()
    outline.feed(html)
    assert len(outline.h1s) == 1, f"{path}: expected exactly one <h1>, found {len(outline.h1s)}"
    h1, title = squash(outline.h1s[0]), squash(outline.title)
    assert h1, f"{path}: empty <h1>"
    assert title.removeprefix("Error: ").removeprefix("Virhe: ").removeprefix("Fel: ").startswith(h1), (
        f"{path}: title {title!r} does not start with the h1 {h1!r}"
    )
    duplicates = {i for i in outline.ids if outline.ids.count(i) > 1}
    assert not duplicates, f"{path}: duplicate ids {duplicates}"


def is_full_page(html: str) -> bool:
    return html.lstrip().lower().startswith("<!doctype html")
