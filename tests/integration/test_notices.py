""""I can't do this" and "I can't come" reach the responsible organisation's staff: a list (to handle /
handled, newest first, paginated), opening marks it read, staff answer in words or mark it handled, and the
client sees on the step or appointment page and on Home that it was read and what was answered. Only the
organisation the notice was addressed to sees it, and only while the client is in its team; every read is
logged."""

from __future__ import annotations

import html
import re
import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from portal.extensions import db
from portal.models import AccessLogEntry, DataCategory, Purpose, TeamMembership, TeamNotice, User, utcnow

from ..support.appointments import make_slot
from ..support.client import PortalClient
from ..support.factories import (
    PASSWORD,
    ClientFactory,
    OrganisationFactory,
    PlanFactory,
    StaffFactory,
    StepFactory,
    employment_services,
    in_team,
)

STEP = "Hae neljää työpaikkaa"
ANSWER = "Soitan sinulle maanantaina, niin sovitaan uusi aikataulu.\nTerveisin Maija"


def _signed_in(app: Flask, user: User) -> PortalClient:
    app.test_client_class = PortalClient
    browser: PortalClient = app.test_client()  # type: ignore[assignment]
    browser.set_cookie("lang", "en")
    assert browser.sign_in(user.email, PASSWORD).status_code == 302
    return browser


@dataclass
class Setting:
    client: User
    staff: User
    step_id: uuid.UUID
    browser: PortalClient  # the client's


@pytest.fixture()
def setting(app: Flask) -> Setting:
    """A client in the team of a service provider that is responsible for one of their steps, and has no
    consent to see the client's plan: a notice addressed to it is still its to read."""
    provider = OrganisationFactory()
    staff = StaffFactory(organisation_id=provider.id, full_name="Pekka Valmentaja")
    client = ClientFactory(full_name="Aino Asiakas")
    in_team(client, provider.id)
    plan = PlanFactory(client_id=client.id)
    step = StepFactory(plan_id=plan.id, title=STEP, responsible_organisation_id=provider.id)
    return Setting(client, staff, step.id, _signed_in(app, client))


def _cant_do(setting: Setting, detail: str = "Lapseni päivähoito alkaa vasta ensi kuussa.") -> TeamNotice:
    response = setting.browser.post_form(f"/plan/steps/{setting.step_id}/cant-do",
                                         {"reason": "childcare", "detail": detail})
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    return db.session.scalars(select(TeamNotice).where(TeamNotice.step_id == setting.step_id)
                              .order_by(TeamNotice.created_at.desc())).first()  # type: ignore[return-value]


