"""Identification for the local demo (`bash scripts/demo-oidc`) and the end-to-end tests: the clients'
national identification and Vantaa employment services' staff sign-in, both served by a local OpenID
Provider (oidc-provider-mock), and the demo people as that provider knows them.

The personal identity codes are made-up test codes (individual numbers 900–999 are never given to anyone).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import Audience, ClientAuth, IdentityProvider, Organisation, User
from .persons import person_key

PERSONAL_IDENTITY_CODE = "urn:oid:1.2.246.21"  # the claim Suomi.fi gives the personal identity code in
ACR_SUBSTANTIAL = "http://ftn.ficora.fi/2017/loa2"
ACR_HIGH = "http://ftn.ficora.fi/2017/loa3"
SECRET_ENV = "PORTAL_DEMO_OIDC_SECRET"
CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def made_up_identity_code(birth_date: str, individual: int) -> str:
    """A personal identity code of the 1900s (ddmmyy-nnnC) with its check character."""
    number = f"{individual:03d}"
    return f"{birth_date}-{number}{CHECK_CHARACTERS[int(birth_date + number) % 31]}"


NATIONAL = {
    "code": "suomifi",
    "audience": Audience.CLIENTS.value,
    "client_id": "jobseekers-portal",
    "client_auth": ClientAuth.SECRET_BASIC.value,
    "secret_env": SECRET_ENV,
    "scopes": "openid profile",
    "subject_claim": PERSONAL_IDENTITY_CODE,
    "name_claims": "given_name family_name",
    "email_claim": None,
    "acr_values": f"{ACR_SUBSTANTIAL} {ACR_HIGH}",
    "name_fi": "Suomi.fi-tunnistus",
    "name_sv": "Suomi.fi-identifikation",
    "name_en": "Suomi.fi e-Identification",
}
VANTAA_STAFF = {
    "code": "vantaa-staff",
    "audience": Audience.STAFF.value,
    "client_id": "jobseekers-portal-vantaa",
    "client_auth": ClientAuth.SECRET_BASIC.value,
    "secret_env": SECRET_ENV,
    "scopes": "openid profile email",
    "subject_claim": "email",
    "name_claims": "name",
    "email_claim": "email",
    "acr_values": "",
    "name_fi": "Vantaan kaupungin työtunnus",
    "name_sv": "Vanda stads arbetskonto",
    "name_en": "City of Vantaa work account",
}
STAFF_ORGANISATION = "vantaa-employment"

# (the provider's subject, the demo account's e-mail or None for someone who is not a client, claims)
PEOPLE: list[tuple[str, str | None, dict[str, Any]]] = [
    (
        "aino",
        "aino.asiakas@example.fi",
        {
            PERSONAL_IDENTITY_CODE: made_up_identity_code("150385", 901),
            "given_name": "Aino",
            "family_name": "Asiakas",
            "acr": ACR_SUBSTANTIAL,
        },
    ),
    (
        "bertil",
        "bertil.klient@example.fi",
        {
            PERSONAL_IDENTITY_CODE: made_up_identity_code("020276", 902),
            "given_name": "Bertil",
            "family_name": "Klient",
            "acr": ACR_HIGH,
        },
    ),
    (
        "chris",
        "chris.client@example.fi",
        {
            PERSONAL_IDENTITY_CODE: made_up_identity_code("111190", 903),
            "given_name": "Chris",
            "family_name": "Client",
            "acr": ACR_SUBSTANTIAL,
        },
    ),
    (
        "dana",
        "dana.uusi@example.fi",
        {
            PERSONAL_IDENTITY_CODE: made_up_identity_code("240599", 904),
            "given_name": "Dana",
            "family_name": "Uusi",
            "acr": ACR_SUBSTANTIAL,
        },
    ),
    (
        "not-a-client-yet",
        None,
        {
            PERSONAL_IDENTITY_CODE: made_up_identity_code("070780", 905),
            "given_name": "Olli",
            "family_name": "Ulkopuolinen",
            "acr": ACR_SUBSTANTIAL,
        },
    ),
    ("maija", "maija.ohjaaja@example.fi", {"email": "maija.ohjaaja@example.fi", "name": "Maija Ohjaaja"}),
]


def provider_people() -> list[dict[str, Any]]:
    """The demo people as the local provider knows them (its --user-claims)."""
    return [{"sub": sub, **claims} for sub, _, claims in PEOPLE]


def seed(issuer: str) -> int:
    """Both providers at `issuer` (made, or pointed there), and the demo accounts' identifier hashes."""
    organisation = db.session.scalar(select(Organisation).where(Organisation.code == STAFF_ORGANISATION))
    assert organisation is not None, "run seed-demo first"
    changed = 0
    for fields, organisation_id in ((NATIONAL, None), (VANTAA_STAFF, organisation.id)):
        row = db.session.scalar(select(IdentityProvider).where(IdentityProvider.code == fields["code"]))
        if row is None:
            row = IdentityProvider(**fields, issuer=issuer, organisation_id=organisation_id)
            db.session.add(row)
            changed += 1
        elif row.issuer != issuer:
            row.issuer = issuer
            changed += 1
    for _, email, claims in PEOPLE:
        user = db.session.scalar(select(User).where(User.email == email)) if email else None
        if user is None:
            continue
        if PERSONAL_IDENTITY_CODE in claims:
            key = person_key("national-id", claims[PERSONAL_IDENTITY_CODE])
        else:
            key = person_key(f"staff:{STAFF_ORGANISATION}", claims["email"])
        if user.person_key != key:
            user.person_key = key
            changed += 1
    db.session.flush()
    return changed
