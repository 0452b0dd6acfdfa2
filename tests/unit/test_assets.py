import base64
import hashlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_vendored_htmx_matches_its_pinned_checksum() -> None:
    vendored = (ROOT / "static/js/VENDORED.md").read_text()
    pinned = re.search(r"htmx-2\.0\.11\.min\.js \| htmx\.org \(npm\) \| 2\.0\.11 \| (sha384-\S+)", vendored)
    assert pinned, "VENDORED.md must pin htmx with its sha384"
    digest = hashlib.sha384((ROOT / "static/js/htmx-2.0.11.min.js").read_bytes()).digest()
    actual = "sha384-" + base64.b64encode(digest).decode()
    assert actual == pinned.group(1)
    assert f'integrity="{actual}"' in (ROOT / "templates/base.html").read_text()


def test_no_inline_styles_or_scripts_in_templates() -> None:
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        assert " style=" not in text, template
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template
        assert not re.search(r"\son[a-z]+=", text), template


def test_long_words_break_with_hyphens_in_their_own_language() -> None:
    """Finnish compounds break with a hyphen by the rules of the text's lang (set on <html> and on text in
    another language), not anywhere in the middle."""
    css = (ROOT / "static/css/portal.css").read_text()
    body = css[css.index("\nbody {"):]
    body = body[:body.index("}")]
    assert "hyphens: auto;" in body and "-webkit-hyphens: auto;" in body
    assert '<html lang="{{ locale_code() }}">' in (ROOT / "templates/base.html").read_text()
