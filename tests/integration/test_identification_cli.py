"""Employment services register a client's personal identity code: only its keyed hash is kept."""

from __future__ import annotations

from flask import Flask

from portal.extensions import db
from portal.identification.persons import person_key

from ..support.factories import ClientFactory


def test_register_identifier_keeps_only_the_keyed_hash(app: Flask) -> None:
    user = ClientFactory()
    result = app.test_cli_runner().invoke(args=["register-identifier", "--email", user.email],
                                          input="131052-308T\n")
    assert result.exit_code == 0, result.output
    assert "131052-308T" not in result.output  # asked without echo
    db.session.refresh(user)
    assert user.person_key == person_key("national-id", "131052-308T")
