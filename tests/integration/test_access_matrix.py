"""Every staff role × every staff route that can show client data (full page and htmx) × consent state (none,
given, withdrawn, expired, a legal rule) × team membership (in, not in, ended), with canary strings planted in
every category of two clients. Nothing shows where it must not, and every allowed read and every refused
attempt is in the access log.

The staff member's organisation is of a kind of its own: it controls none of the categories, so what it sees is
decided by consent and law alone. (The controller's case is the last test.) A notice the client addressed to
it ("I can't do" its step) is its own record: shown while the client is in its team, whatever the consents,
and nothing else of the client with it.
"""

from __future__ import annotations

import itertools
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    AccessLogEntry,
    Appointment,
    ClientRecord,
    Consent,
    ConsentEvent,
    DataCategory,
    LegalRule,
    Organisation,
    Purpose,
    TeamMembership,
    TeamNotice,
    User,
    utcnow,
)

from ..support.appointments import make_slot
from ..support.client import PortalClient
from ..support.factories import (
    PASSWORD,
    ClientFactory,
    OrganisationFactory,
    PlanFactory,
    StaffFactory,
    StepFactory,
    employment_services,
    in_team,
    kind_id,
)

CONSENT_STATES = ("none", "given", "withdrawn", "expired", "law")
MEMBERSHIPS = ("in", "not in", "ended")
ROLES = ("caseworker", "manager")


@dataclass
class Planted:
    client: User
    canaries: dict[str, str]  # category code → its canary
    step_id: uuid.UUID  # a step the staff member's organisation is responsible for


def _plant(token: str, other_org_id: uuid.UUID, staff_org_id: uuid.UUID) -> Planted:
    """A client with a canary in every category: the plan (goals, a step), an appointment's support needs (with
    the staff member's own organisation: it must not show unless shared), and a record in each other one."""
    client = ClientFactory(full_name=f"Asiakas {token}")
    canaries = {code: f"{code}-{token}" for code in _codes()}
    PlanFactory(client_id=client.id, goals=f"Goals {canaries['plan']}")
    recorder = StaffFactory(organisation_id=other_org_id)
    slot = make_slot(staff=recorder)
    db.session.add(Appointment(slot_id=slot.id, seat=1, client_id=client.id, booked_by_id=recorder.id,
                               booked_by_role="staff", other_needs=f"Needs {canaries['appointments']}"))
    for code in _codes() - {"plan", "appointments"}:
        db.session.add(ClientRecord(client_id=client.id, category_id=_category(code).id,
                                    organisation_id=other_org_id, title="Record", body=f"Body {canaries[code]}"))
    step = StepFactory(plan_id=db.session.scalar(select(PlanFactory._meta.model.id).where(
        PlanFactory._meta.model.client_id == client.id)), title=f"Step {canaries['plan']}",
        responsible_organisation_id=staff_org_id)
    db.session.flush()
    return Planted(client, canaries, step.id)


def _codes() -> set[str]:
    return set(db.session.scalars(select(DataCategory.code)))


def _category(code: str) -> DataCategory:
    return db.session.scalar(select(DataCategory).where(DataCategory.code == code))  # type: ignore[return-value]


def _purpose(code: str) -> Purpose:
    return db.session.scalar(select(Purpose).where(Purpose.code == code))  # type: ignore[return-value]


def _set_consents(client: User, organisation: Organisation, state: str) -> None:
    if state in ("none", "law"):
        if state == "law":
            for code in _codes():
                db.session.add(LegalRule(category_id=_category(code).id, recipient_kind_id=organisation.kind_id,
                                         purpose_id=_purpose("plan_services").id, statute_fi="Laki", statute_sv="Lag",
                                         statute_en="A law"))
        return
    status = {"given": "given", "withdrawn": "withdrawn", "expired": "given"}[state]
    expires = utcnow() - timedelta(days=1) if state == "expired" else None
    for code in _codes():
        consent = Consent(id=uuid.uuid4(), client_id=client.id, organisation_id=organisation.id,
                          category_id=_category(code).id, purpose_id=_purpose("plan_services").id, status=status,
                          given_at=utcnow() - timedelta(days=30), expires_at=expires)
        db.session.add(consent)
        db.session.flush()
        db.session.add(ConsentEvent(consent_id=consent.id, client_id=client.id, kind="given", actor_id=client.id))


