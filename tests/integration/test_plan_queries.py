"""The plan page costs the same few SQL queries whatever the number of steps (no query per step)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

from flask import Flask
from sqlalchemy import event

from portal.common.database import plain_rows, read_connection
from portal.extensions import db
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



def test_plain_rows_are_the_rows_sqlalchemy_gives(app: Flask, jobseeker: ClientWithPlan) -> None:
    """On PostgreSQL plain_rows skips SQLAlchemy's result processing: the driver's own types must be the same
    values (UUIDs, dates, times with their zone), and query counters must still see the statement."""
    jobseeker.steps[0].status_changed_at = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    db.session.flush()
    statement, parameters = queries._USER_WITH_PLAN_SUMMARY, {"user_id": jobseeker.user.id}
    with app.test_request_context("/plan"), read_connection() as connection, recorded_queries() as statements:
        plain = plain_rows(connection, statement, parameters)
        through_sqlalchemy = connection.execute(statement, parameters).all()
    assert len(statements) == 2
    assert len(plain) == 3
    assert [tuple(row) for row in plain] == [tuple(row) for row in through_sqlalchemy]
    first = plain[0]
    assert isinstance(first[0], uuid.UUID) and isinstance(first[15], date)
    assert [row[17] for row in plain if row[17] is not None] == [datetime(2026, 3, 1, 23, 30, tzinfo=UTC)]
