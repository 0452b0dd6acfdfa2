"""One template, two uses: the full page, or the block htmx asked for. Plus asset URLs with content hashes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from flask import (
    Flask,
    Response,
    current_app,
    make_response,
    render_template,
    request,
    url_for,
)
from jinja2_fragments.flask import render_block

from ..extensions import htmx


def wants_fragment() -> bool:
    """htmx asks for a fragment; a history restore (also sent with HX-Request) needs the whole page."""
    return bool(htmx) and not request.headers.get("HX-History-Restore-Request")


def render_page(template: str, block: str | None = None, status: int = 200, **context: object) -> Response:
    if block is not None and wants_fragment():
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    return make_response(body, status)


def announce(response: Response, message: str) -> Response:
    """Tell screen-reader users what an htmx swap did (read out by the polite live region)."""
    response.headers["HX-Trigger"] = json.dumps({"portal:announce": {"message": str(message)}})
    return response


def _asset_hashes(static_folder: Path) -> dict[str, str]:
    hashes = {}
    for path in static_folder.rglob("*"):
        if path.is_file() and path.suffix in {".css", ".js", ".svg", ".ico", ".png"}:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
            hashes[path.relative_to(static_folder).as_posix()] = digest
    return hashes


def asset_url(filename: str) -> str:
    """A static file's address with its content's hash, so that it can be cached for a year."""
    hashes: dict[str, str] = current_app.extensions["asset_hashes"]
    return url_for("static", filename=filename, v=hashes.get(filename, "0"))


def init_app(app: Flask) -> None:
    app.extensions["asset_hashes"] = _asset_hashes(Path(app.static_folder or "static"))
    app.jinja_env.globals["asset_url"] = asset_url
