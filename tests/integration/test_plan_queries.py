"""The plan page costs the same few SQL queries whatever the number of steps (no query per step)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from sqlalchemy import Date, String, Uuid, bindparam, event, literal, select

from portal.common.database import driver_rows, plain_rows
from portal.extensions import db
from portal.models.base import UTCDateTime
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



def test_psycopg_gives_the_values_sqlalchemy_gives(app: Flask) -> None:
    """Outside a transaction on PostgreSQL, plain_rows reads psycopg's rows as they are, skipping SQLAlchemy's
    result processing: the driver's own types must be the same values (UUIDs, dates, times with their zone)."""
    engine = db.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("psycopg's own rows are read only on PostgreSQL; SQLite's go through SQLAlchemy's types")
    values = {"id": uuid.uuid4(), "day": date(2026, 3, 1), "at": datetime(2026, 3, 1, 23, 30, tzinfo=UTC),
              "words": 'Työ "kokeilu" <b>'}
    statement = select(
        bindparam("id", type_=Uuid), bindparam("day", type_=Date), bindparam("at", type_=UTCDateTime),
        bindparam("words", type_=String), literal(None, type_=UTCDateTime),
    )
    with engine.connect() as connection:
        through_sqlalchemy = [tuple(row) for row in connection.execute(statement, values)]
    from_driver = [tuple(row) for row in driver_rows(engine, statement, values)]
    assert from_driver == through_sqlalchemy == [(*values.values(), None)]
    assert [type(value) for value in from_driver[0][:3]] == [uuid.UUID, date, datetime]


def test_plain_rows_in_a_transaction_see_what_it_changed(app: Flask, jobseeker: ClientWithPlan) -> None:
    jobseeker.steps[0].title = "Changed in this request"
    with app.test_request_context("/plan"), recorded_queries() as statements:
        rows = plain_rows(queries._USER_WITH_PLAN_SUMMARY, {"user_id": jobseeker.user.id})
    assert "Changed in this request" in [row[13] for row in rows]
    assert len(statements) == 2  # the flush's UPDATE, then the read
