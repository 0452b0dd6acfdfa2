"""Demo data: three agencies and a provider, a service catalogue, staff, and clients with plans in every state.

Safe to run again: organisations, services and users are found by code or email; a plan is made only for a
client who has none. Dates are relative to today, so the demo always has something overdue and something next.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import select

from .auth.passwords import hash_password
from .common.i18n import today_in_helsinki
from .extensions import db
from .models import (
    Organisation,
    OrganisationKind,
    Plan,
    PlanStatus,
    PlanStep,
    PlanStepEvent,
    PlanVersion,
    Service,
    StepStatus,
    User,
    utcnow,
)
from .plan import versions

PASSWORD = "demo-salasana-2026"

KINDS = {
    "employment_authority": ("Työllisyysviranomainen", "Sysselsättningsmyndighet", "Employment authority"),
    "wellbeing_county": ("Hyvinvointialue", "Välfärdsområde", "Wellbeing services county"),
    "kela": ("Kela", "FPA", "Kela"),
    "service_provider": ("Palveluntuottaja", "Tjänsteproducent", "Service provider"),
}

ORGANISATIONS = {
    "vantaa-employment": ("employment_authority", "Vantaan työllisyyspalvelut", "Vanda sysselsättningstjänster",
                          "Vantaa Employment Services"),
    "vakehyva": ("wellbeing_county", "Vantaan ja Keravan hyvinvointialue", "Vanda och Kervo välfärdsområde",
                 "Vantaa and Kerava Wellbeing Services County"),
    "kela": ("kela", "Kela", "FPA", "Kela"),
    # A registered association has one name: it is not translated.
    "polku": ("service_provider", "Polku-valmennus ry", "Polku-valmennus ry", "Polku-valmennus ry"),
}

SERVICES = {
    "work-coaching": ("polku", ("Työvalmennus", "Arbetscoachning", "Work coaching"),
                      ("Valmentaja auttaa löytämään sopivan työn ja tukee alussa.",
                       "En coach hjälper dig att hitta ett lämpligt arbete och stöder dig i början.",
                       "A coach helps you find suitable work and supports you at the start.")),
    "rehabilitative-work": ("vakehyva", ("Kuntouttava työtoiminta", "Arbetsverksamhet i rehabiliteringssyfte",
                                         "Rehabilitative work activity"),
                            ("Muutaman päivän viikossa tekemistä omaan tahtiin.",
                             "Några dagar i veckan med uppgifter i din egen takt.",
                             "A few days a week of activity at your own pace.")),
    "health-check": ("vakehyva", ("Työttömän terveystarkastus", "Hälsoundersökning för arbetslösa",
                                  "Health check for jobseekers"),
                     ("Maksuton tarkastus, jossa puhutaan terveydestä ja työkyvystä.",
                      "En avgiftsfri undersökning där ni talar om hälsa och arbetsförmåga.",
                      "A free check-up to talk about your health and ability to work.")),
    "vocational-rehab": ("kela", ("Ammatillisen kuntoutuksen selvitys", "Utredning om yrkesinriktad rehabilitering",
                                  "Vocational rehabilitation assessment"),
                         ("Selvitetään, millainen työ tai koulutus sopii terveydellesi.",
                          "Vi utreder vilket arbete eller vilken utbildning som passar din hälsa.",
                          "Finding out what work or training suits your health.")),
    "job-search-coaching": ("vantaa-employment", ("Työnhaun valmennus", "Jobbsökarträning", "Job-search coaching"),
                            ("Ryhmä, jossa harjoitellaan hakemuksia ja haastatteluja.",
                             "En grupp där ni övar ansökningar och intervjuer.",
                             "A group to practise applications and interviews.")),
    "debt-advice": ("vakehyva", ("Talous- ja velkaneuvonta", "Ekonomi- och skuldrådgivning",
                                 "Money and debt advice"),
                    ("Apua laskujen ja velkojen järjestämiseen.", "Hjälp att ordna räkningar och skulder.",
                     "Help to sort out bills and debts.")),
}

STAFF = [
    ("maija.ohjaaja@example.fi", "Maija Ohjaaja", "vantaa-employment", "caseworker", "fi"),
    ("sanna.sosiaaliohjaaja@example.fi", "Sanna Sosiaaliohjaaja", "vakehyva", "caseworker", "fi"),
    ("kalle.kela@example.fi", "Kalle Kelanen", "kela", "caseworker", "fi"),
    ("pekka.valmentaja@example.fi", "Pekka Valmentaja", "polku", "caseworker", "fi"),
    ("tiina.esihenkilo@example.fi", "Tiina Esihenkilö", "vantaa-employment", "manager", "fi"),
]

CLIENTS = [
    ("aino.asiakas@example.fi", "Aino Asiakas", "fi", True),
    ("bertil.klient@example.fi", "Bertil Klient", "sv", True),
    ("chris.client@example.fi", "Chris Client", "en", True),
    ("dana.uusi@example.fi", "Dana Uusi", "fi", False),
]

GOALS = {
    "fi": "Haluan löytää osa-aikatyön kaupan alalta ja saada arjen rytmin kuntoon.",
    "sv": "Jag vill hitta ett deltidsjobb inom handeln och få ordning på vardagen.",
    "en": "I want to find part-time work in retail and get a steady daily rhythm.",
}

# (titles fi/sv/en, organisation code or None for the client's own step, service, days from today, status)
STEPS: list[tuple[tuple[str, str, str], str | None, str | None, int | None, str]] = [
    (("Päivitä CV ja lähetä se työvalmentajalle", "Uppdatera ditt CV och skicka det till din coach",
      "Update your CV and send it to your coach"), "vantaa-employment", None, -20, "done"),
    (("Käy työttömän terveystarkastuksessa", "Gå på hälsoundersökningen för arbetslösa",
      "Go to the health check for jobseekers"), "vakehyva", "health-check", -3, "todo"),
    (("Hae neljää työpaikkaa tämän kuukauden aikana", "Sök fyra jobb under den här månaden",
      "Apply for four jobs this month"), "vantaa-employment", None, 10, "todo"),
    (("Varaa aika ammatillisen kuntoutuksen selvitykseen", "Boka tid för utredning om yrkesinriktad rehabilitering",
      "Book a vocational rehabilitation assessment"), "kela", "vocational-rehab", 30, "todo"),
    (("Aloita työvalmennus", "Börja med arbetscoachning", "Start work coaching"), "polku", "work-coaching", 14,
     "cant_do"),
    (("Selvitä talous- ja velkaneuvonnan mahdollisuus", "Ta reda på om du kan få ekonomi- och skuldrådgivning",
      "Find out about money and debt advice"), "vakehyva", "debt-advice", None, "todo"),
    (("Kysy lähikaupasta, tarvitaanko kesätyöntekijöitä", "Fråga i butiken i närheten om de behöver sommarjobbare",
      "Ask the local shop if they need summer staff"), None, None, -7, "done"),
    (("Osallistu työnhaun valmennukseen", "Delta i jobbsökarträningen", "Take part in job-search coaching"),
     "vantaa-employment", "job-search-coaching", 45, "todo"),
]


def _get_or_create(model: type, key: str, value: str, **fields: object) -> tuple[object, bool]:
    found = db.session.scalar(select(model).where(getattr(model, key) == value))
    if found is not None:
        return found, False
    obj = model(**{key: value}, **fields)
    db.session.add(obj)
    db.session.flush()
    return obj, True


def seed_reference() -> int:
    """Organisation kinds, data categories, purposes and legal rules: what any installation starts from (the
    tests make these too)."""
    from .sharing import demo as sharing_demo

    kinds, created = seed_kinds()
    return created + sharing_demo.seed_reference(kinds)[2]


def seed_kinds() -> tuple[dict[str, OrganisationKind], int]:
    created = 0
    kinds = {}
    for code, (fi, sv, en) in KINDS.items():
        kinds[code], new = _get_or_create(OrganisationKind, "code", code, name_fi=fi, name_sv=sv, name_en=en)
        created += new
    return kinds, created  # type: ignore[return-value]


def seed() -> int:
    kinds, created = seed_kinds()
    orgs: dict[str, Organisation] = {}
    for code, (kind, fi, sv, en) in ORGANISATIONS.items():
        orgs[code], new = _get_or_create(  # type: ignore[assignment]
            Organisation, "code", code, kind_id=kinds[kind].id, name_fi=fi, name_sv=sv, name_en=en
        )
        created += new
    services: dict[str, Service] = {}
    for code, (org, names, descriptions) in SERVICES.items():
        services[code], new = _get_or_create(  # type: ignore[assignment]
            Service, "code", code, organisation_id=orgs[org].id,
            name_fi=names[0], name_sv=names[1], name_en=names[2],
            description_fi=descriptions[0], description_sv=descriptions[1], description_en=descriptions[2],
        )
        created += new
    password_hash = hash_password(PASSWORD)
    staff: list[User] = []
    for email, name, org, role, locale in STAFF:
        user, new = _get_or_create(User, "email", email, full_name=name, organisation_id=orgs[org].id, role=role,
                                   locale=locale, password_hash=password_hash)
        staff.append(user)  # type: ignore[arg-type]
        created += new
    clients: list[User] = []
    for email, name, locale, with_plan in CLIENTS:
        client, new = _get_or_create(User, "email", email, full_name=name, role="client", locale=locale,
                                     password_hash=password_hash)
        clients.append(client)  # type: ignore[arg-type]
        created += new
        has_plan = db.session.scalar(select(Plan.id).where(Plan.client_id == client.id))  # type: ignore[attr-defined]
        if with_plan and not has_plan:
            created += make_plan(client, locale, orgs, services, staff[0])  # type: ignore[arg-type]
    from .appointments import demo as appointments_demo
    from .notices import demo as notices_demo
    from .sharing import demo as sharing_demo

    created += appointments_demo.seed(orgs, staff)
    created += sharing_demo.seed(orgs, kinds, clients)  # type: ignore[arg-type]
    created += notices_demo.seed(clients)
    return created


def make_plan(client: User, locale: str, orgs: dict[str, Organisation], services: dict[str, Service],
              caseworker: User, today: date | None = None) -> int:
    today = today or today_in_helsinki()
    now = utcnow()
    started = now - timedelta(days=30)
    plan = Plan(id=uuid.uuid4(), client_id=client.id, version=1, status=PlanStatus.AGREED.value,
                goals=GOALS[locale], agreed_at=started)
    db.session.add(plan)
    index = {"fi": 0, "sv": 1, "en": 2}[locale]
    made: list[PlanStep] = []
    for position, (titles, org, service, days, status) in enumerate(STEPS, start=1):
        own = org is None
        author = client if own else caseworker
        step = PlanStep(
            id=uuid.uuid4(), plan_id=plan.id, position=position, title=titles[index],
            responsible_organisation=orgs[org] if org else None,
            service=services[service] if service else None,
            due_date=today + timedelta(days=days) if days is not None else None,
            added_by_id=author.id, added_by_role="client" if own else "staff", status=status,
        )
        db.session.add(step)
        db.session.add(PlanStepEvent(step_id=step.id, at=started, actor_id=author.id, kind="created",
                                     to_status="todo"))
        if status != StepStatus.TODO:
            changed = _changed_at(now, days)
            step.status_changed_at = changed
            reason = "transport" if status == StepStatus.CANT_DO else None
            step.cant_do_reason = reason
            db.session.add(PlanStepEvent(step_id=step.id, at=changed, actor_id=client.id, kind="status",
                                         from_status="todo", to_status=status, reason=reason))
        made.append(step)
    # the version agreed a month ago, as it was agreed
    db.session.add(PlanVersion(plan_id=plan.id, version=1, goals=plan.goals, steps=versions.snapshot(made),
                               agreed_at=started, agreed_by_id=client.id, channel="in_person",
                               caseworker_id=caseworker.id))
    return 2 + len(STEPS)


def _changed_at(now: datetime, days: int | None) -> datetime:
    return now - timedelta(days=max(1, -(days or 0) - 1))