def _log(client: User, staff: User) -> list[tuple[str, str, str, str]]:
    rows = db.session.execute(
        select(AccessLogEntry.outcome, AccessLogEntry.basis, DataCategory.code, Purpose.code)
        .outerjoin(DataCategory, DataCategory.id == AccessLogEntry.category_id)
        .join(Purpose, Purpose.id == AccessLogEntry.purpose_id)
        .where(AccessLogEntry.client_id == client.id, AccessLogEntry.staff_id == staff.id)
        .order_by(AccessLogEntry.at)).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_a_cant_do_reaches_the_responsible_organisation_and_is_read_and_answered(app: Flask,
                                                                                  setting: Setting) -> None:
    notice = _cant_do(setting)
    assert (notice.organisation_id, notice.client_id, notice.kind) == (setting.staff.organisation_id,
                                                                     setting.client.id, "cant_do")
    step_page = _text(setting.browser.get(f"/plan/steps/{setting.step_id}").get_data(as_text=True))
    assert "It has not been read yet." in step_page

    staff = _signed_in(app, setting.staff)
    assert "1 notice to handle" in staff.get("/").get_data(as_text=True)
    listing = staff.get("/staff/notices")
    assert listing.headers["Cache-Control"] == "no-store"
    text = _text(listing.get_data(as_text=True))
    assert f"Aino Asiakas can't do “{STEP}”" in text and "Unread" in text and "To handle (1)" in text

    page = _text(staff.get(f"/staff/notices/{notice.id}").get_data(as_text=True))
    assert "Childcare" in page and "Lapseni päivähoito alkaa vasta ensi kuussa." in page
    db.session.refresh(notice)
    assert notice.read_by_id == setting.staff.id and notice.read_at is not None and notice.handled_at is None
    # the provider sees it as what the client told it: its own record, read to plan the client's services
    assert _log(setting.client, setting.staff) == [("allowed", "own_record", "plan", "plan_services")] * 2

    step_page = _text(setting.browser.get(f"/plan/steps/{setting.step_id}").get_data(as_text=True))
    assert "Pekka Valmentaja read it on" in step_page

    response = staff.post_form(f"/staff/notices/{notice.id}/answer", {"answer": ANSWER})
    assert response.status_code == 302
    assert "Your answer is saved. The client sees it when they sign in." in staff.get(response.headers["Location"]).get_data(as_text=True)
    db.session.refresh(notice)
    assert (notice.answer, notice.answered_by_id, notice.handled_by_id) == (ANSWER, setting.staff.id,
                                                                           setting.staff.id)
    assert notice.answered_at == notice.handled_at and notice.read_at < notice.answered_at  # type: ignore[operator]
    text = _text(staff.get("/staff/notices?show=handled").get_data(as_text=True))
    assert "Answered by Pekka Valmentaja" in text and "Handled (1)" in text and "To handle (0)" in text
    assert "There is nothing to handle." in _text(staff.get("/staff/notices").get_data(as_text=True))

    # the client: on the step page and on Home, with who answered and for which organisation
    organisation = db.session.get(User, setting.staff.id).organisation.name_en  # type: ignore[union-attr]
    step_page = setting.browser.get(f"/plan/steps/{setting.step_id}").get_data(as_text=True)
    assert f"Answer from Pekka Valmentaja, {organisation}" in step_page
    assert "Soitan sinulle maanantaina, niin sovitaan uusi aikataulu.\nTerveisin Maija" in step_page
    home = setting.browser.get("/").get_data(as_text=True)
    assert f"{organisation} answered you about “{STEP}”" in home and "Soitan sinulle maanantaina" in home
    assert f'href="/plan/steps/{setting.step_id}"' in home


def test_an_answer_leaves_home_after_two_weeks_but_stays_on_the_step_page(app: Flask, setting: Setting) -> None:
    notice = _cant_do(setting)
    long_ago, staff_id = utcnow() - timedelta(days=15), setting.staff.id
    notice.read_at = notice.answered_at = notice.handled_at = long_ago
    notice.read_by_id = notice.answered_by_id = notice.handled_by_id = staff_id
    notice.answer = ANSWER
    db.session.flush()
    assert "Soitan sinulle" not in setting.browser.get("/").get_data(as_text=True)
    assert "Soitan sinulle" in setting.browser.get(f"/plan/steps/{setting.step_id}").get_data(as_text=True)


def test_a_cant_come_is_answered_on_the_appointment_page(app: Flask) -> None:
    employment = employment_services()
    caseworker = StaffFactory(organisation_id=employment.id, full_name="Maija Ohjaaja")
    client = ClientFactory(full_name="Bertil Klient")
    in_team(client, employment.id)
    browser = _signed_in(app, client)
    from portal.appointments import queries as appointment_queries

    appointment = appointment_queries.book(make_slot(staff=caseworker), client, client, None,
                                           appointment_queries.Needs())
    db.session.flush()
    response = browser.post_form(f"/appointments/{appointment.id}/cant-come",
                                 {"reason": "transport", "detail": "Bussi ei kulje."})
    assert response.status_code == 302
    notice = db.session.scalars(select(TeamNotice).where(TeamNotice.client_id == client.id)).one()
    assert (notice.appointment_id, notice.kind, notice.organisation_id) == (appointment.id, "appointment_cant_come",
                                                                           employment.id)
    staff = _signed_in(app, caseworker)
    assert "Bertil Klient can't come on" in _text(staff.get("/staff/notices").get_data(as_text=True))
    page = _text(staff.get(f"/staff/notices/{notice.id}").get_data(as_text=True))
    assert "Getting there (transport)" in page and "Bussi ei kulje." in page
    assert _log(client, caseworker)[-1] == ("allowed", "own_record", "appointments", "appointment")
    staff.post_form(f"/staff/notices/{notice.id}/answer", {"answer": "Voimme tavata puhelimessa."})
    detail = _text(browser.get(f"/appointments/{appointment.id}").get_data(as_text=True))
    assert "Maija Ohjaaja read it on" in detail and "Voimme tavata puhelimessa." in detail
    assert "Voimme tavata puhelimessa." in browser.get("/").get_data(as_text=True)


