"""My clients: what each client of the organisation's team needs from it, counted from the organisation's own
rows only, those needing most first; ended memberships, removed or done steps, handled notices and other
organisations' steps do not count."""

from __future__ import annotations

import uuid
from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from portal.access import reads
from portal.appointments.times import day_bounds
from portal.common.i18n import today_in_helsinki
from portal.extensions import db
from portal.models import Appointment, TeamMembership, TeamNotice, User, utcnow

from ..support.appointments import make_slot
from ..support.factories import (
    ClientFactory,
    OrganisationFactory,
    PlanFactory,
    StaffFactory,
    StepFactory,
    in_team,
    kind_id,
)

FLAGS = ("notices", "cant_do", "overdue", "draft", "today")


def _flags(staff: User, state: str | None = None) -> dict[str, tuple[int, ...]]:
    found = reads.caseload(staff, "", state, 1)
    return {row.full_name: tuple(getattr(row, flag) for flag in FLAGS) for row in found.rows}


def test_the_caseload_counts_the_organisations_own_and_lists_those_needing_most_first(app: Flask) -> None:
    org = OrganisationFactory(kind_id=kind_id("employment_authority"))  # the plan's controller
    other = OrganisationFactory(kind_id=kind_id("kela"))
    staff = StaffFactory(organisation_id=org.id)
    token = uuid.uuid4().hex[:6]
    busy, quiet, ended = (ClientFactory(full_name=f"{name} {token}") for name in ("Busy", "Quiet", "Ended"))
    for client in (busy, quiet, ended):
        in_team(client, org.id, other.id)
    ended_membership = db.session.scalars(select(TeamMembership).where(
        TeamMembership.client_id == ended.id, TeamMembership.organisation_id == org.id)).one()
    ended_membership.ended_at = utcnow()

    yesterday = today_in_helsinki() - timedelta(days=1)
    plan = PlanFactory(client_id=busy.id, status="draft")
    StepFactory(plan_id=plan.id, responsible_organisation_id=org.id, status="cant_do")
    StepFactory(plan_id=plan.id, responsible_organisation_id=org.id, due_date=yesterday)
    StepFactory(plan_id=plan.id, responsible_organisation_id=org.id, due_date=yesterday)
    # none of these count: another organisation's, done, removed
    StepFactory(plan_id=plan.id, responsible_organisation_id=other.id, status="cant_do")
    StepFactory(plan_id=plan.id, responsible_organisation_id=org.id, due_date=yesterday, status="done")
    StepFactory(plan_id=plan.id, responsible_organisation_id=org.id, status="cant_do", removed_at=utcnow())
    PlanFactory(client_id=quiet.id, status="agreed")
    PlanFactory(client_id=ended.id, status="draft")

    db.session.add_all([
        TeamNotice(organisation_id=org.id, client_id=busy.id, kind="plan_changes_asked"),
        TeamNotice(organisation_id=other.id, client_id=busy.id, kind="plan_changes_asked"),
        TeamNotice(organisation_id=org.id, client_id=quiet.id, kind="plan_changes_asked", read_at=utcnow(),
                   read_by_id=staff.id, handled_at=utcnow(), handled_by_id=staff.id),
    ])
    start, end = day_bounds(today_in_helsinki())
    later_today = max(utcnow() + timedelta(minutes=5), start + timedelta(hours=1))
    if later_today < end:
        slot = make_slot(staff=staff, starts_at=later_today.replace(second=0, microsecond=0))
        db.session.add(Appointment(id=uuid.uuid4(), slot_id=slot.id, seat=1, client_id=busy.id,
                                   booked_by_id=busy.id, booked_by_role="client"))
        expected_today = 1
    else:  # the last minutes of the day in Helsinki: nothing later today to book
        expected_today = 0
    db.session.flush()

    flags = _flags(staff)
    assert list(flags) == [f"Busy {token}", f"Quiet {token}"]  # the ended membership is not listed
    assert flags[f"Busy {token}"] == (1, 1, 2, 1, expected_today)
    assert flags[f"Quiet {token}"] == (0, 0, 0, 0, 0)
    assert list(_flags(staff, "attention")) == [f"Busy {token}"]
    assert list(_flags(staff, "overdue")) == [f"Busy {token}"]
    assert _flags(staff, "notices") == {f"Busy {token}": (1, 1, 2, 1, expected_today)}

    # another organisation of the same team counts only its own
    other_staff = StaffFactory(organisation_id=other.id)
    other_flags = _flags(other_staff)
    assert other_flags[f"Busy {token}"][:3] == (1, 1, 0)
    assert other_flags[f"Busy {token}"][3] == 0  # not the plan's controller: its drafts are not its to chase
    assert f"Ended {token}" in other_flags
