from __future__ import annotations

import pytest
from flask import Flask
from itsdangerous import URLSafeTimedSerializer

from portal.extensions import db

from ..support.client import PortalClient


def test_post_without_csrf_token_is_refused(signed_in: PortalClient, jobseeker) -> None:
    response = signed_in.post(f"/plan/steps/{jobseeker.steps[0].id}/done")
    assert response.status_code == 400


def test_post_with_forged_csrf_token_is_refused(signed_in: PortalClient, jobseeker) -> None:
    response = signed_in.post(f"/plan/steps/{jobseeker.steps[0].id}/done", data={"csrf_token": "forged"})
    assert response.status_code == 400


def test_htmx_sends_csrf_in_a_header(signed_in: PortalClient, jobseeker) -> None:
    response = signed_in.post(
        f"/plan/steps/{jobseeker.steps[0].id}/done",
        headers={"HX-Request": "true", "X-CSRFToken": signed_in.csrf_token()},
    )
    assert response.status_code == 200


def _expired_token(app: Flask, signed_in: PortalClient) -> str:
    with signed_in.session_transaction() as session:
        raw = session["csrf_token"]
    serializer = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token")
    import time
    from unittest import mock

    with mock.patch("itsdangerous.timed.time.time", return_value=time.time() - 7200):
        return serializer.dumps(raw)


def test_expired_csrf_token_returns_the_form_with_input_and_a_fresh_token(app: Flask, signed_in: PortalClient) -> None:
    token = _expired_token(app, signed_in)
    response = signed_in.post(
        "/plan/steps/new", data={"csrf_token": token, "title": "Call the library", "description": "About courses"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "nothing was saved" in page
    assert 'value="Call the library"' in page
    assert "About courses" in page
    fresh = signed_in.last_csrf
    assert fresh and fresh != token
    again = signed_in.post("/plan/steps/new", data={"csrf_token": fresh, "title": "Call the library"})
    assert again.status_code == 302


def test_a_check_off_with_an_expired_token_says_so_above_the_steps(app: Flask, signed_in: PortalClient,
                                                                  jobseeker) -> None:
    step = jobseeker.steps[0]
    response = signed_in.post(f"/plan/steps/{step.id}/done", data={"csrf_token": _expired_token(app, signed_in)})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    summary = page[page.index('class="error-summary"'):]
    assert summary.index("There is a problem") < summary.index("Nothing was saved") < summary.index("</div>")
    assert page.startswith("<!doctype html>") and "<title>Error:" in page
    db.session.refresh(step)
    assert step.status == "todo"


def test_an_htmx_check_off_with_an_expired_token_puts_the_problem_above_the_steps(
    app: Flask, signed_in: PortalClient, jobseeker
) -> None:
    step = jobseeker.steps[0]
    response = signed_in.post(f"/plan/steps/{step.id}/done", data={"csrf_token": _expired_token(app, signed_in)},
                              headers={"HX-Request": "true"})
    assert response.status_code == 200  # htmx swaps only 2xx answers
    assert response.headers["HX-Retarget"] == "#plan-steps" and response.headers["HX-Reswap"] == "outerHTML"
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<section id="plan-steps"') and "Nothing was saved" in body
    db.session.refresh(step)
    assert step.status == "todo"


@pytest.mark.parametrize(
    "title, message",
    [
        ("nul\x00byte", "Remove the special characters"),
        ("x" * 121, "Use 120 characters or fewer"),
        ("invoice\u202egnp.exe", "Remove the hidden text-direction characters"),
        ("   ", "Enter what you will do"),
    ],
    ids=["nul", "overlong", "bidi", "blank"],
)
def test_hostile_text_gets_a_clear_message_not_a_500(signed_in: PortalClient, title: str, message: str) -> None:
    response = signed_in.post_form("/plan/steps/new", {"title": title})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_huge_request_is_refused_politely(signed_in: PortalClient) -> None:
    response = signed_in.post_form("/plan/steps/new", {"title": "x", "description": "y" * 400_000})
    assert response.status_code == 413


def test_security_headers_and_csp_on_every_kind_of_response(signed_in: PortalClient, jobseeker) -> None:
    responses = [
        signed_in.get("/plan"),
        signed_in.get("/no-such-page"),
        signed_in.post_form(f"/plan/steps/{jobseeker.steps[0].id}/done"),
        signed_in.get("/healthz"),
        signed_in.get("/static/css/portal.css"),
    ]
    for response in responses:
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"


def test_each_security_header_is_sent_once(signed_in: PortalClient) -> None:
    for path in ("/plan", "/healthz", "/no-such-page"):
        response = signed_in.get(path)
        for name in ("Content-Security-Policy", "X-Frame-Options", "Permissions-Policy"):
            assert len(response.headers.getlist(name)) == 1, (path, name)


def test_a_security_header_a_response_sets_itself_is_kept(app: Flask) -> None:
    from flask import Response

    with app.test_request_context("/healthz"):
        response = app.process_response(Response("x", headers={"x-frame-options": "SAMEORIGIN"}))
    assert response.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("secure", "sent"), [(True, ["max-age=31536000; includeSubDomains"]), (False, [])])
def test_hsts_only_when_served_over_https(app: Flask, monkeypatch: pytest.MonkeyPatch, secure: bool,
                                          sent: list[str]) -> None:
    from flask import Response

    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", secure)
    with app.test_request_context("/healthz"):
        response = app.process_response(Response("x"))
    assert response.headers.getlist("Strict-Transport-Security") == sent


def test_personal_pages_are_not_stored(signed_in: PortalClient, jobseeker) -> None:
    for path in ("/", "/plan", f"/plan/steps/{jobseeker.steps[0].id}", "/plan/steps/new"):
        response = signed_in.get(path)
        assert response.headers["Cache-Control"] == "no-store", path
        assert "HX-Request" in response.vary


def test_not_found_page_is_friendly_and_reveals_nothing(client: PortalClient) -> None:
    response = client.get("/plan/steps/not-a-uuid\x00")
    assert response.status_code in {302, 404}
    response = client.get("/definitely-missing")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Page not found" in page
    assert "Traceback" not in page and "werkzeug" not in page.lower()


def test_staff_cannot_open_client_pages(client: PortalClient, staff_user) -> None:
    from ..support.factories import PASSWORD

    client.sign_in(staff_user.email, PASSWORD)
    assert client.get("/plan").status_code == 403
    assert client.get("/").status_code == 200
