"""Fill in translations after `bash scripts/translations`: `.venv/bin/python scripts/fill_translations.py F.json`,
where F.json is {"msgid": {"fi": "...", "sv": "...", "en": "..."}, ...}; a plural msgid takes lists."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent


def main(path: str) -> int:
    wanted: dict[str, dict[str, str | list[str]]] = json.loads(Path(path).read_text(encoding="utf-8"))
    missing = 0
    for lang in ("fi", "sv", "en"):
        po_path = ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po"
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=lang)
        for msgid, texts in wanted.items():
            message = catalog.get(msgid)
            if message is None:
                print(f"not in the catalogue (run scripts/translations first): {msgid[:70]}", file=sys.stderr)
                missing += 1
                continue
            message.string = tuple(texts[lang]) if isinstance(texts[lang], list) else texts[lang]
            message.flags.discard("fuzzy")
        with po_path.open("wb") as po_file:
            write_po(po_file, catalog, width=76, sort_output=True, no_location=True)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
