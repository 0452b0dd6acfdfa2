"""Sign-in and sessions (issue 16, items 1-7, 12, 15 and 18): the throttle, passwords, the cookie.

The races against a live multi-worker server are in test_sign_in_race.py; what the cookie holds after every
action of the journeys is in test_cookie_privacy.py.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.exc import OperationalError

from portal import create_app
from portal.auth import passwords
from portal.extensions import db
from portal.models import User

from ..conftest import TEST_CONFIG
from ..support.client import PortalClient
from ..support.databases import own_database
from ..support.factories import _HASH, PASSWORD


def _from(client: PortalClient, address: str) -> PortalClient:
    client.environ_base["REMOTE_ADDR"] = address
    return client


# --- 1 and 15: a try is counted before the password is checked, and only a wrong password keeps its count ----


@pytest.fixture(scope="module")
def own_database_url() -> Iterator[str]:
    """Requests at the same time need a database whose commits they all see (not a test's savepoint)."""
    with own_database("sign-in") as url:
        yield url


@pytest.fixture(scope="module")
def own_app(own_database_url: str) -> Iterator[Flask]:
    app = create_app({**TEST_CONFIG, "DATABASE_URL": own_database_url})
    with app.app_context():
        for name in ("racer", "locker", "writer", "outage"):
            db.session.add(User(email=f"{name}@example.test", full_name=name.title(), role="client",
                                password_hash=_HASH))
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


def _token(browser: object) -> str:
    page = browser.get("/sign-in").get_data(as_text=True)  # type: ignore[attr-defined]
    return page.split('name="csrf-token" content="')[1].split('"')[0]


def test_parallel_wrong_passwords_get_exactly_the_limit_of_checks(own_app: Flask,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """In one process (the multi-worker server is in test_sign_in_race.py): 20 tries at once, 5 checked."""
    checks = []
    release = threading.Event()
    real = passwords.verify_password

    def slow_check(password_hash: str | None, password: str) -> bool:
        checks.append(password)
        release.wait(2)  # every try is in flight before any check ends
        return real(password_hash, password)

    monkeypatch.setattr(passwords, "verify_password", slow_check)
    browsers = [own_app.test_client() for _ in range(20)]
    tokens = [_token(browser) for browser in browsers]

    def wrong(index: int) -> int:
        return browsers[index].post("/sign-in", data={"csrf_token": tokens[index], "email": "racer@example.test",
                                                      "password": f"wrong {index}"}).status_code

    threading.Timer(1.0, release.set).start()
    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = sorted(pool.map(wrong, range(20)))
    assert len(checks) == 5
    assert statuses == [400] * 5 + [429] * 15


def test_a_right_password_gives_its_try_back(client: PortalClient, jobseeker) -> None:
    for _ in range(4):
        client.sign_in(jobseeker.user.email, "wrong")
    for _ in range(3):
        assert client.sign_in(jobseeker.user.email, PASSWORD).status_code == 302
        client.post_form("/sign-out")
    assert client.sign_in(jobseeker.user.email, "wrong").status_code == 400  # the fifth wrong one
    assert client.sign_in(jobseeker.user.email, PASSWORD).status_code == 429


def test_a_database_outage_during_sign_in_locks_nobody_out(client: PortalClient, jobseeker,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from portal.auth import queries

    real = queries.authenticate

    def database_down(email: str, password: str) -> None:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(queries, "authenticate", database_down)
    for _ in range(8):
        assert client.sign_in(jobseeker.user.email, PASSWORD).status_code == 503
    monkeypatch.setattr(queries, "authenticate", real)
    assert client.sign_in(jobseeker.user.email, PASSWORD).status_code == 302


def test_refused_tries_do_not_use_up_the_addresss_allowance(client: PortalClient, jobseeker) -> None:
    """While an account is locked, its refused tries cost the address nothing: 5 wrong + 20 refused, then
    the address still has 25 of its 30 tries for other accounts."""
    for _ in range(5):
        client.sign_in(jobseeker.user.email, "wrong")
    assert [client.sign_in(jobseeker.user.email, "wrong").status_code for _ in range(20)] == [429] * 20
    others = [client.sign_in(f"other{n}@example.test", "wrong").status_code for n in range(26)]
    assert others == [400] * 25 + [429]


# --- 12: who a lock-out stops, and for how long --------------------------------------------------------------


def test_a_guesser_locks_out_only_their_own_address(client: PortalClient, app: Flask, jobseeker) -> None:
    guesser = _from(client, "198.51.100.7")
    for _ in range(5):
        assert guesser.sign_in(jobseeker.user.email, "wrong").status_code == 400
    assert guesser.sign_in(jobseeker.user.email, PASSWORD).status_code == 429
    owner = _from(app.test_client(), "203.0.113.20")
    assert owner.sign_in(jobseeker.user.email, PASSWORD).status_code == 302


def test_guessing_one_account_from_many_addresses_is_stopped_too(app: Flask, jobseeker) -> None:
    ceiling = 30
    statuses = []
    for n in range(ceiling + 1):
        browser = _from(app.test_client(), f"192.0.2.{n + 1}")
        statuses.append(browser.sign_in(jobseeker.user.email, "wrong").status_code)
    assert statuses == [400] * ceiling + [429]


def test_the_message_and_retry_after_say_how_long_to_wait(client: PortalClient, jobseeker) -> None:
    for _ in range(5):
        client.sign_in(jobseeker.user.email, "wrong")
    response = client.sign_in(jobseeker.user.email, "wrong")
    assert response.status_code == 429
    wait = int(response.headers["Retry-After"])
    assert 14 * 60 < wait <= 15 * 60
    page = response.get_data(as_text=True)
    assert "Wait 15 minutes and try again" in page
    assert f'value="{jobseeker.user.email}"' in page


# --- 18: the shared store cannot be reached ------------------------------------------------------------------


def test_sign_in_works_while_the_shared_store_is_down(own_app: Flask, own_database_url: str,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    redis_down = create_app({**TEST_CONFIG, "DATABASE_URL": own_database_url,
                             "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/5"})  # nothing listens on port 1
    redis_down.test_client_class = PortalClient
    browser: PortalClient = redis_down.test_client()  # type: ignore[assignment]
    with caplog.at_level(logging.INFO):
        assert browser.sign_in("outage@example.test", PASSWORD).status_code == 302
        browser.post_form("/sign-out")
        statuses = [browser.sign_in("outage@example.test", "wrong").status_code for _ in range(6)]
    assert statuses == [400] * 5 + [429]  # counted in this process for the outage
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert "counting sign-in tries in this process" in warnings[0].getMessage()
    assert warnings[0].exc_info is None  # one line, not a traceback per request
    with redis_down.app_context():
        db.engine.dispose()


# --- 3: the password is checked outside the write transaction ------------------------------------------------


def test_a_password_check_holds_no_lock_and_no_transaction(own_app: Flask, own_database_url: str,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """On SQLite the sign-in held the database's write lock for the whole argon2 check (half a second), so
    every other write of the portal waited, and parallel sign-ins timed out with 500."""
    app = own_app
    checking, done = threading.Event(), threading.Event()
    seen: dict[str, object] = {}
    real = passwords.verify_password

    def watched_check(password_hash: str | None, password: str) -> bool:
        session = db.session_if_made()
        seen["in transaction"] = session is not None and session.in_transaction()
        checking.set()
        done.wait(10)
        return real(password_hash, password)

    monkeypatch.setattr(passwords, "verify_password", watched_check)
    browser = app.test_client()
    token = _token(browser)
    result: dict[str, int] = {}
    signing_in = threading.Thread(target=lambda: result.update(status=browser.post("/sign-in", data={
        "csrf_token": token, "email": "locker@example.test", "password": PASSWORD}).status_code))
    signing_in.start()
    try:
        assert checking.wait(10)
        other = sa.create_engine(own_database_url, connect_args={"timeout": 1}
                                 if own_database_url.startswith("sqlite") else {})
        with other.begin() as conn:  # another request's write, while the password is being checked
            conn.execute(sa.text("UPDATE users SET locale = 'sv' WHERE email = 'writer@example.test'"))
        other.dispose()
    finally:
        done.set()
        signing_in.join(10)
    assert seen["in transaction"] is False
    assert result["status"] == 302


# --- 4: changing the password ---------------------------------------------------------------------------------


def _change(client: PortalClient, current: str, new: str) -> object:
    return client.post_form("/account/password", {"current_password": current, "new_password": new,
                                                  "confirm_password": new})


def test_guessing_the_current_password_is_throttled(signed_in: PortalClient) -> None:
    statuses = [_change(signed_in, f"guess number {n}", "plum harbour violin 42").status_code for n in range(6)]
    assert statuses == [400] * 5 + [429]
    response = _change(signed_in, PASSWORD, "plum harbour violin 42")
    assert response.status_code == 429  # the right one too, until the wait is over
    assert "You have typed a wrong password too many times" in response.get_data(as_text=True)
    assert "Retry-After" in response.headers


def test_wrong_current_passwords_count_against_sign_in_too(signed_in: PortalClient, app: Flask,
                                                           jobseeker) -> None:
    for n in range(5):
        _change(signed_in, f"guess number {n}", "plum harbour violin 42")
    signed_in.post_form("/sign-out")
    assert signed_in.sign_in(jobseeker.user.email, PASSWORD).status_code == 429


@pytest.mark.parametrize("weak, advice", [
    ("password1234", "one of the most common passwords"),
    ("abcdefghijklmnop", "sequences and rows of keys"),
    ("aaaaaaaaaaaaaaaa", "repeats"),
    ("salasana1234", "one of the most common passwords"),
])
def test_an_easily_guessed_new_password_is_refused_with_advice(signed_in: PortalClient, weak: str,
                                                               advice: str) -> None:
    response = _change(signed_in, PASSWORD, weak)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Choose a password that is harder to guess" in page
    assert advice in page


def test_a_new_password_made_of_the_persons_own_name_is_refused(signed_in: PortalClient, jobseeker) -> None:
    name = jobseeker.user.full_name.lower().replace(" ", "")
    response = _change(signed_in, PASSWORD, f"{name}{name}2026")
    assert response.status_code == 400
    assert "your name or email address" in response.get_data(as_text=True)


def test_a_strong_new_password_is_taken(signed_in: PortalClient) -> None:
    assert _change(signed_in, PASSWORD, "plum harbour violin 42").status_code == 302


# --- 6: the cookie's name and flags ----------------------------------------------------------------------------


def test_cookies_are_secure_by_default_and_named_host_only(database_url: str,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PORTAL_SECURE_COOKIES", raising=False)
    app = create_app({key: value for key, value in TEST_CONFIG.items() if key != "SESSION_COOKIE_SECURE"}
                     | {"DATABASE_URL": database_url})
    response = app.test_client().get("/sign-in")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-portal_session=")
    assert "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie and "HttpOnly" in cookie


def test_the_local_demo_can_turn_secure_cookies_off(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_SECURE_COOKIES", "0")
    app = create_app({key: value for key, value in TEST_CONFIG.items() if key != "SESSION_COOKIE_SECURE"}
                     | {"DATABASE_URL": database_url})
    cookie = app.test_client().get("/sign-in").headers["Set-Cookie"]
    assert cookie.startswith("portal_session=") and "Secure" not in cookie


def test_the_demo_script_turns_secure_cookies_off() -> None:
    from portal.config import PROJECT_ROOT

    assert "PORTAL_SECURE_COOKIES=0" in (PROJECT_ROOT / "scripts" / "demo").read_text()


# --- 7: Flask-Login's hash of the address and browser is not kept --------------------------------------------


def test_the_session_keeps_no_hash_of_the_address_and_browser(client: PortalClient, jobseeker) -> None:
    client.sign_in(jobseeker.user.email, PASSWORD)
    with client.session_transaction() as session:
        assert "_id" not in session
