"""The one way staff read a client's data. Each read checks the client's team and the client's consent (or a
legal rule) for the category and purpose, and writes its access-log row in the request's transaction, allowed
or refused. Views and other rooms never query client data for staff themselves (import contracts).

    access = reads.open_client(staff, client_id, "plan_services")   # None: not in your team, "not found"
    plan = access.read("plan", lambda: plan_queries.plan_summary(client_id))   # None: not shared with you
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from ..appointments import client_reads as appointment_reads
from ..appointments import day_view as day_view_queries
from ..models import DataCategory, TeamNotice, User, utcnow
from ..notices import team_reads as notice_reads
from ..plan import queries as plan_queries
from ..sharing import queries as sharing_queries
from . import queries
from .policy import ALLOWING, Decision, decide_addressed, decide_all

T = TypeVar("T")


class ClientAccess:
    """One staff member's access to one client of their team, for one purpose, within one request: decided once,
    logged at every read."""

    def __init__(self, staff: User, client: User, purpose: str) -> None:
        self.staff, self.client = staff, client
        self.purpose_id = queries.purpose_id(purpose)
        self.now = utcnow()
        facts = queries.sharing_facts(client.id, staff.organisation_id, self.purpose_id)  # type: ignore[arg-type]
        self.in_team = facts.in_team
        self.category_ids = {category.code: category.id for category in facts.categories}
        self.decisions: dict[str, Decision] = decide_all(facts, self.now)

    def may_read(self, category: str) -> bool:
        """Whether a read would be allowed: for what a page offers, not for reading (read() logs)."""
        return self.decisions[category].allowed

    def read(self, category: str, load: Callable[[], T]) -> T | None:
        """The data `load` gives, if this organisation may see the category; None if not. Logged either way."""
        decision = self.decisions[category]
        queries.write_log(self.staff, self.purpose_id, [(self.client.id, self.category_ids[category], decision)],
                          self.now)
        return load() if decision.allowed else None

    def read_addressed(self, category: str, addressed_to: uuid.UUID | None,
                       load: Callable[[], T]) -> T | None:
        """What the client told one organisation (a notice), if it was this one; None if not. Logged either
        way."""
        decision = decide_addressed(self.in_team, addressed_to, self.staff.organisation_id)
        queries.write_log(self.staff, self.purpose_id, [(self.client.id, self.category_ids[category], decision)],
                          self.now)
        return load() if decision.allowed else None


def _refused_attempt(staff: User, client: User, purpose: str) -> None:
    """Someone outside the client's team named them: the client sees the attempt; the staff member "not found"."""
    queries.write_log(staff, queries.purpose_id(purpose), [(client.id, None, Decision("not_in_team"))], utcnow())


def open_client(staff: User, client_id: uuid.UUID | None, purpose: str) -> ClientAccess | None:
    """The client, if they are in the staff member's organisation's team; None (not found) otherwise."""
    client = queries.client(client_id)
    return _open(staff, client, purpose)


def find_client_by_email(staff: User, email: str, purpose: str) -> ClientAccess | None:
    return _open(staff, queries.client_by_email(email), purpose)


def _open(staff: User, client: User | None, purpose: str) -> ClientAccess | None:
    if client is None or staff.organisation_id is None:
        return None
    access = ClientAccess(staff, client, purpose)
    if not access.in_team:
        _refused_attempt(staff, client, purpose)
        return None
    return access


def team_clients(staff: User, name: str = "") -> list[User]:
    """The clients the staff member's organisation works with now (their names only: the team is the reason
    staff may know of them at all)."""
    return queries.team_clients(staff.organisation_id, name) if staff.organisation_id else []  # type: ignore[arg-type]


# --- what pages read through it -----------------------------------------------------------------------------


