"""Two people of the same kind, each with canary strings in everything personal: every page a signed-in person
can reach (full page and htmx fragment) is fetched alternately for both, in one process. A canary of the other
person's in a page is a leak: a cache across requests of something rendered or personal, or a read that is not
scoped to the person asking.

Each "world" is one client and one caseworker of the client's own organisation: the caseworker's pages may show
their client's data; nothing of the other world may show anywhere.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from portal.appointments.times import local_day
from portal.common.i18n import today_in_helsinki
from portal.extensions import db
from portal.models import (
    Appointment,
    AppointmentEvent,
    ClientRecord,
    Consent,
    ConsentEvent,
    Organisation,
    Plan,
    PlanStep,
    PlanVersion,
    TeamMembership,
    TeamNotice,
    User,
    utcnow,
)
from portal.plan import versions

from ..support.appointments import make_slot
from ..support.client import PortalClient
from ..support.factories import (
    PASSWORD,
    ClientFactory,
    OrganisationFactory,
    PlanFactory,
    StaffFactory,
    StepFactory,
    TeamMembershipFactory,
    employment_services,
    kind_id,
)
from ..support.sharing import category, consent, log_rows, purpose


@dataclass
class World:
    token: str
    client: User
    staff: User
    plan: Plan
    steps: dict[str, PlanStep]
    booked: Appointment
    cancelled: Appointment
    membership: TeamMembership
    kela: Organisation  # in the client's team, with a consent given and one asked for
    given: Consent
    given_event: ConsentEvent
    notices: dict[str, TeamNotice]
    browsers: dict[str, PortalClient] = field(default_factory=dict)


def _world(app: Flask, n: int) -> World:
    token = f"kanaria{n}x{uuid.uuid4().hex[:8]}"
    org = employment_services()
    staff = StaffFactory(organisation_id=org.id, full_name=f"Ohjaaja {token}", email=f"staff-{token}@example.test",
                         role="manager")  # a manager reaches every staff page
    client = ClientFactory(full_name=f"Asiakas {token}", email=f"client-{token}@example.test",
                           phone=f"+35840{n}000000")
    membership = TeamMembershipFactory(client_id=client.id, organisation_id=org.id)
    plan = PlanFactory(client_id=client.id, goals=f"Tavoite {token}")
    past = today_in_helsinki() - timedelta(days=3)
    steps = {
        "todo": StepFactory(plan_id=plan.id, title=f"Tehtävä {token}", description=f"Ohje {token}",
                            responsible_organisation_id=org.id, added_by_id=staff.id),
        "overdue": StepFactory(plan_id=plan.id, title=f"Myöhässä {token}", due_date=past,
                               responsible_organisation_id=org.id, added_by_id=staff.id),
        "done": StepFactory(plan_id=plan.id, title=f"Tehty {token}", status="done",
                            responsible_organisation_id=org.id, added_by_id=staff.id),
        "cant_do": StepFactory(plan_id=plan.id, title=f"En pysty {token}", status="cant_do",
                               cant_do_reason="other", cant_do_detail=f"Syy {token}",
                               responsible_organisation_id=org.id, added_by_id=staff.id),
        "own": StepFactory(plan_id=plan.id, title=f"Oma {token}", added_by_role="client", added_by_id=client.id,
                           responsible_organisation_id=None),
    }
    slot = make_slot(staff=staff, topic_fi="Tapaaminen")
    booked = _appointment(slot, client, staff, seat=1, other_needs=f"Tarpeet {token}",
                          interpreter_language=f"Kieli {token}")
    steps["todo"].appointment_id = booked.id
    cancelled = _appointment(make_slot(timedelta(days=5), staff=staff), client, staff, seat=1,
                             status="cancelled", cancel_reason="other", cancel_detail=f"Peruttu {token}")
    # version 1 agreed, and a draft of version 2 with a changed goal: every agreement page has something to show
    db.session.flush()
    db.session.add(PlanVersion(plan_id=plan.id, version=1, goals=plan.goals, steps=versions.snapshot(steps.values()),
                               agreed_by_id=client.id))
    plan.status, plan.version, plan.goals = "draft", 2, f"Uusi tavoite {token}"
    db.session.flush()
    # organisations are public data (a manager adding one to a team sees them all): no canary in their names
    kela = OrganisationFactory(kind_id=kind_id("kela"), name_fi=f"Kela {n}", name_sv=f"FPA {n}", name_en=f"Kela {n}",
                               phone=f"020 {n}", email=f"kela-{n}@example.test")
    kela_staff = StaffFactory(organisation_id=kela.id, full_name=f"Kelalainen {token}",
                              email=f"kela-{token}@example.test")
    TeamMembershipFactory(client_id=client.id, organisation_id=kela.id, contact_person_id=kela_staff.id)
    given = consent(client, kela, "benefits", "given")
    consent(client, kela, "work_ability", "requested", message=f"Pyyntö {token}", asked_by=kela_staff)
    db.session.add(ClientRecord(client_id=client.id, category_id=category("benefits").id, organisation_id=kela.id,
                                title=f"Päätös {token}", body=f"Perustelu {token}"))
    log_rows(client, kela_staff, 2)
    db.session.flush()
    given_event = db.session.scalar(select(ConsentEvent).where(ConsentEvent.consent_id == given.id))
    now = utcnow()
    notices = {
        "cant_do": TeamNotice(organisation_id=org.id, client_id=client.id, step_id=steps["cant_do"].id,
                              kind="cant_do"),
        "appointment": TeamNotice(organisation_id=org.id, client_id=client.id, appointment_id=cancelled.id,
                                  kind="appointment_cancelled", read_at=now, read_by_id=staff.id,
                                  answer=f"Vastaus {token}", answered_at=now, answered_by_id=staff.id,
                                  handled_at=now, handled_by_id=staff.id),
        "plan": TeamNotice(organisation_id=org.id, client_id=client.id, kind="plan_changes_asked"),
    }
    db.session.add_all(notices.values())
    db.session.flush()
    return World(token, client, staff, plan, steps, booked, cancelled, membership, kela, given, given_event,
                 notices)


def _appointment(slot, client: User, staff: User, seat: int, **fields: object) -> Appointment:  # type: ignore[no-untyped-def]
    appointment = Appointment(id=uuid.uuid4(), slot_id=slot.id, seat=seat, client_id=client.id,
                              booked_by_id=staff.id, booked_by_role="staff", **fields)
    db.session.add(appointment)
    db.session.flush()
    db.session.add(AppointmentEvent(appointment_id=appointment.id, actor_id=staff.id, kind="booked",
                                    to_status="booked"))
    return appointment


def _signed_in(app: Flask, user: User) -> PortalClient:
    app.test_client_class = PortalClient
    browser: PortalClient = app.test_client()  # type: ignore[assignment]
    assert browser.sign_in(user.email, PASSWORD).status_code == 302
    return browser


def _start_booking(browser: PortalClient, world: World) -> None:
    """A booking in progress up to "Check your answers", its needs naming the world's canary."""
    slot = make_slot(timedelta(days=6), staff=world.staff)
    assert browser.post_form("/appointments/book", {"what": f"{slot.organisation_id}:"}).status_code == 302
    assert browser.post_form("/appointments/book/day",
                             {"day": local_day(slot.starts_at).isoformat()}).status_code == 302
    assert browser.post_form("/appointments/book/time", {"slot": str(slot.id)}).status_code == 302
    response = browser.post_form("/appointments/book/needs", {
        "interpreter": "yes", "language": f"Viittomakieli {world.token}", "other_needs": f"Pyörätuoli {world.token}"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


@dataclass(frozen=True)
class Page:
    """One page or fragment a signed-in person reaches: who, which endpoint, its address in a world."""

    who: str  # "client" or "staff"
    endpoint: str
    path: Callable[[World], str]
    method: str = "GET"
    htmx: bool = False

    def fetch(self, world: World) -> tuple[int, str]:
        browser = world.browsers[self.who]
        headers = {"HX-Request": "true", "HX-Current-URL": "http://localhost/"} if self.htmx else {}
        if self.method == "POST":
            response = browser.post_form(self.path(world), headers=headers)
        else:
            response = browser.get(self.path(world), headers=headers)
        return response.status_code, response.get_data(as_text=True)


def _step(kind: str) -> Callable[[World], str]:
    return lambda w: f"/plan/steps/{w.steps[kind].id}"


def _day(w: World) -> str:
    return f"/staff/appointments?day={local_day(w.booked.slot.starts_at).isoformat()}"


PAGES = [
    Page("client", "home.index", lambda w: "/"),
    Page("client", "plan.index", lambda w: "/plan"),
    Page("client", "plan.index", lambda w: "/plan", htmx=True),
    *[Page("client", "plan.step", _step(kind)) for kind in ("todo", "overdue", "done", "cant_do", "own")],
    Page("client", "plan.cant_do", lambda w: f"/plan/steps/{w.steps['todo'].id}/cant-do"),
    Page("client", "plan.add_step", lambda w: "/plan/steps/new"),
    Page("client", "plan.mark_done", lambda w: f"/plan/steps/{w.steps['todo'].id}/done", "POST", htmx=True),
    Page("client", "plan.mark_not_done", lambda w: f"/plan/steps/{w.steps['todo'].id}/not-done", "POST",
         htmx=True),
    Page("client", "appointments.index", lambda w: "/appointments"),
    Page("client", "appointments.detail", lambda w: f"/appointments/{w.booked.id}"),
    Page("client", "appointments.detail", lambda w: f"/appointments/{w.cancelled.id}"),
    Page("client", "appointments.confirmation", lambda w: f"/appointments/{w.booked.id}/confirmation"),
    Page("client", "appointments.calendar", lambda w: f"/appointments/{w.booked.id}/calendar.ics"),
    Page("client", "appointments.cancel", lambda w: f"/appointments/{w.booked.id}/cancel"),
    Page("client", "appointments.cant_come", lambda w: f"/appointments/{w.booked.id}/cant-come"),
    Page("client", "appointments.cancelled", lambda w: f"/appointments/{w.cancelled.id}/cancelled"),
    Page("client", "appointments.reschedule", lambda w: f"/appointments/{w.booked.id}/reschedule"),
    # an empty answer brings the interpreter offer back with its error
    Page("client", "appointments.add_interpreter", lambda w: f"/appointments/{w.booked.id}/interpreter", "POST"),
    Page("client", "appointments.book", lambda w: "/appointments/book"),
    Page("client", "appointments.choose_day", lambda w: "/appointments/book/day"),
    Page("client", "appointments.choose_time", lambda w: "/appointments/book/time"),
    Page("client", "appointments.needs", lambda w: "/appointments/book/needs"),
    Page("client", "appointments.check", lambda w: "/appointments/book/check"),
    Page("client", "plan.agreement", lambda w: "/plan/agreement"),
    Page("client", "plan.ask_for_changes", lambda w: "/plan/agreement/changes", "POST"),
    Page("client", "plan.goals", lambda w: "/plan/goals"),
    Page("client", "plan.versions_list", lambda w: "/plan/versions"),
    Page("client", "plan.version", lambda w: "/plan/versions/1"),
    Page("client", "plan.changes", lambda w: "/plan/changes"),
    Page("client", "team.index", lambda w: "/team"),
    Page("client", "sharing.index", lambda w: "/sharing"),
    Page("client", "sharing.give",
         lambda w: f"/sharing/give/{w.kela.id}/{category('work_ability').id}/{purpose().id}"),
    Page("client", "receipts.receipt", lambda w: f"/sharing/receipts/{w.given_event.id}"),
    Page("client", "receipts.receipt_json", lambda w: f"/sharing/receipts/{w.given_event.id}.json"),
    Page("client", "receipts.history", lambda w: "/sharing/history"),
    Page("client", "viewed.log", lambda w: "/sharing/log"),
    Page("client", "viewed.log", lambda w: f"/sharing/log?organisation={w.kela.id}"),
    Page("client", "my_data.page", lambda w: "/my-data"),
    Page("client", "my_data.download", lambda w: "/my-data.json"),
    Page("client", "sharing.withdraw", lambda w: f"/sharing/consents/{w.given.id}/withdraw", "POST", htmx=True),
    Page("client", "auth.change_password", lambda w: "/account/password"),
    Page("client", "auth.session_status", lambda w: "/session/status"),
    Page("client", "auth.extend_session", lambda w: "/session/extend", "POST", htmx=True),
    Page("staff", "home.index", lambda w: "/"),
    Page("staff", "staff_appointments.day", _day),
    Page("staff", "staff_appointments.day", _day, htmx=True),
    Page("staff", "staff_appointments.publish", lambda w: "/staff/appointments/slots/new"),
    Page("staff", "staff_appointments.book_for_client", lambda w: f"/staff/appointments/book?client={w.client.id}"),
    Page("staff", "staff_appointments.mark_attended", lambda w: f"/staff/appointments/{w.booked.id}/attended",
         "POST", htmx=True),
    Page("staff", "staff_appointments.mark_no_show", lambda w: f"/staff/appointments/{w.booked.id}/no-show",
         "POST", htmx=True),
    Page("staff", "clients.index", lambda w: "/staff/clients"),
    Page("staff", "clients.index", lambda w: "/staff/clients?name=Asiakas"),
    Page("staff", "clients.client", lambda w: f"/staff/clients/{w.client.id}"),
    Page("staff", "clients.ask_for_consent", lambda w: f"/staff/clients/{w.client.id}/consent-request"),
    Page("staff", "clients.add_member", lambda w: f"/staff/clients/{w.client.id}/team/new"),
    Page("staff", "clients.end_member", lambda w: f"/staff/clients/{w.client.id}/team/{w.membership.id}/end"),
    Page("staff", "planning.index", lambda w: f"/staff/clients/{w.client.id}/plan"),
    Page("staff", "planning.start", lambda w: f"/staff/clients/{w.client.id}/plan/start"),
    Page("staff", "planning.goals", lambda w: f"/staff/clients/{w.client.id}/plan/goals"),
    Page("staff", "planning.add_step", lambda w: f"/staff/clients/{w.client.id}/plan/steps/new"),
    Page("staff", "planning.change_step", lambda w: f"/staff/clients/{w.client.id}/plan/steps/{w.steps['todo'].id}"),
    Page("staff", "planning.remove_step",
         lambda w: f"/staff/clients/{w.client.id}/plan/steps/{w.steps['todo'].id}/remove"),
    Page("staff", "planning.agree_in_person", lambda w: f"/staff/clients/{w.client.id}/plan/agree-in-person"),
    Page("staff", "planning.version", lambda w: f"/staff/clients/{w.client.id}/plan/versions/1"),
    Page("staff", "notices.index", lambda w: "/staff/notices"),
    Page("staff", "notices.index", lambda w: "/staff/notices?show=handled"),
    Page("staff", "notices.notice", lambda w: f"/staff/notices/{w.notices['cant_do'].id}"),
    Page("staff", "notices.notice", lambda w: f"/staff/notices/{w.notices['appointment'].id}"),
    Page("staff", "notices.notice", lambda w: f"/staff/notices/{w.notices['plan'].id}"),
    Page("staff", "notices.answer", lambda w: f"/staff/notices/{w.notices['cant_do'].id}/answer", "POST"),
    Page("staff", "notices.handled", lambda w: f"/staff/notices/{w.notices['appointment'].id}/handled", "POST"),
    Page("staff", "auth.change_password", lambda w: "/account/password"),
    Page("staff", "auth.session_status", lambda w: "/session/status"),
]
# Reached only by a redirect elsewhere, or ending the session: nothing personal of their own to show.
NOT_A_PAGE = {"auth.sign_out", "staff_appointments.withdraw", "staff_appointments.restore", "sharing.decline"}


@pytest.fixture()
def worlds(app: Flask) -> Iterator[tuple[World, World]]:
    first, second = _world(app, 1), _world(app, 2)
    for world in (first, second):
        world.browsers = {"client": _signed_in(app, world.client), "staff": _signed_in(app, world.staff)}
        _start_booking(world.browsers["client"], world)
    yield first, second


def leaks(pages: list[Page], worlds: tuple[World, World], rounds: int = 3) -> tuple[list[str], int]:
    """Fetch each page for both worlds in turn (first, second, first…); what of the other world each showed,
    and how many answers showed their own world's canary."""
    found, own = [], 0
    for page in pages:
        for turn in range(rounds):
            world, other = worlds[turn % 2], worlds[(turn + 1) % 2]
            status, body = page.fetch(world)
            assert status < 500, f"{page.endpoint} {page.path(world)}: {status}"
            if other.token in body:
                found.append(f"{page.who} {page.endpoint} {page.path(world)} (htmx={page.htmx}) shows the other "
                             f"world's {other.token}")
            own += world.token in body
    return found, own


def test_no_page_shows_the_other_persons_data(worlds: tuple[World, World]) -> None:
    found, own = leaks(PAGES, worlds)
    assert found == []
    # The canaries are really on the pages (else the test could not fail): most pages show their own world's.
    print(f"{len(PAGES)} pages and fragments, {own} of {len(PAGES) * 3} answers showed their own canary")
    assert own >= len(PAGES) * 3 * 2 // 3, own


def test_every_page_a_signed_in_person_reaches_is_in_the_canary_test(app: Flask) -> None:
    covered = {page.endpoint for page in PAGES} | NOT_A_PAGE
    signed_in = {
        rule.endpoint for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and not getattr(app.view_functions[rule.endpoint], "is_public", False)
    }
    assert signed_in - covered == set(), "add these pages to PAGES in this test"


def test_the_canary_test_finds_a_banner_kept_across_requests(app: Flask, worlds: tuple[World, World]) -> None:
    """A per-user value put into every page the ordinary Flask way, by a context processor, but kept across
    requests (as a page cache would): the test must see the first person's name on the second person's page."""
    from flask_login import current_user

    kept: dict[str, str] = {}

    def banner() -> dict[str, str]:
        if current_user.is_authenticated:
            kept.setdefault("banner_text", f"Pending consent requests for {current_user.full_name}")
        return {"banner_text": kept.get("banner_text", "")}

    processors = app.template_context_processors[None]
    loader = app.jinja_env.loader
    processors.append(banner)
    _patch_base_with_banner(app)
    try:
        found, _ = leaks([Page("client", "plan.index", lambda w: "/plan")], worlds, rounds=2)
    finally:
        processors.remove(banner)
        app.jinja_env.loader = loader
        if app.jinja_env.cache is not None:
            app.jinja_env.cache.clear()
    assert len(found) == 1 and worlds[0].token in found[0]


def _patch_base_with_banner(app: Flask) -> None:
    """base.html with `{{ banner_text }}` in the header, as the review added it."""
    from jinja2 import ChoiceLoader, DictLoader

    original = app.jinja_env.loader
    assert original is not None
    source, _, _ = original.get_source(app.jinja_env, "base.html")
    patched = source.replace('<main id="main-content" tabindex="-1">',
                             '<main id="main-content" tabindex="-1"><p>{{ banner_text }}</p>', 1)
    assert patched != source
    app.jinja_env.loader = ChoiceLoader([DictLoader({"base.html": patched}), original])
    if app.jinja_env.cache is not None:
        app.jinja_env.cache.clear()
