"""The plan page costs the same few SQL queries whatever the number of steps (no query per step)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import event

from portal.extensions import db

from ..support.client import PortalClient
from ..support.factories import PASSWORD, ClientFactory, PlanFactory, StepFactory

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

