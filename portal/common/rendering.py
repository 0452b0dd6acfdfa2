"""One template, two uses: the full page, or the block htmx asked for. Plus asset URLs with content hashes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from flask import (
    Flask,
    Response,
    current_app,
    has_request_context,
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


# Links that are the same on every request to a host and root are built once (url_for costs more than most of
# what a page shows); bounded, since the Host header comes from the client.
_LINK_CACHE_SIZE = 1024


def link_key() -> tuple[str, str, str]:
    """What url_for's result depends on besides its arguments (host, root, scheme), read raw: request.host
    parses the header every time."""
    environ = request.environ
    return environ.get("HTTP_HOST", ""), environ.get("SCRIPT_NAME", ""), environ["wsgi.url_scheme"]


def link_once(build: Callable[[], str], *key: str) -> str:
    """What build() makes of url_for, made once per key, host and root: for links whose endpoint and
    arguments are the same on every request (build must call url_for with exactly what key names)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.url_default_functions or not has_request_context():  # url_defaults could depend on the request
        return build()
    links: dict[tuple[str, ...], str] = app.extensions.setdefault("links_once", {})
    full_key = (*key, *link_key())
    url = links.get(full_key)
    if url is None:
        url = build()
        if len(links) < _LINK_CACHE_SIZE:
            links[full_key] = url
    return url


def init_app(app: Flask) -> None:
    hashes = _asset_hashes(Path(app.static_folder or "static"))

    def asset_url(filename: str) -> str:
        return link_once(lambda: url_for("static", filename=filename, v=hashes.get(filename, "0")), "static", filename)

    def template_url_for(endpoint: str, **values: object) -> str:
        """url_for in templates: a link to an endpoint without arguments is built once per host and root."""
        if values or endpoint.startswith("."):
            return url_for(endpoint, **values)
        return link_once(lambda: url_for(endpoint), endpoint)

    app.jinja_env.globals["asset_url"] = asset_url
    app.jinja_env.globals["url_for"] = template_url_for
    app.jinja_env.globals["config"] = app.config
