"""Faults (issue 16, items 15-18), against gunicorn as in production (4 processes × 2 threads) on PostgreSQL.

- PostgreSQL drops every connection (a restart, a failover, an idle kill): the next requests get a fresh
  connection (the pool checks each one as it takes it out), so nobody gets an error.
- The database refuses connections for a while: 503 with Retry-After and the friendly page in the person's
  language, never a 500; sign-in tries meanwhile are not counted, so nobody is locked out afterwards.
- No write is lost or made twice: every check-off answered as done has exactly one event, none other has one.
- Redis cannot be reached: sign-in still works and is still throttled, each process counting on its own.

Those four are PostgreSQL only: dropping a database's connections and refusing new ones is done with
PostgreSQL's own commands; they have a database of their own, dropped at the end. The error pages' own tests,
in-process, run on both databases (at the end).
"""

from __future__ import annotations

import os
import re
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import requests
import sqlalchemy as sa

from portal import create_app
from portal.extensions import db
from portal.models import PlanStepEvent

from ..conftest import TEST_CONFIG
from ..support import live
from ..support.databases import own_database
from ..support.factories import PASSWORD, ClientFactory, PlanFactory, StepFactory

postgresql_only = pytest.mark.skipif(
    not (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql"),
    reason="PostgreSQL only: terminating a database's connections and refusing new ones are PostgreSQL commands",
)

CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
CLIENTS = 4
LOGGED = "The database could not be reached on"


@dataclass
class Person:
    email: str
    name: str
    steps: list[uuid.UUID]
    session: requests.Session = field(default_factory=requests.Session)
    token: str = ""
    done: dict[uuid.UUID, bool] = field(default_factory=dict)
    changes: Counter[uuid.UUID] = field(default_factory=Counter)


@dataclass
class World:
    url: str
    database: str
    admin: sa.Engine
    server: live.Server
    people: list[Person]


def _sign_in(base: str, person: Person) -> int:
    person.session = requests.Session()
    person.session.cookies.set("lang", "en")
    found = CSRF.search(person.session.get(f"{base}/sign-in", timeout=30).text)
    assert found
    answer = person.session.post(f"{base}/sign-in", data={"csrf_token": found.group(1), "email": person.email,
                                                         "password": PASSWORD}, allow_redirects=False, timeout=60)
    if answer.status_code == 302:
        person.token = CSRF.search(person.session.get(f"{base}/plan", timeout=30).text).group(1)  # type: ignore[union-attr]
    return answer.status_code


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with own_database("faults") as url:
        app = create_app({**TEST_CONFIG, "DATABASE_URL": url})
        people = []
        with app.app_context():
            for n in range(CLIENTS):
                client = ClientFactory(full_name=f"Faulty Person {n}", email=f"fault{n}@example.test")
                plan = PlanFactory(client_id=client.id)
                steps = [StepFactory(plan_id=plan.id, position=i) for i in range(3)]
                people.append(Person(client.email, client.full_name, [s.id for s in steps]))
            db.session.commit()
            db.engine.dispose()
        base = os.environ["TEST_DATABASE_URL"]
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        database = sa.engine.make_url(url).database
        with live.served(url, REDIS_URL=live.redis_or_skip()) as server:
            for person in people:
                assert _sign_in(server.url, person) == 302
            try:
                yield World(server.url, str(database), admin, server, people)
            finally:
                with admin.connect() as conn:
                    conn.execute(sa.text(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true'))
        admin.dispose()


def _terminate_connections(world: World) -> int:
    with world.admin.connect() as conn:
        return len(conn.execute(sa.text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :db AND pid <> pg_backend_pid()"
        ), {"db": world.database}).all())


def _allow_connections(world: World, allowed: bool) -> None:
    with world.admin.connect() as conn:
        conn.execute(sa.text(f'ALTER DATABASE "{world.database}" ALLOW_CONNECTIONS {str(allowed).lower()}'))


def _work(world: World, rounds: int) -> Counter[int]:
    """Each person checks a step off (or back on) and looks at the plan, `rounds` times; returns the status codes.
    A check-off counts as a change only when it was answered as done."""
    statuses: Counter[int] = Counter()
    for n in range(rounds):
        for person in world.people:
            step = person.steps[n % len(person.steps)]
            action = "not-done" if person.done.get(step) else "done"
            answer = person.session.post(f"{world.url}/plan/steps/{step}/{action}",
                                         data={"csrf_token": person.token}, allow_redirects=False, timeout=60)
            statuses[answer.status_code] += 1
            if answer.status_code == 302:
                person.done[step] = not person.done.get(step)
                person.changes[step] += 1
            statuses[person.session.get(f"{world.url}/plan", timeout=60).status_code] += 1
    return statuses


@postgresql_only
def test_dropped_connections_cost_no_request(world: World) -> None:
    assert _work(world, 6) == {302: 24, 200: 24}  # every process has pooled connections now
    dropped = _terminate_connections(world)
    statuses = _work(world, 6)
    print(f"\n{dropped} connections dropped; then {dict(statuses)}")
    assert dropped >= 2
    assert statuses == {302: 24, 200: 24}


@postgresql_only
def test_an_outage_answers_503_and_locks_nobody_out(world: World) -> None:
    _allow_connections(world, False)
    _terminate_connections(world)
    try:
        logged_before = live.log_so_far(world.server.process).count(LOGGED)
        statuses = _work(world, 3)
        page = world.people[0].session.get(f"{world.url}/plan", timeout=60)
        in_finnish = requests.get(f"{world.url}/plan", cookies={**world.people[0].session.cookies.get_dict(),
                                                                 "lang": "fi"}, timeout=60)
        stranger = Person(world.people[1].email, world.people[1].name, [])
        tries = [_sign_in(world.url, stranger) for _ in range(8)]  # more than the 5 wrong tries allowed
    finally:
        _allow_connections(world, True)
    print(f"\noutage: {dict(statuses)}, sign-in tries {tries}")
    assert statuses == {503: 24}
    assert page.status_code == 503 and int(page.headers["Retry-After"]) > 0
    assert "The service is not available at the moment" in page.text
    assert world.people[0].name not in page.text  # made without the database: nobody's name
    assert in_finnish.status_code == 503 and "Palvelu ei ole juuri nyt käytettävissä" in in_finnish.text
    assert tries == [503] * 8
    log = live.log_so_far(world.server.process)
    # each failed request logged once: a try is the form (which lists the identity providers) and its POST
    assert log.count(LOGGED) - logged_before == 24 + 2 + 2 * 8
    assert "Exception on" not in log  # and not a second time by Flask
    assert _sign_in(world.url, stranger) == 302  # the database is back, and the account is not locked
    assert _work(world, 3) == {302: 12, 200: 12}


@postgresql_only
def test_no_write_was_lost_or_made_twice(world: World) -> None:
    url = sa.engine.make_url(os.environ["TEST_DATABASE_URL"]).set(database=world.database)
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        events = Counter(dict(conn.execute(
            sa.select(PlanStepEvent.step_id, sa.func.count()).where(PlanStepEvent.kind == "status")
            .group_by(PlanStepEvent.step_id)).all()))
    engine.dispose()
    answered = Counter()
    for person in world.people:
        answered.update(person.changes)
    print(f"\ncheck-offs answered as done: {sum(answered.values())}, events: {sum(events.values())}")
    assert sum(answered.values()) > 0
    assert events == answered


@postgresql_only
def test_sign_in_works_while_redis_cannot_be_reached(world: World) -> None:
    url = sa.engine.make_url(os.environ["TEST_DATABASE_URL"]).set(database=world.database).render_as_string(
        hide_password=False)
    with live.served(url, REDIS_URL=f"redis://127.0.0.1:{live.free_port()}/5") as server:  # nothing listens
        person = Person(world.people[2].email, world.people[2].name, [])
        assert _sign_in(server.url, person) == 302
        wrong = []
        for _ in range(30):
            attempt = requests.Session()
            token = CSRF.search(attempt.get(f"{server.url}/sign-in", timeout=30).text).group(1)  # type: ignore[union-attr]
            wrong.append(attempt.post(f"{server.url}/sign-in", data={
                "csrf_token": token, "email": "nobody-here@example.test", "password": "wrong"},
                allow_redirects=False, timeout=60).status_code)
    counted = Counter(wrong)
    print(f"\nRedis unreachable: 30 wrong tries {dict(counted)}")
    assert set(counted) <= {400, 429} and counted[429] > 0  # still throttled, in each process
    warnings = server.log.count("counting sign-in tries in this process")
    assert 1 <= warnings <= 4  # once per process, not per request
    assert "Traceback" not in server.log


# --- the error pages, in-process, on SQLite and PostgreSQL ------------------------------------------------------


def test_a_database_failure_after_sign_in_gets_the_friendly_page_without_the_database(
        app, signed_in, jobseeker, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """The user was loaded, then the database failed: the page is made without asking it again (before, the
    error page loaded the user through the broken session and fell back to plain English text)."""
    import logging

    from sqlalchemy.exc import OperationalError

    from portal.plan import queries

    def broken(*args: object, **kwargs: object) -> None:
        raise OperationalError("SELECT", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(queries, "plan_summary", broken)
    signed_in.set_cookie("lang", "sv")
    with caplog.at_level(logging.ERROR):
        response = signed_in.get("/plan")
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    page = response.get_data(as_text=True)
    assert "Tjänsten är inte tillgänglig just nu" in page  # the person's language, from the cookie
    assert jobseeker.user.full_name not in page
    assert len([r for r in caplog.records if r.levelno >= logging.ERROR]) == 1


def test_an_unexpected_error_is_logged_once_and_gets_the_friendly_page_in_the_persons_language(
        database_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from ..support.client import PortalClient

    app = create_app({**TEST_CONFIG, "DATABASE_URL": database_url, "PROPAGATE_EXCEPTIONS": False})

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret detail")

    boom.is_public = True  # type: ignore[attr-defined]
    app.test_client_class = PortalClient
    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/boom", headers={"Accept-Language": "fi"})
    assert response.status_code == 500
    assert "Valitettavasti palvelussa on ongelma" in response.get_data(as_text=True)
    assert "secret detail" not in response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    tracebacks = [r for r in caplog.records if r.exc_info]
    assert len(tracebacks) == 1
