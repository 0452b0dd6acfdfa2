from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from ..common import limits, sessions
from ..common.access import public
from ..common.database import writes_on_get
from ..common.i18n import LANGUAGE_COOKIE
from ..common.redirects import safe_next
from ..common.rendering import render_page
from ..common.security import expired_token_brings_form_back
from ..extensions import login_manager
from ..identification import sign_in_options, signing_out
from . import passwords, queries
from .forms import ChangePasswordForm, SignInForm

bp = Blueprint("auth", __name__)
login_manager.user_loader(queries.signed_in_user)


@bp.route("/sign-in", methods=["GET", "POST"])
@expired_token_brings_form_back
@public
def sign_in() -> Response:
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    if request.method == "POST" and not sign_in_options.password_sign_in_offered():
        abort(404)
    form = SignInForm()
    if form.validate_on_submit():
        email = form.email.data or ""
        try:
            with limits.sign_in_try(email) as attempt:  # counted before the check, kept only if wrong
                user = queries.authenticate(email, form.password.data or "")
                if user is None:
                    attempt.password_was_wrong()
        except limits.Throttled as throttled:
            form.email.errors.append(ngettext(
                "You have tried to sign in too many times. Wait %(num)d minute and try again.",
                "You have tried to sign in too many times. Wait %(num)d minutes and try again.",
                throttled.minutes))
            return _throttled(render_page("auth/sign_in.html", form=form, status=429,
                                          **sign_in_options.choices()), throttled)
        if user is not None and sign_in_options.may_use_password(user):
            sessions.start_session(user)
            return redirect(safe_next(request.args.get("next"), url_for("home.index")))
        form.email.errors.append(_("The email address or password is wrong. Check them and try again."))
    status = 400 if form.errors else 200
    return render_page("auth/sign_in.html", form=form, status=status, **sign_in_options.choices())


def _throttled(response: Response, throttled: limits.Throttled) -> Response:
    response.headers["Retry-After"] = str(throttled.retry_after)
    return response


@bp.post("/sign-out")
def sign_out() -> Response:
    provider = signing_out.provider_to_sign_out_of()  # asked before the session (which names it) ends
    queries.end_all_sessions(current_user._get_current_object())
    sessions.end_session()
    if provider is not None:
        return signing_out.continue_to(*provider)
    return redirect(url_for("auth.signed_out"))


@bp.get("/signed-out")
@public
def signed_out() -> Response:
    return render_page("auth/signed_out.html")


@bp.post("/session/extend")
def extend_session() -> Response:
    # the CSRF guard has checked the token, and the session guard has already refreshed the idle timer
    if request.headers.get("HX-Request"):
        return jsonify(seconds_left=sessions.seconds_left(), csrf_token=generate_csrf())
    flash(_("You are still signed in."), "success")
    return redirect(safe_next(request.form.get("next"), url_for("home.index")))


@bp.get("/session/status")
def session_status() -> Response:
    return jsonify(seconds_left=sessions.seconds_left())


@bp.route("/account/password", methods=["GET", "POST"])
@expired_token_brings_form_back
def change_password() -> Response:
    user = current_user._get_current_object()
    form = ChangePasswordForm()
    form.personal = tuple(passwords.personal_words(user.full_name, user.email))
    if form.validate_on_submit():
        try:
            # the same counters as sign-in: a stolen cookie must not turn into the password
            with limits.sign_in_try(user.email) as attempt:
                right = queries.password_is_right(user, form.current_password.data or "")
                if not right:
                    attempt.password_was_wrong()
        except limits.Throttled as throttled:
            form.current_password.errors.append(ngettext(
                "You have typed a wrong password too many times. Wait %(num)d minute and try again.",
                "You have typed a wrong password too many times. Wait %(num)d minutes and try again.",
                throttled.minutes))
            return _throttled(render_page("auth/change_password.html", form=form, status=429), throttled)
        if not right:
            form.current_password.errors.append(_("Your current password is wrong. Check it and try again."))
        else:
            queries.change_password(user, form.new_password.data or "")
            sessions.start_session(user)  # this browser carries on; every other session has ended
            flash(_("Your password has been changed. You have been signed out everywhere else."), "success")
            return redirect(url_for("home.index"))
    return render_page("auth/change_password.html", form=form, status=400 if form.errors else 200)


# A link on another site may switch the language this browser shows (a cookie), but only the user's own click
# on our pages (or their own typing) changes the language saved on their account, which their reminders use.
# Browsers say where a request came from in Sec-Fetch-Site ("none": typed or bookmarked); an older browser that
# does not say must send our own pages' address as its Referer, which our Referrer-Policy lets it send.
FROM_THE_USER = frozenset({"same-origin", "none"})


def _from_our_pages() -> bool:
    fetched_from = request.headers.get("Sec-Fetch-Site")
    if fetched_from is not None:
        return fetched_from in FROM_THE_USER
    referrer = request.referrer or ""
    return referrer == request.host_url.rstrip("/") or referrer.startswith(request.host_url)


@bp.get("/language/<code>")
@writes_on_get
@public
def switch_language(code: str) -> Response:
    target = safe_next(request.args.get("next"), url_for("home.index"))
    if code not in current_app.config["LANGUAGES"]:
        return redirect(target)
    response = redirect(target)
    response.set_cookie(
        LANGUAGE_COOKIE,
        code,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
    )
    if current_user.is_authenticated and _from_our_pages():
        queries.remember_locale(current_user._get_current_object(), code)
    return response
