"""A test client that checks the page contract on every full HTML page it fetches."""

from __future__ import annotations

import re
from typing import Any

from flask import has_app_context
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from portal.extensions import db

from .contract import check_page, is_full_page

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


class PortalClient(FlaskClient):
    last_csrf: str | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Tests read English text; Finnish is the app's default. A request's own Accept-Language still wins.
        self.environ_base.setdefault("HTTP_ACCEPT_LANGUAGE", "en")

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        # Each request gets its own app context (its own g and database session), as in production,
        # even though the test itself holds one open for its factories.
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if has_app_context():
            db.session.expire_all()  # the test sees what the request committed
        if response.mimetype == "text/html" and response.status_code != 302:
            html = response.get_data(as_text=True)
            if is_full_page(html):
                check_page(html, str(args[0] if args else kwargs.get("path", "")))
                found = CSRF_META.search(html)
                if found:
                    self.last_csrf = found.group(1)
        return response

    def csrf_token(self) -> str:
        if self.last_csrf is None:
            self.get("/sign-in")
        assert self.last_csrf
        return self.last_csrf

    def post_form(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> TestResponse:
        """POST like a browser does: with the CSRF token of the last page."""
        return self.post(path, data={"csrf_token": self.csrf_token(), **(data or {})}, **kwargs)

    def sign_in(self, email: str, password: str) -> TestResponse:
        self.get("/sign-in")
        response = self.post_form("/sign-in", {"email": email, "password": password})
        if response.status_code == 302:
            self.get("/")  # a new session has a new CSRF secret: pick up the token like a browser would
        return response
