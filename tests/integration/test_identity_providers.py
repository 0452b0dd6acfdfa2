"""Identity providers are data, and the database refuses the rows that must never exist."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.models import IdentityProvider

from ..support.factories import OrganisationFactory

FIELDS = dict(issuer="https://op.example", client_id="portal", secret_env="SECRET", subject_claim="sub",
              name_fi="Nimi", name_sv="Namn", name_en="Name")


@pytest.mark.parametrize(
    ("case", "fields"),
    [
        ("clients' identification without a level of assurance", dict(audience="clients", acr_values="")),
        ("a staff sign-in of no organisation", dict(audience="staff", acr_values="")),
        ("clients' identification tied to one organisation", dict(audience="clients", acr_values="loa2",
                                                                  organisation=True)),
        ("a client secret from nowhere", dict(audience="clients", acr_values="loa2", secret_env=None)),
        ("an unknown client authentication", dict(audience="clients", acr_values="loa2", client_auth="magic")),
    ],
)
def test_the_database_refuses_a_provider_that_must_not_be(app, case: str, fields: dict[str, object]) -> None:  # type: ignore[no-untyped-def]
    values = {**FIELDS, **fields}
    if values.pop("organisation", False):
        values["organisation_id"] = OrganisationFactory().id
    db.session.add(IdentityProvider(code=f"case-{abs(hash(case))}", **values))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_private_key_jwt_provider_needs_no_secret(app) -> None:  # type: ignore[no-untyped-def]
    db.session.add(IdentityProvider(code="suomifi-like", audience="clients", acr_values="loa2",
                                    client_auth="private_key_jwt", **{**FIELDS, "secret_env": None}))
    db.session.flush()
