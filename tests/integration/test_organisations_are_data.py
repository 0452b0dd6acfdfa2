"""Reforms rename and merge agencies: that is a change of rows, and every page follows it."""

from __future__ import annotations

from portal.extensions import db
from portal.models import Organisation

from ..support.client import PortalClient


def test_renaming_an_agency_is_a_data_change(signed_in: PortalClient, jobseeker) -> None:
    organisation = db.session.get(Organisation, jobseeker.steps[0].responsible_organisation_id)
    organisation.name_en = "Uusimaa Employment Area"
    db.session.flush()
    page = signed_in.get("/plan", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Uusimaa Employment Area" in page


def test_agency_names_follow_the_language(signed_in: PortalClient, jobseeker) -> None:
    organisation = db.session.get(Organisation, jobseeker.steps[0].responsible_organisation_id)
    signed_in.get("/language/sv")
    assert organisation.name_sv in signed_in.get("/plan").get_data(as_text=True)
    signed_in.get("/language/en")
    assert organisation.name_en in signed_in.get("/plan").get_data(as_text=True)