def test_an_empty_or_unsafe_answer_gets_a_message_and_the_words_back(app: Flask, setting: Setting) -> None:
    notice = _cant_do(setting)
    staff = _signed_in(app, setting.staff)
    response = staff.post_form(f"/staff/notices/{notice.id}/answer", {"answer": "   "})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "<title>Error: " in page
    assert 'href="#answer">Write your answer to the client</a>' in page
    response = staff.post_form(f"/staff/notices/{notice.id}/answer", {"answer": "Hei\x00 sinä"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Remove the special characters" in page and "Hei\ufffd sinä" in page
    db.session.refresh(notice)
    assert notice.answered_at is None and notice.handled_at is None


def test_the_second_of_two_answers_is_not_saved_and_keeps_its_words(app: Flask, setting: Setting) -> None:
    notice = _cant_do(setting)
    colleague = StaffFactory(organisation_id=setting.staff.organisation_id, full_name="Kaisa Kollega")
    first, second = _signed_in(app, setting.staff), _signed_in(app, colleague)
    second.get(f"/staff/notices/{notice.id}")  # both have the page open
    first.get(f"/staff/notices/{notice.id}")
    assert first.post_form(f"/staff/notices/{notice.id}/answer", {"answer": ANSWER}).status_code == 302
    response = second.post_form(f"/staff/notices/{notice.id}/answer", {"answer": "Toinen vastaus"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "Someone else answered this notice a moment ago" in page
    text = _text(page)
    assert "Answer to the client " + ANSWER.replace("\n", " ") in text  # the answer the client sees…
    assert "Your answer, not sent Toinen vastaus" in text  # …and these words kept, to copy if need be
    db.session.refresh(notice)
    assert (notice.answer, notice.answered_by_id, notice.read_by_id) == (ANSWER, setting.staff.id, colleague.id)


def test_marked_handled_without_an_answer(app: Flask, setting: Setting) -> None:
    notice = _cant_do(setting)
    staff = _signed_in(app, setting.staff)
    staff.get("/staff/notices")  # a fresh CSRF token
    response = staff.post_form(f"/staff/notices/{notice.id}/handled")
    assert response.status_code == 302
    assert "The notice is marked as handled." in staff.get(response.headers["Location"]).get_data(as_text=True)
    db.session.refresh(notice)
    assert notice.handled_by_id == setting.staff.id and notice.read_by_id == setting.staff.id
    assert notice.answer is None
    again = staff.post_form(f"/staff/notices/{notice.id}/handled")
    assert "Someone had already marked this notice as handled" in staff.get(again.headers["Location"]).get_data(
        as_text=True)
    assert "Pekka Valmentaja marked it as handled on" in _text(
        setting.browser.get(f"/plan/steps/{setting.step_id}").get_data(as_text=True))
    # an answer can still follow, and the notice stays handled by whoever handled it first
    assert staff.post_form(f"/staff/notices/{notice.id}/answer", {"answer": ANSWER}).status_code == 302
    db.session.refresh(notice)
    assert notice.answer == ANSWER and notice.handled_at < notice.answered_at  # type: ignore[operator]


def test_only_the_responsible_organisation_in_the_team_sees_a_notice(app: Flask, setting: Setting) -> None:
    notice = _cant_do(setting)
    other_in_team = StaffFactory(organisation_id=employment_services().id)
    in_team(setting.client, other_in_team.organisation_id)  # in the team, but not the step's organisation
    stranger = StaffFactory(organisation_id=OrganisationFactory().id)  # not in the team at all
    for staff, basis in ((other_in_team, "not_shared"), (stranger, "not_in_team")):
        browser = _signed_in(app, staff)
        assert "Aino Asiakas" not in browser.get("/staff/notices").get_data(as_text=True)
        for method, path in (("GET", f"/staff/notices/{notice.id}"), ("POST", f"/staff/notices/{notice.id}/answer"),
                             ("POST", f"/staff/notices/{notice.id}/handled")):
            response = browser.get(path) if method == "GET" else browser.post_form(path, {"answer": "Hei"})
            assert response.status_code == 404, (staff, path)
            assert "Aino Asiakas" not in response.get_data(as_text=True)
        assert {row[:2] for row in _log(setting.client, staff)} == {("refused", basis)}
    db.session.refresh(notice)
    assert notice.read_at is None and notice.answer is None and notice.handled_at is None

    # the responsible organisation's own staff member, once the client has left its team
    membership = db.session.scalars(select(TeamMembership).where(
        TeamMembership.client_id == setting.client.id,
        TeamMembership.organisation_id == setting.staff.organisation_id)).one()
    membership.ended_at = utcnow()
    db.session.flush()
    browser = _signed_in(app, setting.staff)
    assert "Aino Asiakas" not in browser.get("/staff/notices").get_data(as_text=True)
    assert browser.get(f"/staff/notices/{notice.id}").status_code == 404
    assert _log(setting.client, setting.staff)[-1][:2] == ("refused", "not_in_team")
    assert browser.get(f"/staff/notices/{uuid.uuid4()}").status_code == 404


def test_clients_cannot_reach_the_staff_pages(app: Flask, setting: Setting) -> None:
    notice = _cant_do(setting)
    assert setting.browser.get("/staff/notices").status_code == 403
    assert setting.browser.get(f"/staff/notices/{notice.id}").status_code == 403


def test_the_list_is_newest_first_in_pages_of_twenty(app: Flask, setting: Setting) -> None:
    start = utcnow() - timedelta(days=30)
    plan_id = _plan_of(setting)
    steps = [StepFactory(plan_id=plan_id, title=f"Tehtävä {n:02d}",
                         responsible_organisation_id=setting.staff.organisation_id) for n in range(25)]
    db.session.add_all(TeamNotice(organisation_id=setting.staff.organisation_id, client_id=setting.client.id,
                                  step_id=step.id, kind="cant_do", created_at=start + timedelta(hours=n))
                       for n, step in enumerate(steps))
    db.session.flush()
    browser = _signed_in(app, setting.staff)
    first = _text(browser.get("/staff/notices").get_data(as_text=True))
    shown = re.findall(r"Tehtävä (\d\d)", first)
    assert shown == [f"{n:02d}" for n in range(24, 4, -1)] and "Page 1 of 2" in first and "To handle (25)" in first
    second = _text(browser.get("/staff/notices?page=2").get_data(as_text=True))
    assert re.findall(r"Tehtävä (\d\d)", second) == ["04", "03", "02", "01", "00"] and "Page 2 of 2" in second
    assert "Previous page" in second and "Next page" not in second
    assert re.findall(r"Tehtävä (\d\d)", _text(browser.get("/staff/notices?page=99").get_data(as_text=True)))[0] == "04"
    assert re.findall(r"Tehtävä (\d\d)", _text(browser.get("/staff/notices?page=x").get_data(as_text=True)))[0] == "24"
    # one log row per client and category shown, not per notice
    assert _log(setting.client, setting.staff) == [("allowed", "own_record", "plan", "plan_services")] * 4


def _plan_of(setting: Setting) -> uuid.UUID:
    from portal.models import PlanStep

    return db.session.scalar(select(PlanStep.plan_id).where(PlanStep.id == setting.step_id))  # type: ignore[return-value]


@pytest.mark.parametrize("lang, words", [("fi", "Asiakkaiden ilmoitukset"), ("sv", "Meddelanden från kunder")])
def test_the_staff_pages_speak_finnish_and_swedish(app: Flask, setting: Setting, lang: str, words: str) -> None:
    notice = _cant_do(setting)
    browser = _signed_in(app, setting.staff)
    browser.set_cookie("lang", lang)
    assert words in browser.get("/staff/notices").get_data(as_text=True)
    assert browser.get(f"/staff/notices/{notice.id}").status_code == 200


def test_a_cant_do_about_the_clients_own_step_goes_to_who_keeps_their_plan(app: Flask, setting: Setting) -> None:
    employment = employment_services()
    caseworker = StaffFactory(organisation_id=employment.id)
    in_team(setting.client, employment.id)
    own = StepFactory(plan_id=_plan_of(setting), title="Oma tehtävä", added_by_role="client",
                      added_by_id=setting.client.id, responsible_organisation_id=None)
    response = setting.browser.post_form(f"/plan/steps/{own.id}/cant-do", {"reason": "health"})
    assert response.status_code == 302
    notice = db.session.scalars(select(TeamNotice).where(TeamNotice.step_id == own.id)).one()
    assert notice.organisation_id == employment.id
    assert "Aino Asiakas can't do “Oma tehtävä”" in _text(
        _signed_in(app, caseworker).get("/staff/notices").get_data(as_text=True))
    assert "Oma tehtävä" not in _signed_in(app, setting.staff).get("/staff/notices").get_data(as_text=True)
