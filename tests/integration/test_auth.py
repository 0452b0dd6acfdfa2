from __future__ import annotations

import time

import pytest
from flask import Flask

from portal.extensions import db

from ..support.client import PortalClient
from ..support.factories import PASSWORD, ClientFactory


def test_sign_in_starts_a_new_session(client: PortalClient, jobseeker) -> None:
    client.get("/sign-in")
    with client.session_transaction() as before:
        before["planted"] = "by an attacker"
    client.sign_in(jobseeker.user.email, PASSWORD)
    with client.session_transaction() as after:
        assert "planted" not in after
        assert after["_user_id"].startswith(str(jobseeker.user.id))


def test_wrong_password_gives_one_message_and_keeps_the_email(client: PortalClient, jobseeker) -> None:
    response = client.sign_in(jobseeker.user.email, "wrong password")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The email address or password is wrong" in page
    assert f'value="{jobseeker.user.email}"' in page
    assert "<title>Error: Sign in" in page


def test_unknown_email_gets_the_same_message(client: PortalClient) -> None:
    page = client.sign_in("nobody@example.test", "whatever").get_data(as_text=True)
    assert "The email address or password is wrong" in page


def test_disabled_account_cannot_sign_in(client: PortalClient) -> None:
    user = ClientFactory(active=False)
    assert client.sign_in(user.email, PASSWORD).status_code == 400


def test_copied_cookie_stops_working_after_sign_out(app: Flask, client: PortalClient, jobseeker) -> None:
    client.sign_in(jobseeker.user.email, PASSWORD)
    stolen = client.get_cookie("portal_session").value
    client.post_form("/sign-out")
    thief = app.test_client()
    thief.set_cookie("portal_session", stolen)
    response = thief.get("/plan")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_password_change_ends_other_sessions_but_not_this_one(app: Flask, client: PortalClient, jobseeker) -> None:
    client.sign_in(jobseeker.user.email, PASSWORD)
    other_device = app.test_client()
    other_device.set_cookie("portal_session", client.get_cookie("portal_session").value)
    response = client.post_form(
        "/account/password",
        {"current_password": PASSWORD, "new_password": "a much longer new secret", "confirm_password":
         "a much longer new secret"},
    )
    assert response.status_code == 302
    assert client.get("/plan").status_code == 200
    assert other_device.get("/plan").status_code == 302


