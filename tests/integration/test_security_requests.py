"""Requests (issue 16, items 8-11): redirects, CSRF on every POST, caching of static files, settings' off values."""

from __future__ import annotations

import re
import time
from unittest import mock

import pytest
from flask import Flask
from itsdangerous import URLSafeTimedSerializer

from portal import config, create_app
from portal.common import security

from ..conftest import TEST_CONFIG
from ..support.client import PortalClient
from ..support.factories import PASSWORD

CRLF = "/%0d%0aSet-Cookie:%20planted=1"


# --- 8. control characters in `next` -------------------------------------------------------------------------


def test_a_line_break_in_the_language_switchs_next_goes_home_not_500(client: PortalClient) -> None:
    response = client.get(f"/language/en?next={CRLF}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "planted" not in response.headers.get("Set-Cookie", "")


def test_a_line_break_in_sign_ins_next_goes_home_not_500(client: PortalClient, jobseeker) -> None:
    client.get("/sign-in")
    response = client.post(f"/sign-in?next={CRLF}", data={
        "csrf_token": client.csrf_token(), "email": jobseeker.user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_a_line_break_in_stay_signed_ins_next_goes_home_not_500(signed_in: PortalClient) -> None:
    response = signed_in.post_form("/session/extend", {"next": "/\r\nSet-Cookie: planted=1"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("character", ["\x00", "\t", "\x1b", "\x7f"])
def test_other_control_characters_in_next_go_home(client: PortalClient, character: str) -> None:
    response = client.get("/language/en", query_string={"next": f"/plan{character}x"})
    assert response.headers["Location"] == "/"


# --- 9. an expired CSRF token is let through only to the views that bring their form back ---------------------


def _expired_token(app: Flask, client: PortalClient) -> str:
    client.csrf_token()
    with client.session_transaction() as session:
        raw = session["csrf_token"]
    serializer = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token")
    with mock.patch("itsdangerous.timed.time.time", return_value=time.time() - 7200):
        return serializer.dumps(raw)


def test_sign_out_with_an_expired_token_is_refused(app: Flask, signed_in: PortalClient) -> None:
    response = signed_in.post("/sign-out", data={"csrf_token": _expired_token(app, signed_in)})
    assert response.status_code == 400
    assert signed_in.get("/plan").status_code == 200  # still signed in: nothing was done


def test_stay_signed_in_with_an_expired_token_is_refused(app: Flask, signed_in: PortalClient) -> None:
    response = signed_in.post("/session/extend", data={"csrf_token": _expired_token(app, signed_in)})
    assert response.status_code == 400


BRINGING_FORMS_BACK = {
    "auth.sign_in", "auth.change_password",
    "plan.mark_done", "plan.mark_not_done", "plan.cant_do", "plan.add_step",
    "appointments.book", "appointments.choose_day", "appointments.choose_time", "appointments.needs",
    "appointments.check", "appointments.cancel", "appointments.cant_come",
    "staff_appointments.publish", "staff_appointments.withdraw", "staff_appointments.mark_attended",
    "staff_appointments.mark_no_show", "staff_appointments.book_for_client",
    "sharing.give", "sharing.withdraw", "sharing.decline",
}


def test_the_views_that_take_an_expired_token_are_the_ones_listed_here(app: Flask) -> None:
    """Each of these validates its form and says the page was open too long; adding one is a decision."""
    marked = {name for name, view in app.view_functions.items() if security.brings_form_back(view)}
    assert marked == BRINGING_FORMS_BACK


def test_every_post_view_either_brings_its_form_back_or_refuses_an_expired_token(
        app: Flask, signed_in: PortalClient, jobseeker) -> None:
    """A view is let through only if it says so (and then its form says the page was open too long)."""
    token = _expired_token(app, signed_in)
    step = jobseeker.steps[0]
    checked = 0
    with app.test_request_context():
        adapter = app.url_map.bind("localhost")
        rules = [rule for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())]
        urls = {rule.endpoint: adapter.build(rule.endpoint, {
            arg: step.id for arg in rule.arguments}) for rule in rules}
    for endpoint, url in urls.items():
        if endpoint in {"auth.sign_in"}:
            continue  # a signed-in person is sent home before any form
        response = signed_in.post(url, data={"csrf_token": token})
        if security.brings_form_back(app.view_functions[endpoint]):
            assert response.status_code < 500, endpoint  # tested view by view in their rooms' tests
        else:
            assert response.status_code == 400, endpoint
            assert "We could not handle what you sent" in response.get_data(as_text=True), endpoint
        checked += 1
    assert checked >= 15


def test_an_expired_token_on_sign_in_brings_the_form_back_with_the_email(app: Flask, client: PortalClient,
                                                                          jobseeker) -> None:
    response = client.post("/sign-in", data={"csrf_token": _expired_token(app, client),
                                             "email": jobseeker.user.email, "password": PASSWORD})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "nothing was saved" in page and f'value="{jobseeker.user.email}"' in page


# --- 9. the second layer: where the POST came from ------------------------------------------------------------


@pytest.mark.parametrize("headers", [
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},  # another site of ours, e.g. a subdomain someone else runs
    {"Origin": "https://evil.example"},
    {"Origin": "null"},  # a sandboxed frame or a data: page
    {"Origin": "http://localhost.evil.example"},
], ids=["cross-site", "same-site", "other-origin", "null-origin", "lookalike-origin"])
def test_a_post_from_another_site_is_refused_even_with_a_valid_token(signed_in: PortalClient, jobseeker,
                                                                     headers: dict[str, str]) -> None:
    step = jobseeker.steps[0]
    response = signed_in.post_form(f"/plan/steps/{step.id}/done", headers=headers)
    assert response.status_code == 400
    assert "We could not handle what you sent" in response.get_data(as_text=True)
    assert signed_in.get(f"/plan/steps/{step.id}").get_data(as_text=True).count("Mark as done") >= 1


@pytest.mark.parametrize("headers", [
    {"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"},
    {"Origin": "http://localhost"},  # a browser that does not send Sec-Fetch-Site
    {},  # neither (curl, old browsers): the CSRF token alone decides
], ids=["same-origin", "origin-only", "neither"])
def test_a_post_from_our_own_pages_goes_through(signed_in: PortalClient, jobseeker,
                                               headers: dict[str, str]) -> None:
    response = signed_in.post_form(f"/plan/steps/{jobseeker.steps[0].id}/done", headers=headers)
    assert response.status_code == 302


def test_sign_in_from_another_site_is_refused(client: PortalClient, jobseeker) -> None:
    client.get("/sign-in")
    response = client.post("/sign-in", headers={"Sec-Fetch-Site": "cross-site"}, data={
        "csrf_token": client.csrf_token(), "email": jobseeker.user.email, "password": PASSWORD})
    assert response.status_code == 400
    with client.session_transaction() as session:
        assert "_user_id" not in session


# --- 10. long caching only for real static files --------------------------------------------------------------


def test_a_missing_static_file_is_not_cached(signed_in: PortalClient) -> None:
    response = signed_in.get("/static/css/no-such-file.css")
    assert response.status_code == 404
    assert response.headers["Cache-Control"] == "no-store"


def test_a_real_static_file_is_cached_for_a_year_also_when_not_modified(client: PortalClient) -> None:
    first = client.get("/static/css/portal.css")
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    again = client.get("/static/css/portal.css", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.headers["Cache-Control"] == "public, max-age=31536000, immutable"


# --- 11. every on/off setting can be turned off (and on) without stopping the app ----------------------------

SWITCHES = re.findall(r'_env_bool\("([A-Z_]+)"', (config.PROJECT_ROOT / "portal" / "config.py").read_text())
NUMBERS_WHOSE_ZERO_IS_OFF = ["PORTAL_TRUSTED_PROXY_COUNT", "PORTAL_MAX_UPCOMING_APPOINTMENTS"]


def test_the_switches_are_found() -> None:
    assert {"PORTAL_RATELIMIT_ENABLED", "PORTAL_SECURE_COOKIES", "SMTP_STARTTLS"} <= set(SWITCHES)


@pytest.mark.parametrize("value", ["0", "1"])
@pytest.mark.parametrize("name", SWITCHES + NUMBERS_WHOSE_ZERO_IS_OFF)
def test_a_setting_never_stops_the_app(database_url: str, monkeypatch: pytest.MonkeyPatch, name: str,
                                       value: str) -> None:
    monkeypatch.setenv(name, value)
    app = create_app({key: v for key, v in TEST_CONFIG.items() if key != "SESSION_COOKIE_SECURE"}
                     | {"DATABASE_URL": database_url})
    browser = app.test_client()
    assert browser.get("/healthz").status_code == 200
    page = browser.get("/sign-in", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.get_data(as_text=True))
    assert token
    wrong = browser.post("/sign-in", data={"csrf_token": token.group(1), "email": "nobody@example.test",
                                           "password": "not the password"})
    assert wrong.status_code == 400