def open_plan_steps(access: ClientAccess) -> list | None:  # type: ignore[type-arg]
    """The client's open steps this organisation is responsible for (to link a booking to), if it may see the
    client's plan."""
    organisation_id = access.staff.organisation_id
    return access.read("plan", lambda: plan_queries.open_steps_for(access.client.id, organisation_id))  # type: ignore[arg-type]


def open_plan_step(access: ClientAccess, step_id: uuid.UUID):  # type: ignore[no-untyped-def]
    organisation_id = access.staff.organisation_id
    return access.read("plan", lambda: plan_queries.open_step_for(step_id, access.client.id, organisation_id))  # type: ignore[arg-type]


def plan_for_editing(access: ClientAccess) -> tuple[bool, object | None]:
    """(may read, the plan with all its steps) for the staff plan pages: a logged read of the plan."""
    if not access.may_read("plan"):
        access.read("plan", lambda: None)  # the refusal is logged
        return False, None
    return True, access.read("plan", lambda: plan_queries.current_plan(access.client.id))


def plan_versions(access: ClientAccess, plan_id: uuid.UUID) -> list | None:  # type: ignore[type-arg]
    return access.read("plan", lambda: plan_queries.versions(plan_id))


def is_plan_owner(access: ClientAccess) -> bool:
    """The employment-services contact person owns the client's plan as a whole (and their managers stand in):
    they start it and write its goals; others add and change their own organisation's steps."""
    staff = access.staff
    if access.decisions["plan"].basis != "controller":
        return False
    return staff.role == "manager" or queries.contact_person_id(access.client.id, staff.organisation_id) == staff.id  # type: ignore[arg-type]


def team_organisations(access: ClientAccess) -> list:  # type: ignore[type-arg]
    """The organisations working with the client now: who a step can be given to."""
    return queries.team_organisations(access.client.id)


@dataclass(frozen=True, slots=True)
class Caseload:
    rows: list  # type: ignore[type-arg]
    total: int
    page: int
    pages: int


CASELOAD_PAGE = 25