def test_password_change_errors_come_back_on_the_form(signed_in: PortalClient) -> None:
    response = signed_in.post_form(
        "/account/password", {"current_password": "nope", "new_password": "short", "confirm_password": "other"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Use at least 12 characters" in page
    assert "The passwords do not match" in page


def test_idle_session_is_ended(app: Flask, signed_in: PortalClient) -> None:
    with signed_in.session_transaction() as session:
        session["seen"] = int(time.time()) - app.config["SESSION_IDLE_MINUTES"] * 60 - 1
    response = signed_in.get("/plan")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    page = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "You were signed out because you were inactive" in page


def test_a_session_ends_at_its_absolute_lifetime_however_active(app: Flask, signed_in: PortalClient) -> None:
    max_seconds = app.config["SESSION_MAX_HOURS"] * 3600
    with signed_in.session_transaction() as session:
        session["since"] = int(time.time()) - max_seconds + 90
    assert signed_in.get("/plan").status_code == 200
    extended = signed_in.post_form("/session/extend", headers={"HX-Request": "true"})
    assert extended.json["seconds_left"] <= 90  # "stay signed in" never outlives the absolute end
    with signed_in.session_transaction() as session:
        session["since"] = int(time.time()) - max_seconds - 1
        session["seen"] = int(time.time())  # active a moment ago
    response = signed_in.get("/plan")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    page = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "You were signed out because you had been signed in for a long time" in page
    assert signed_in.get("/plan").status_code == 302  # the session is over, not only this request


def test_extend_session_refreshes_the_idle_timer(app: Flask, signed_in: PortalClient) -> None:
    idle = app.config["SESSION_IDLE_MINUTES"] * 60
    with signed_in.session_transaction() as session:
        session["seen"] = int(time.time()) - idle + 30
    response = signed_in.post_form("/session/extend", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.json["seconds_left"] > idle - 5


def test_the_time_out_warning_counts_down_from_what_is_really_left(app: Flask, signed_in: PortalClient) -> None:
    """The activity stamp is rewritten at most once a minute, so a page must not assume a full idle time."""
    import re

    idle = app.config["SESSION_IDLE_MINUTES"] * 60
    with signed_in.session_transaction() as session:
        session["seen"] = int(time.time()) - 50  # active 50 s ago: this page view does not move the stamp
    page = signed_in.get("/plan").get_data(as_text=True)
    shown = int(re.search(r'data-session-idle-seconds="(\d+)"', page).group(1))
    assert idle - 52 <= shown <= idle - 49
    assert 'data-session-status-url="/session/status"' in page


def test_session_status_does_not_count_as_activity(app: Flask, signed_in: PortalClient) -> None:
    with signed_in.session_transaction() as session:
        session["seen"] = int(time.time()) - 600
    left = signed_in.get("/session/status").json["seconds_left"]
    assert left <= app.config["SESSION_IDLE_MINUTES"] * 60 - 599


def test_login_is_throttled_per_account_with_a_friendly_message(client: PortalClient, jobseeker) -> None:
    for _ in range(5):
        assert client.sign_in(jobseeker.user.email, "wrong").status_code == 400
    response = client.sign_in(jobseeker.user.email, PASSWORD)
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "You have tried to sign in too many times" in page
    assert f'value="{jobseeker.user.email}"' in page


def test_login_throttle_per_address_covers_many_accounts(app: Flask, client: PortalClient) -> None:
    statuses = [client.sign_in(f"guess{n}@example.test", "x").status_code for n in range(31)]
    assert statuses[:30] == [400] * 30
    assert statuses[30] == 429


def test_language_switch_never_redirects_off_site(client: PortalClient) -> None:
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"):
        response = client.get("/language/sv", query_string={"next": target})
        assert response.headers["Location"] == "/", target
    response = client.get("/language/sv", query_string={"next": "/accessibility"})
    assert response.headers["Location"] == "/accessibility"
    assert "lang=sv" in response.headers["Set-Cookie"]


def test_sign_in_next_is_only_followed_on_site(client: PortalClient, jobseeker) -> None:
    client.get("/sign-in")
    response = client.post(
        "/sign-in?next=https://evil.example/",
        data={"csrf_token": client.csrf_token(), "email": jobseeker.user.email, "password": PASSWORD},
    )
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("headers", [
    {"Sec-Fetch-Site": "same-origin"},  # the language links on our pages
    {"Sec-Fetch-Site": "none"},  # typed or bookmarked
    {"Referer": "http://localhost/plan"},  # an older browser, from our own page
])
def test_the_users_own_choice_of_language_is_remembered_on_the_account(
    signed_in: PortalClient, jobseeker, headers: dict[str, str]
) -> None:
    signed_in.get("/language/sv", query_string={"next": "/plan"}, headers=headers)
    db.session.refresh(jobseeker.user)
    assert jobseeker.user.locale == "sv"


@pytest.mark.parametrize("headers", [
    {"Sec-Fetch-Site": "cross-site"},
    {},  # an older browser that says nothing of where it came from
    {"Referer": "https://evil.example/page"},
    {"Referer": "http://localhost.evil.example/"},
    {"Sec-Fetch-Site": "same-site", "Referer": "http://localhost/plan"},
])
def test_a_switch_that_does_not_come_from_our_pages_leaves_the_accounts_language(
    signed_in: PortalClient, jobseeker, headers: dict[str, str]
) -> None:
    """The account's language is the one reminders are sent in: another site must not be able to change it."""
    before = jobseeker.user.locale
    response = signed_in.get("/language/en", query_string={"next": "/plan"}, headers=headers)
    assert "lang=en" in response.headers["Set-Cookie"]
    db.session.refresh(jobseeker.user)
    assert jobseeker.user.locale == before != "en"
