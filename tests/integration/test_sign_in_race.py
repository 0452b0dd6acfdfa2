"""Sign-in against a live multi-worker server (gunicorn, 4 processes × 2 threads, as in production).

50 wrong passwords sent at once get exactly the limit of password checks; the rest are told to wait, and
nobody gets a server error. The counters are in Redis (REDIS_URL), shared by the processes. Without REDIS_URL,
gunicorn refuses to start more than one process. The app's database is one of this module's own.
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from portal import create_app
from portal.extensions import db
from portal.models import User

from ..conftest import TEST_CONFIG
from ..support import live
from ..support.databases import own_database
from ..support.factories import _HASH

PEOPLE = 50
LIMIT = 5
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@pytest.fixture(scope="module")
def race_database_url() -> Iterator[str]:
    with own_database("sign-in-race") as url:
        app = create_app({**TEST_CONFIG, "DATABASE_URL": url})
        with app.app_context():
            db.session.add(User(email="target@example.test", full_name="Target", role="client", password_hash=_HASH,
                                locale="en"))
            db.session.commit()
            db.engine.dispose()
        yield url


@pytest.fixture(scope="module")
def server(race_database_url: str) -> Iterator[live.Server]:
    with live.served(race_database_url, REDIS_URL=live.redis_or_skip()) as running:
        yield running


def _ready(server: live.Server) -> tuple[requests.Session, str]:
    session = requests.Session()
    session.cookies.set("lang", "en")
    found = CSRF.search(session.get(f"{server.url}/sign-in", timeout=30).text)
    assert found
    return session, found.group(1)


def test_fifty_wrong_passwords_at_once_get_exactly_the_limit_of_checks(server: live.Server) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        ready = list(pool.map(lambda _: _ready(server), range(PEOPLE)))

    def wrong(args: tuple[requests.Session, str]) -> requests.Response:
        session, token = args
        return session.post(f"{server.url}/sign-in", data={"csrf_token": token, "email": "target@example.test",
                                                           "password": "not the password"}, timeout=120)

    with ThreadPoolExecutor(max_workers=PEOPLE) as pool:
        answers = list(pool.map(wrong, ready))
    statuses = Counter(answer.status_code for answer in answers)
    print(f"\nsign-in race: {PEOPLE} wrong passwords at once, status codes {dict(statuses)}")
    assert statuses == {400: LIMIT, 429: PEOPLE - LIMIT}
    for answer in answers:
        if answer.status_code == 429:
            assert 0 < int(answer.headers["Retry-After"]) <= 15 * 60
            assert "Wait 15 minutes and try again" in answer.text
        else:
            assert "The email address or password is wrong" in answer.text


def test_the_server_says_nothing_of_its_software_versions(server: live.Server) -> None:
    response = requests.get(f"{server.url}/sign-in", timeout=30)
    assert not re.search(r"\d", response.headers.get("Server", "")), response.headers.get("Server")
    assert "Werkzeug" not in response.headers.get("Server", "")


def test_more_than_one_worker_without_a_shared_store_refuses_to_start(race_database_url: str) -> None:
    process = live.start(live.free_port(), live.environment(race_database_url))
    try:
        code = process.wait(60)
    except subprocess.TimeoutExpired:
        live.stop(process)
        pytest.fail("gunicorn started 4 workers with sign-in counters in each process's memory")
    assert code != 0
    assert "Set REDIS_URL" in live.stop(process)
