"""Signing out of the provider too. The sign-out form is a POST, and the Content-Security-Policy's
form-action 'self' rightly stops a form's redirect to another site, so the answer is a page that sends the
browser on with a Refresh header (an instant redirect, WCAG technique H76) and a link for browsers that do
not."""

from __future__ import annotations

from flask import Response

from ..common.rendering import render_page
from ..models import IdentityProvider
from . import flow, queries


def provider_to_sign_out_of() -> tuple[IdentityProvider, str] | None:
    """Read before the portal's session ends: the provider this session came from and its end-session URL."""
    code = flow.signed_in_with()
    provider = queries.provider_by_code(code) if code else None
    url = flow.end_session_url(provider) if provider else None
    return (provider, url) if provider and url else None


def continue_to(provider: IdentityProvider, url: str) -> Response:
    response = render_page("identification/signing_out.html", provider=provider, end_session_url=url)
    response.headers["Refresh"] = f"0; url={url}"
    return response
