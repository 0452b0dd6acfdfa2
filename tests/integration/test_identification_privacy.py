"""The personal identity code appears nowhere in clear: not in the database, the logs, any response of the
journey (bodies, headers, the session cookie), nor what a refused or unknown person's journey leaves behind.
And two clients who sign in through the provider never see each other's data."""

from __future__ import annotations

import json
import logging

import pytest
from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import Base

from ..support.identification import (
    Known,
    claims_of,
    new_code,
    path_of,
    start,
)
from ..support.provider import Provider


class Recorder:
    """Every response a browser got, with its headers and the session cookie it was left with, as text."""

    def __init__(self, app: Flask, client) -> None:  # type: ignore[no-untyped-def]
        self.app, self.client, self.seen = app, client, []  # type: ignore[var-annotated]

    def get(self, path: str, **kwargs: object):  # type: ignore[no-untyped-def]
        return self._keep(self.client.get(path, **kwargs))

    def post(self, path: str, data: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        return self._keep(self.client.post_form(path, data))

    def _keep(self, response):  # type: ignore[no-untyped-def]
        self.seen.append("\n".join(f"{k}: {v}" for k, v in response.headers.items()))
        self.seen.append(response.get_data(as_text=True))
        cookie = self.client.get_cookie("portal_session")
        if cookie is not None:
            serializer = self.app.session_interface.get_signing_serializer(self.app)
            self.seen.append(json.dumps(serializer.loads(cookie.value)))
        return response


def _forms(code: str) -> list[str]:
    return [code, code.lower(), code.replace("-", ""), code[:6] + code[7:]]


def _database_text() -> str:
    parts = []
    for table in Base.metadata.sorted_tables:
        for row in db.session.execute(select(table)):
            parts.append(" ".join(str(value) for value in row))
    return "\n".join(parts)


def _log_text(records: list[logging.LogRecord]) -> str:
    # The provider's own log is the provider's business (Suomi.fi's, in life), not the portal's.
    ours = [r for r in records if not r.name.startswith("oidc_provider_mock")]
    return "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in ours)


def test_the_identifier_appears_nowhere_in_clear(
    app: Flask, client, op: Provider, national, known: Known, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    stranger = new_code()
    op.set_person("stranger", {**claims_of(known), "urn:oid:1.2.246.21": stranger})
    weak = new_code()
    op.set_person("weak", {**claims_of(known), "urn:oid:1.2.246.21": weak, "acr": "loa1"})
    browser = Recorder(app, client)

    for sub in ("weak", "stranger"):  # refused, then unknown: neither leaves anything behind
        browser.get("/sign-in")
        authorize = browser.get("/sign-in/national").headers["Location"]
        back = browser.get(path_of(op.identify(authorize, sub)))
        if back.status_code == 302:
            browser.get(back.headers["Location"])

    browser.get("/sign-in")
    authorize = browser.get("/sign-in/national").headers["Location"]
    assert browser.get(path_of(op.identify(authorize, known.sub))).status_code == 302
    for page in ("/", "/plan", "/appointments", "/session/status", "/identification/jwks.json"):
        assert browser.get(page).status_code == 200, page
    signing_out = browser.post("/sign-out")
    assert signing_out.status_code == 200
    browser.get("/signed-out")

    everything = {
        "responses": "\n".join(browser.seen),
        "database": _database_text(),
        "logs": _log_text(caplog.records),
    }
    assert "Veera Vahva" in everything["responses"]  # the journey did show the person's own pages
    for where, text in everything.items():
        for code in (known.code, stranger, weak):
            for form in _forms(code):
                assert form not in text, f"the identifier is in the {where}"


def test_two_clients_signed_in_through_the_provider_see_only_their_own(
    app: Flask, client, op: Provider, national
) -> None:
    from portal.identification.persons import person_key

    from ..support.factories import ClientFactory, PlanFactory, StepFactory

    people = []
    for name, step in (("Canary Aalto", "Canary step of Aalto"), ("Canary Berg", "Canary step of Berg")):
        code = new_code()
        user = ClientFactory(person_key=person_key("national-id", code))
        StepFactory(plan_id=PlanFactory(client_id=user.id).id, title=step)
        given, family = name.split()
        op.set_person(
            f"sub-{user.id.hex[:8]}",
            {
                "urn:oid:1.2.246.21": code,
                "given_name": given,
                "family_name": family,
                "acr": "http://ftn.ficora.fi/2017/loa2",
            },
        )
        people.append((user, name, step, f"sub-{user.id.hex[:8]}"))

    seen = {}
    for user, name, step, sub in people:
        browser = app.test_client()
        assert browser.get(path_of(op.identify(start(browser), sub))).status_code == 302
        pages = [browser.get(page).get_data(as_text=True) for page in ("/", "/plan", "/appointments")]
        seen[name] = "\n".join(pages)
        assert step in seen[name] and f"Signed in as {name}" in seen[name]
    (_, a_name, a_step, _), (_, b_name, b_step, _) = people
    assert a_name not in seen[b_name] and a_step not in seen[b_name]
    assert b_name not in seen[a_name] and b_step not in seen[a_name]
