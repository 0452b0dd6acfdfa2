"""A consent event as a machine-readable receipt: the ISO/IEC TS 27560:2023 consent-record fields the portal
holds, under their names in that specification (metadata, processing, parties, event), with the consent states
named as the W3C Data Privacy Vocabulary names them."""

from __future__ import annotations

from typing import Any

from ..models import Organisation
from .queries import Receipt

SCHEMA_VERSION = "ISO/IEC TS 27560:2023 fields, Jobseeker's portal consent receipt 1"
JURISDICTION = "FI"
EVENT_STATES = {  # dpv:ConsentStatus
    "requested": "ConsentRequested",
    "given": "ConsentGiven",
    "refused": "ConsentRefused",
    "withdrawn": "ConsentWithdrawn",
    "expired": "ConsentExpired",
}
METHODS = {"online": "online, in the Jobseeker's portal", "in_person": "in person, with a caseworker",
           "system": "recorded by the portal"}


def _party(organisation: Organisation, role: str, language: str) -> dict[str, Any]:
    return {
        "party_id": organisation.code,
        "party_name": organisation.name(language),
        "party_role": role,
        "party_address": organisation.address or None,
        "party_email": organisation.email or None,
        "party_phone": organisation.phone or None,
    }


def as_record(receipt: Receipt, withdrawal_url: str) -> dict[str, Any]:
    event, consent, shown = receipt.event, receipt.event.consent, receipt.notice_event
    language = event.language or "fi"
    if event.actor_id is not None and event.actor_id == event.client_id:
        entity: dict[str, Any] = {"role": "pii_principal", "id": str(event.client_id)}
    elif receipt.actor is not None:
        entity = {"role": "staff", "name": receipt.actor.full_name}
    else:
        entity = {"role": "system"}
    if receipt.caseworker is not None:
        entity["caseworker"] = receipt.caseworker.full_name
    return {
        "schema_version": SCHEMA_VERSION,
        "receipt_id": str(event.id),
        "record_id": str(consent.id),
        "pii_principal_id": str(event.client_id),
        "language": language,
        "privacy_notice": {
            "version": shown.notice_version,
            "sha256": shown.notice_hash,
            "language": shown.language,
            "text": shown.notice_text,
        } if shown is not None and shown.notice_hash else None,
        "purposes": [{"purpose_id": consent.purpose.code, "purpose": consent.purpose.name(language)}],
        "lawful_basis": event.lawful_basis,
        "pii_information": [{
            "pii_type": consent.category.code,
            "name": consent.category.name(language),
            "special_pii_category": consent.category.special_category,
        }],
        "pii_controllers": [_party(org, "controller", language) for org in receipt.controllers],
        "recipient_third_parties": [_party(consent.organisation, "recipient", language)],
        "withdrawal_method": withdrawal_url,
        "jurisdiction": JURISDICTION,
        "event": {
            "event_time": event.at.isoformat(),
            "event_state": EVENT_STATES.get(event.kind, event.kind),
            "event_type": "explicit consent" if consent.category.special_category else "expressed consent",
            "collection_method": METHODS.get(event.channel, event.channel),
            "entity_id": entity,
            "validity_duration": {"until": event.expires_at.isoformat() if event.expires_at else None},
            "message": event.message,
        },
    }
