"""The evidence: consent history and the access log are append-only in the database itself; a withdrawal takes
effect on the very next staff read; clean-up records consents whose time is over as expired. Run on SQLite and
on PostgreSQL (TEST_DATABASE_URL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from portal.access import reads
from portal.extensions import db
from portal.models import AccessLogEntry, Consent, ConsentEvent, utcnow

from ..support.client import PortalClient
from ..support.sharing import Team, consent, log_rows, make_team

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture()
def team(jobseeker) -> Team:  # type: ignore[no-untyped-def]
    return make_team(jobseeker.user)


@pytest.mark.parametrize("statement", [
    "UPDATE consent_events SET kind = 'withdrawn'",
    "DELETE FROM consent_events",
    "UPDATE access_log SET outcome = 'refused'",
    "DELETE FROM access_log",
])
def test_the_database_refuses_to_change_or_delete_evidence(team: Team, statement: str) -> None:
    consent(team.client, team.orgs["kela"], "work_ability", "given")
    log_rows(team.client, team.staff["kela"], 3)
    with pytest.raises(DatabaseError), db.session.begin_nested():
        db.session.execute(text(statement))
    assert db.session.scalar(select(func.count()).select_from(ConsentEvent)) == 1
    assert db.session.scalar(select(func.count()).select_from(AccessLogEntry)) == 3
    assert db.session.scalar(select(ConsentEvent.kind)) == "given"


def test_the_orm_cannot_change_an_event_either(team: Team) -> None:
    consent(team.client, team.orgs["kela"], "work_ability", "given")
    event = db.session.scalar(select(ConsentEvent))
    assert event is not None
    with pytest.raises(DatabaseError), db.session.begin_nested():
        event.notice_text = "something else"
        db.session.flush()


def _read_work_ability(team: Team) -> str | None:
    access = reads.open_client(team.staff["kela"], team.client.id, "plan_services")
    assert access is not None
    return access.read("work_ability", lambda: "the records")


def test_after_a_withdrawal_the_very_next_staff_read_is_refused(signed_in: PortalClient, team: Team) -> None:
    given = consent(team.client, team.orgs["kela"], "work_ability", "given")
    assert _read_work_ability(team) == "the records"
    assert signed_in.post_form(f"/sharing/consents/{given.id}/withdraw").status_code == 302
    assert _read_work_ability(team) is None
    log = db.session.execute(select(AccessLogEntry.outcome, AccessLogEntry.basis, AccessLogEntry.consent_id)
                             .where(AccessLogEntry.client_id == team.client.id)
                             .order_by(AccessLogEntry.at)).all()
    assert [tuple(row) for row in log] == [("allowed", "consent", given.id), ("refused", "not_shared", None)]


def test_after_a_withdrawal_with_htmx_the_next_read_is_refused_too(signed_in: PortalClient, team: Team) -> None:
    given = consent(team.client, team.orgs["kela"], "work_ability", "given")
    assert signed_in.post_form(f"/sharing/consents/{given.id}/withdraw",
                               headers={"HX-Request": "true"}).status_code == 200
    assert _read_work_ability(team) is None


def test_giving_lets_the_next_read_through(signed_in: PortalClient, team: Team) -> None:
    from ..support.sharing import category, purpose

    assert _read_work_ability(team) is None
    url = f"/sharing/give/{team.orgs['kela'].id}/{category('work_ability').id}/{purpose().id}"
    assert signed_in.post_form(url, {"duration": "1_year"}).status_code == 302
    assert _read_work_ability(team) == "the records"


def test_clean_up_records_consents_whose_time_is_over_as_expired(app: Flask, team: Team) -> None:
    past = consent(team.client, team.orgs["kela"], "work_ability", "given", expires_at=utcnow() - timedelta(hours=1))
    future = consent(team.client, team.orgs["kela"], "benefits", "given", expires_at=utcnow() + timedelta(days=1))
    forever = consent(team.client, team.orgs["service_provider"], "plan", "given")
    assert _read_work_ability(team) is None  # not in force anyway, before clean-up
    result = app.test_cli_runner().invoke(args=["clean-up"])
    assert result.exit_code == 0, result.output
    assert "Consents recorded as expired: 1." in result.output
    for row in (past, future, forever):
        db.session.refresh(row)
    assert (past.status, future.status, forever.status) == ("expired", "given", "given")
    expired = db.session.scalar(select(ConsentEvent).where(ConsentEvent.kind == "expired"))
    assert expired is not None and expired.consent_id == past.id and expired.channel == "system"
    assert expired.actor_id is None and expired.expires_at == past.expires_at
    again = app.test_cli_runner().invoke(args=["clean-up"])
    assert "Consents recorded as expired: 0." in again.output
    assert db.session.scalar(select(func.count()).select_from(ConsentEvent)
                             .where(ConsentEvent.kind == "expired")) == 1


def test_an_expired_consent_reads_as_ended_with_its_receipt(signed_in: PortalClient, app: Flask,
                                                           team: Team) -> None:
    consent(team.client, team.orgs["kela"], "work_ability", "given", expires_at=utcnow() - timedelta(hours=1))
    app.test_cli_runner().invoke(args=["clean-up"])
    event = db.session.scalar(select(ConsentEvent).where(ConsentEvent.kind == "expired"))
    assert event is not None
    page = signed_in.get(f"/sharing/receipts/{event.id}").get_data(as_text=True)
    assert "Your consent ended" in page
    assert db.session.scalar(select(Consent.status)) == "expired"
