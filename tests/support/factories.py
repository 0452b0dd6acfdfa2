"""factory_boy factories bound to the request-scoped session of the app under test."""

from __future__ import annotations

import uuid
from datetime import timedelta

import factory
from factory.alchemy import SQLAlchemyModelFactory

from portal.auth.passwords import hash_password
from portal.common.i18n import today_in_helsinki
from portal.extensions import db
from portal.models import Organisation, OrganisationKind, Plan, PlanStep, PlanStepEvent, TeamMembership, User

PASSWORD = "correct horse battery staple"
_HASH = hash_password(PASSWORD)  # hashed once: argon2 is slow on purpose


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class KindFactory(Base):
    class Meta:
        model = OrganisationKind

    code = factory.Sequence(lambda n: f"kind-{n}")
    name_fi = factory.Sequence(lambda n: f"Laji {n}")
    name_sv = factory.Sequence(lambda n: f"Typ {n}")
    name_en = factory.Sequence(lambda n: f"Kind {n}")


class OrganisationFactory(Base):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"org-{n}")
    kind_id = factory.LazyFunction(lambda: KindFactory().id)
    name_fi = factory.Sequence(lambda n: f"Organisaatio {n}")
    name_sv = factory.Sequence(lambda n: f"Organisation {n} (sv)")
    name_en = factory.Sequence(lambda n: f"Organisation {n}")


class ClientFactory(Base):
    class Meta:
        model = User

    id = factory.LazyFunction(uuid.uuid4)
    email = factory.Sequence(lambda n: f"client{n}@example.test")
    full_name = factory.Sequence(lambda n: f"Client {n}")
    role = "client"
    password_hash = _HASH


class StaffFactory(ClientFactory):
    email = factory.Sequence(lambda n: f"staff{n}@example.test")
    full_name = factory.Sequence(lambda n: f"Caseworker {n}")
    role = "caseworker"
    organisation_id = factory.LazyFunction(lambda: OrganisationFactory().id)


class PlanFactory(Base):
    class Meta:
        model = Plan

    id = factory.LazyFunction(uuid.uuid4)
    client_id = factory.LazyFunction(lambda: ClientFactory().id)
    version = 1
    status = "agreed"
    goals = "Find work I can keep."


class StepFactory(Base):
    class Meta:
        model = PlanStep

    id = factory.LazyFunction(uuid.uuid4)
    plan_id = factory.LazyFunction(lambda: PlanFactory().id)
    position = factory.Sequence(int)
    title = factory.Sequence(lambda n: f"Step number {n}")
    responsible_organisation_id = factory.LazyFunction(lambda: OrganisationFactory().id)
    due_date = factory.LazyFunction(lambda: today_in_helsinki() + timedelta(days=7))
    added_by_id = factory.LazyFunction(lambda: StaffFactory().id)
    added_by_role = "staff"
    status = "todo"

    @factory.post_generation
    def created_event(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            db.session.add(PlanStepEvent(step_id=self.id, actor_id=self.added_by_id, kind="created",
                                         to_status="todo"))
            db.session.flush()


class TeamMembershipFactory(Base):
    """An organisation in a client's team (from a month ago, not ended)."""

    class Meta:
        model = TeamMembership

    id = factory.LazyFunction(uuid.uuid4)
    client_id = factory.LazyFunction(lambda: ClientFactory().id)
    organisation_id = factory.LazyFunction(lambda: OrganisationFactory().id)
    role_fi, role_sv, role_en = "Yhteyshenkilö", "Kontaktperson", "Contact person"


def in_team(client: User, *organisation_ids: uuid.UUID) -> None:
    for organisation_id in organisation_ids:
        TeamMembershipFactory(client_id=client.id, organisation_id=organisation_id)


def kind_id(code: str) -> uuid.UUID:
    """One of the organisation kinds every installation has (tests/support/databases.py seeds them)."""
    from sqlalchemy import select

    found = db.session.scalar(select(OrganisationKind.id).where(OrganisationKind.code == code))
    assert found is not None, code
    return found


def employment_services() -> Organisation:
    """An employment authority: the controller of a client's plan and appointments."""
    return OrganisationFactory(kind_id=kind_id("employment_authority"))
