"""The keyed hash kept of a person's identifier, and the portal's own keys."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from portal.identification.keys import PortalKeys, _load_or_make
from portal.identification.persons import person_key


def test_the_identifier_is_kept_only_as_a_keyed_hash() -> None:
    code = "150385-901F"
    key = person_key("national-id", code, secret="one")
    assert len(key) == 64 and code not in key and "150385" not in key
    assert person_key("national-id", " 150385-901f ", secret="one") == key  # as written on a form
    assert person_key("national-id", code, secret="two") != key  # without the server's secret, no match
    assert person_key("staff:vantaa", code, secret="one") != key  # one source's identifier is not another's


def test_the_portals_keys_are_made_once_and_published_without_their_private_halves(
    tmp_path: Path, app: Flask
) -> None:
    path = tmp_path / "keys.json"
    first = PortalKeys(_load_or_make(path))
    again = PortalKeys(_load_or_make(path))
    assert first.signing.kid == again.signing.kid  # kept, so every process and restart uses the same
    published = first.public()["keys"]
    assert {key["use"] for key in published} == {"sig", "enc"}  # type: ignore[index]
    assert not any(name in key for key in published for name in ("d", "p", "q", "dp", "dq", "qi"))  # type: ignore[operator]