def _membership(client: User, organisation_id: uuid.UUID, state: str) -> None:
    if state == "not in":
        return
    db.session.add(TeamMembership(client_id=client.id, organisation_id=organisation_id,
                                  ended_at=utcnow() - timedelta(days=1) if state == "ended" else None))
    db.session.flush()


def _signed_in(app: Flask, user: User) -> PortalClient:
    app.test_client_class = PortalClient
    browser: PortalClient = app.test_client()  # type: ignore[assignment]
    browser.set_cookie("lang", "en")
    assert browser.sign_in(user.email, PASSWORD).status_code == 302
    return browser


def _log(client: User, staff: User) -> list[AccessLogEntry]:
    return list(db.session.scalars(select(AccessLogEntry).where(
        AccessLogEntry.client_id == client.id, AccessLogEntry.staff_id == staff.id).order_by(AccessLogEntry.at)))


def _notice_of(client: User) -> uuid.UUID:
    found = db.session.scalar(select(TeamNotice.id).where(TeamNotice.client_id == client.id))
    assert found is not None
    return found


ROUTES = [
    ("client page", "GET", lambda c: f"/staff/clients/{c.id}", {}),
    ("notices", "GET", lambda c: "/staff/notices", {}),
    ("notice page", "GET", lambda c: f"/staff/notices/{_notice_of(c)}", {}),
    ("client page (htmx)", "GET", lambda c: f"/staff/clients/{c.id}", {"HX-Request": "true"}),
    ("booking: client named by id", "GET", lambda c: f"/staff/appointments/book?client={c.id}", {}),
    ("booking: client's plan steps (htmx)", "POST", lambda c: "/staff/appointments/book", {"HX-Request": "true"}),
]


def test_what_a_provider_sees_in_every_cell_of_the_matrix(app: Flask) -> None:
    results: Counter[str] = Counter()
    for role, membership, consent in itertools.product(ROLES, MEMBERSHIPS, CONSENT_STATES):
        _cell(app, role, membership, consent, results)
    print(f"access matrix: {results['cells']} cells, {results['leaks']} canaries where they must not be, "
          f"{results['log rows']} access-log rows, {results['logged']} of {results['reads']} reads and attempts "
          "logged")
    assert results["cells"] == len(ROLES) * len(MEMBERSHIPS) * len(CONSENT_STATES) * len(ROUTES)
    assert results["leaks"] == 0 and results["logged"] == results["reads"]


