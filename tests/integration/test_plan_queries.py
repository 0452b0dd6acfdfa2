"""The plan page costs the same few SQL queries whatever the number of steps (no query per step)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

from flask import Flask
from sqlalchemy import event

from portal.extensions import db
from portal.models import Organisation
from portal.plan import queries

from ..support.client import PortalClient
from ..support.factories import PASSWORD, ClientFactory, PlanFactory, StepFactory
from .conftest import ClientWithPlan

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@contextmanager
def recorded_queries() -> Iterator[list[str]]:
    """Every statement the database is sent, less transaction control (the tests' savepoints among them)."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _signed_in_client_with_steps(app: Flask, count: int) -> PortalClient:
    user = ClientFactory()
    plan = PlanFactory(client_id=user.id)
    for position in range(count):
        StepFactory(plan_id=plan.id, position=position)
    app.test_client_class = PortalClient
    browser: PortalClient = app.test_client()  # type: ignore[assignment]
    assert browser.sign_in(user.email, PASSWORD).status_code == 302
    return browser


def test_plan_page_queries_do_not_grow_with_the_steps(app: Flask) -> None:
    counts = {}
    for steps in (3, 30):
        browser = _signed_in_client_with_steps(app, steps)
        with recorded_queries() as statements:
            response = browser.get("/plan")
        assert response.status_code == 200
        assert response.get_data(as_text=True).count('<li class="task ') == steps
        counts[steps] = len(statements)
        assert counts[steps] <= 3, f"{steps} steps: {counts[steps]} queries:\n" + "\n\n".join(statements)
    assert counts[3] == counts[30], counts



def test_the_summary_in_a_request_that_changed_something_shows_the_change(
    app: Flask, jobseeker: ClientWithPlan
) -> None:
    jobseeker.steps[0].title = "Changed in this request"
    with app.test_request_context("/plan"), recorded_queries() as statements:
        plan = queries.plan_summary(jobseeker.user.id)
    assert plan is not None and "Changed in this request" in [step.title for step in plan.steps]
    assert len(statements) == 2  # the flush's UPDATE, then the read


def test_the_summary_has_each_steps_values_as_they_are_stored(app: Flask, jobseeker: ClientWithPlan) -> None:
    """The steps come as one JSON array: ids, dates, times with their zone and agencies must survive it."""
    done, own, done_long_ago = jobseeker.steps
    done_long_ago.status, done_long_ago.status_changed_at = "done", None  # done before changes were timed
    done.status, done.status_changed_at, done.due_date = "done", datetime(2026, 3, 1, 23, 30, 5, 123456, tzinfo=UTC), \
        date(2026, 12, 24)
    own.responsible_organisation_id, own.due_date, own.title = None, None, 'Oma "askel" <b> & 100 %'
    db.session.flush()
    with app.test_request_context("/plan"):
        summary = queries.plan_summary(jobseeker.user.id)
    assert summary is not None and summary.id == jobseeker.plan.id
    by_id = {step.id: step for step in summary.steps}
    assert set(by_id) == {step.id for step in jobseeker.steps}
    got = by_id[done.id]
    assert (got.status, got.done_at, got.due_date) == ("done", done.status_changed_at, date(2026, 12, 24))
    assert got.done_at is not None and got.done_at.tzinfo is not None
    assert got.position == done.position
    assert by_id[done_long_ago.id].done_at == done_long_ago.created_at
    assert by_id[own.id].done_at is None  # only done steps have a time
    assert got.responsible_organisation is not None
    agency = db.session.get(Organisation, done.responsible_organisation_id)
    assert agency is not None and got.responsible_organisation.name("sv") == agency.name("sv")
    mine = by_id[own.id]
    assert (mine.title, mine.due_date, mine.responsible_organisation) == (own.title, None, None)


def test_a_plan_without_steps_and_a_client_without_a_plan(app: Flask) -> None:
    with_plan, without = ClientFactory(), ClientFactory()
    PlanFactory(client_id=with_plan.id)
    with app.test_request_context("/plan"):
        summary = queries.plan_summary(with_plan.id)
        assert summary is not None and summary.steps == []
        assert queries.plan_summary(without.id) is None


def test_an_agreed_plans_time_keeps_its_zone(app: Flask, jobseeker: ClientWithPlan) -> None:
    jobseeker.plan.status, jobseeker.plan.agreed_at = "agreed", datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    db.session.flush()
    with app.test_request_context("/plan"):
        summary = queries.plan_summary(jobseeker.user.id)
    assert summary is not None and summary.agreed_at == datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    assert summary.agreed_at.tzinfo is not None
