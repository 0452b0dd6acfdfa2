from __future__ import annotations

from dataclasses import dataclass

import pytest

from portal.models import Plan, PlanStep, User

from ..support.client import PortalClient
from ..support.factories import (
    PASSWORD,
    ClientFactory,
    PlanFactory,
    StaffFactory,
    StepFactory,
    employment_services,
    in_team,
)


@dataclass
class ClientWithPlan:
    user: User
    plan: Plan
    steps: list[PlanStep]


@pytest.fixture()
def jobseeker(app) -> ClientWithPlan:  # type: ignore[no-untyped-def]
    user = ClientFactory()
    plan = PlanFactory(client_id=user.id)
    steps = [StepFactory(plan_id=plan.id, position=i) for i in range(3)]
    return ClientWithPlan(user=user, plan=plan, steps=steps)


@pytest.fixture()
def signed_in(client: PortalClient, jobseeker: ClientWithPlan) -> PortalClient:
    response = client.sign_in(jobseeker.user.email, PASSWORD)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


@pytest.fixture()
def staff_user(app) -> User:  # type: ignore[no-untyped-def]
    """A caseworker of employment services (the controller of clients' plans and appointments)."""
    return StaffFactory(organisation_id=employment_services().id)


@pytest.fixture()
def team_client(staff_user: User):  # type: ignore[no-untyped-def]
    """Makes clients in staff_user's organisation's team."""

    def make(**fields: object) -> User:
        client = ClientFactory(**fields)
        in_team(client, staff_user.organisation_id)
        return client

    return make