def _cell(app: Flask, role: str, membership: str, consent: str, results: Counter[str]) -> None:
    provider = OrganisationFactory()  # of a kind of its own: the cell's legal rules are for it alone
    employment = employment_services()
    staff = StaffFactory(organisation_id=provider.id, role=role)
    target = _plant(f"A{uuid.uuid4().hex[:8]}", employment.id, provider.id)
    bystander = _plant(f"B{uuid.uuid4().hex[:8]}", employment.id, provider.id)
    in_team(bystander.client, provider.id)
    _set_consents(bystander.client, provider, "given")  # everything of B's is shared: it must still not show
    _membership(target.client, provider.id, membership)
    _set_consents(target.client, provider, consent)
    # the target tells the provider they can't do its step (the bystander tells nobody: all of the provider's
    # notices are the target's)
    db.session.add(TeamNotice(organisation_id=provider.id, client_id=target.client.id, step_id=target.step_id,
                              kind="cant_do"))
    db.session.flush()
    browser = _signed_in(app, staff)
    shared = membership == "in" and consent in ("given", "law")

    for name, method, path, headers in ROUTES:
        before = len(_log(target.client, staff))
        if method == "POST":
            response = browser.post_form(path(target.client), {"client_email": target.client.email,
                                                                "show_steps": "yes"}, headers=headers)
        else:
            response = browser.get(path(target.client), headers=headers)
        body = response.get_data(as_text=True)
        cell = f"{role} × {name} × consent {consent} × {membership}"
        results["cells"] += 1
        leaks = [token for token in bystander.canaries.values() if token in body]
        if name.startswith("notice"):
            results["leaks"] += _notice_cell(name, response.status_code, body, target, membership, cell)
            logged = _log(target.client, staff)[before:]
            results["reads"] += 0 if name == "notices" and membership != "in" else 1  # a list without them
            results["logged"] += len(logged)
            results["log rows"] += len(logged)
            if membership == "in":
                assert [(e.outcome, e.basis, e.category_id) for e in logged] == [
                    ("allowed", "own_record", _category("plan").id)], cell
            elif name == "notice page":
                assert [(e.outcome, e.basis, e.category_id) for e in logged] == [
                    ("refused", "not_in_team", None)], cell
            else:
                assert logged == [], cell
            assert leaks == [], cell
            continue
        if not shared:
            leaks += [f"{code}: {token}" for code, token in target.canaries.items() if token in body]
        results["leaks"] += len(leaks)
        assert leaks == [], cell
        logged = _log(target.client, staff)[before:]
        results["reads"] += len(_codes()) if name.startswith("client page") and membership == "in" else 1
        results["logged"] += len(logged)
        if name.startswith("client page"):
            if membership == "in":
                assert response.status_code == 200, cell
                assert {entry.category_id for entry in logged} == {_category(c).id for c in _codes()}, cell
                assert all(e.outcome == ("allowed" if shared else "refused") for e in logged), cell
                if shared:
                    assert all(token in body for token in target.canaries.values()), cell
                else:
                    assert body.count("Not shared with your organisation.") == len(_codes()), cell
            else:
                assert response.status_code == 404, cell
                assert [(e.outcome, e.basis, e.category_id) for e in logged] == [("refused", "not_in_team", None)], cell
                assert target.client.full_name not in body, cell
        elif membership == "in":  # the booking form reads the plan, to offer its steps
            assert [(e.outcome, e.category_id) for e in logged] == [
                ("allowed" if shared else "refused", _category("plan").id)], cell
            assert (f"Step {target.canaries['plan']}" in body) == shared, cell
        else:
            assert [(e.outcome, e.basis) for e in logged] == [("refused", "not_in_team")], cell
            assert target.client.full_name not in body, cell
        results["log rows"] += len(logged)


def _notice_cell(name: str, status: int, body: str, target: Planted, membership: str, cell: str) -> int:
    """The notice shows (its step's title, the client's name) while the client is in the team; nothing else
    of the client's ever does. Returns how many canaries showed where they must not."""
    shown = membership == "in"
    assert status == (200 if shown or name == "notices" else 404), cell
    assert (f"Step {target.canaries['plan']}" in body) == shown, cell
    assert (target.client.full_name in body) == shown, cell
    return sum(token in body for code, token in target.canaries.items() if code != "plan") + (
        f"Goals {target.canaries['plan']}" in body)


def test_the_controller_sees_what_it_records_and_nothing_else_without_consent(app: Flask) -> None:
    employment = employment_services()
    staff = StaffFactory(organisation_id=employment.id)
    target = _plant(f"C{uuid.uuid4().hex[:8]}", employment.id, employment.id)
    in_team(target.client, employment.id)
    body = _signed_in(app, staff).get(f"/staff/clients/{target.client.id}").get_data(as_text=True)
    controlled = {code for code in _codes() if _category(code).controller_kind_id == kind_id("employment_authority")}
    assert controlled == {"plan", "appointments", "assessment"}
    for code, token in target.canaries.items():
        assert (token in body) == (code in controlled), code
    logged = _log(target.client, staff)
    assert sorted((e.basis for e in logged)) == sorted(
        ["controller"] * len(controlled) + ["not_shared"] * (len(_codes()) - len(controlled)))