def caseload(staff: User, name: str, state: str | None, page: int) -> Caseload:
    """"My clients": the organisation's team clients, those needing its attention first, a page at a time. What
    it counts is the organisation's own (notices to it, steps it is responsible for, its appointments); each
    client shown is logged as read."""
    from ..appointments.times import day_bounds
    from ..common.i18n import today_in_helsinki

    today = today_in_helsinki()
    start, end = day_bounds(today)
    controller = queries.controls(staff.organisation_id, "plan")  # type: ignore[arg-type]
    rows, total = queries.caseload(staff.organisation_id, controller, today, start, end, name,  # type: ignore[arg-type]
                                   state, max(1, page), CASELOAD_PAGE)
    if rows:
        category, own = queries.category_id("plan"), Decision("own_record")
        queries.write_log(staff, queries.purpose_id("plan_services"), [(row.id, category, own) for row in rows],
                          utcnow())
    pages = max(1, -(-total // CASELOAD_PAGE))
    return Caseload(rows, total, min(max(1, page), pages), pages)


def day_view(staff: User, day: date, only_own: bool,
             just_withdrawn: uuid.UUID | None = None) -> list[day_view_queries.DaySlot]:
    """The organisation's times of a day with who comes and what support they asked for: the organisation's own
    appointments, so always its to see ("own record"); each client shown is logged once."""
    rows = day_view_queries.day_view(staff.organisation_id, day, staff.id if only_own else None,  # type: ignore[arg-type]
                                     just_withdrawn)
    clients = {a.client_id for row in rows for a in row.appointments} | {
        c.appointment.client_id for row in rows for c in row.cancelled}
    if clients:
        category, own = queries.category_id("appointments"), Decision("own_record")
        queries.write_log(staff, queries.purpose_id("appointment"),
                          [(client_id, category, own) for client_id in sorted(clients)], utcnow())
    return rows


def records(access: ClientAccess, category: str) -> list | None:  # type: ignore[type-arg]
    """What organisations recorded about the client in the category, if this organisation may see it."""
    category_id = access.category_ids[category]
    return access.read(category, lambda: sharing_queries.records(access.client.id, category_id))


@dataclass(frozen=True, slots=True)
class Section:
    """One category of a client's data as a staff page shows it: its content, or None when it is not shared with
    the organisation (what is not shared has no size and no "empty" either)."""

    category: DataCategory
    basis: str
    content: object | None

    @property
    def shared(self) -> bool:
        return self.basis in ALLOWING


def overview(access: ClientAccess) -> list[Section]:
    """Every category of the client's data: what this organisation may see of it. One log row per category,
    written together; the records of every category shared come in one query."""
    client_id = access.client.id
    categories = queries.categories()
    shared = {category.code for category in categories if access.decisions[category.code].allowed}
    records: dict[uuid.UUID, list] = {}  # type: ignore[type-arg]
    if shared - {"plan", "appointments"}:
        for record in sharing_queries.records(client_id):
            records.setdefault(record.category_id, []).append(record)
    queries.write_log(access.staff, access.purpose_id,
                      [(client_id, category.id, access.decisions[category.code]) for category in categories],
                      access.now)
    sections = []
    for category in categories:
        content: object | None = None
        if category.code in shared:
            if category.code == "plan":
                content = plan_queries.plan_summary(client_id)
            elif category.code == "appointments":
                content = appointment_reads.client_appointments(client_id)
            else:
                content = records.get(category.id, [])
        sections.append(Section(category, access.decisions[category.code].basis, content))
    return sections


def categories() -> list[DataCategory]:
    return queries.categories()


# --- notices: what clients told the staff member's organisation -------------------------------------------

# A notice about a step is part of the client's plan, read to plan their services; one about an appointment is
# part of their appointments, read to prepare it.
NOTICE_ABOUT = {"plan": "plan_services", "appointments": "appointment"}


def _category_of(notice: TeamNotice) -> str:
    return "plan" if notice.step_id is not None else "appointments"


def notice_counts(staff: User) -> tuple[int, int]:
    """How many notices the staff member's organisation has to handle, and has handled (numbers only)."""
    if staff.organisation_id is None:
        return 0, 0
    return notice_reads.counts(staff.organisation_id)


def team_notices(staff: User, handled: bool, page: int) -> notice_reads.NoticePage:
    """One page of the notices clients of the organisation's team sent to it, newest first. Each was
    addressed to this organisation, so it is its own record (as the day view's appointments are); each shown
    is logged."""
    found = notice_reads.organisation_notices(staff.organisation_id, handled, page)  # type: ignore[arg-type]
    if found.notices:
        now, ids = utcnow(), {category.code: category.id for category in queries.categories()}
        for category, purpose in NOTICE_ABOUT.items():
            entries = sorted({(n.client_id, ids[category],
                               decide_addressed(True, n.organisation_id, staff.organisation_id))
                              for n in found.notices if _category_of(n) == category}, key=lambda e: str(e[0]))
            if entries:  # one row per client and category shown, however many notices
                queries.write_log(staff, queries.purpose_id(purpose), entries, now)
    return found


@dataclass(frozen=True, slots=True)
class OpenNotice:
    notice: TeamNotice
    said: notice_reads.WhatTheClientSaid


def open_notice(staff: User, notice_id: uuid.UUID | None) -> OpenNotice | None:
    """A notice addressed to the staff member's organisation by a client of its team, with what the client
    said; None (not found) for any other. A client outside the team, or another organisation's notice, is a
    refused attempt in the client's log."""
    notice = notice_reads.notice(notice_id)
    if notice is None:
        return None
    category = _category_of(notice)
    access = open_client(staff, notice.client_id, NOTICE_ABOUT[category])
    if access is None:
        return None
    return access.read_addressed(category, notice.organisation_id,
                                 lambda: OpenNotice(notice, notice_reads.what_the_client_said(notice)))
