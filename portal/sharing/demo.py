"""Demo sharing data: data categories, purposes and the rules of law (data, as organisations are), each demo
client's team with named contact persons, some consents given and one asked for, and records in every
category. Safe to run again: found by code, or made only for a client who has none."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import (
    AccessLogEntry,
    ClientRecord,
    Consent,
    ConsentEvent,
    DataCategory,
    LegalRule,
    Organisation,
    OrganisationKind,
    Purpose,
    TeamMembership,
    User,
    utcnow,
)

# code: (controller kind, special category, names fi/sv/en, descriptions fi/sv/en)
CATEGORIES = {
    "plan": ("employment_authority", False,
             ("Suunnitelma ja sen tehtävät", "Planen och dess uppgifter", "Your plan and its steps"),
             ("Tavoitteesi, sovitut tehtävät ja se, mitä olet jo tehnyt.",
              "Dina mål, uppgifterna ni har kommit överens om och det du redan har gjort.",
              "Your goals, the steps you agreed and what you have done.")),
    "appointments": ("employment_authority", False,
                     ("Ajat ja tuen tarpeet", "Tider och behov av stöd", "Appointments and support needs"),
                     ("Varaamasi ajat ja se, mitä kerroit tarvitsevasi, kuten tulkki.",
                      "Tiderna du har bokat och det du berättat att du behöver, till exempel tolk.",
                      "The appointments you booked and what you said you need, such as an interpreter.")),
    "assessment": ("employment_authority", False,
                   ("Palvelutarpeen arvio", "Bedömning av servicebehov", "Service-needs assessment"),
                   ("Yhteinen arvio osaamisestasi, tilanteestasi ja siitä, millaista apua tarvitset.",
                    "En gemensam bedömning av din kompetens, din situation och vilken hjälp du behöver.",
                    "A joint view of your skills, your situation and the help you need.")),
    "work_ability": ("wellbeing_county", True,
                     ("Työkyky ja terveys", "Arbetsförmåga och hälsa", "Work ability and health"),
                     ("Tiedot terveydestäsi ja siitä, millaista työtä voit tehdä.",
                      "Uppgifter om din hälsa och vilket arbete du kan göra.",
                      "Information about your health and the kind of work you can do.")),
    "social_situation": ("wellbeing_county", True,
                         ("Elämäntilanne", "Livssituation", "Social situation"),
                         ("Tiedot asumisestasi, perheestäsi ja taloudestasi.",
                          "Uppgifter om ditt boende, din familj och din ekonomi.",
                          "Information about your housing, your family and your money.")),
    "benefits": ("kela", False,
                 ("Etuuspäätökset", "Förmånsbeslut", "Benefit decisions"),
                 ("Kelan päätökset etuuksistasi, kuten kuntoutuksesta.",
                  "FPA:s beslut om dina förmåner, till exempel rehabilitering.",
                  "Kela's decisions on your benefits, such as rehabilitation.")),
}

PURPOSES = {
    "plan_services": (("suunnitella palvelujasi yhdessä kanssasi", "planera dina tjänster tillsammans med dig",
                       "to plan your services together with you"),
                      ("Työntekijät näkevät tiedot, joita tarvitaan yhteisen suunnitelman tekemiseen.",
                       "Personalen ser de uppgifter som behövs för att göra en gemensam plan.",
                       "Staff see what they need to make one plan with you.")),
    "appointment": (("valmistella tapaamistanne ja pitää sen", "förbereda och hålla ert möte",
                     "to prepare and hold your appointment"),
                    ("Työntekijä näkee, milloin tapaatte ja mitä tarvitset tapaamisessa.",
                     "Personalen ser när ni träffas och vad du behöver vid mötet.",
                     "Staff see when you meet and what you need at the meeting.")),
}

# The multi-sectoral cooperation act lets the three parties share the joint plan and its assessment.
LAW_381_2023 = (
    "Laki monialaisen tuen yhteistoiminnasta (381/2023): työllisyyspalvelut, hyvinvointialue ja Kela saavat "
    "käyttää yhteistä suunnitelmaa ja arviota, kun ne suunnittelevat palvelujasi yhdessä.",
    "Lagen om samarbete kring sektorsövergripande stöd (381/2023): sysselsättningstjänsterna, välfärdsområdet och "
    "FPA får använda den gemensamma planen och bedömningen när de planerar dina tjänster tillsammans.",
    "The Act on cooperation in multi-sectoral support (381/2023): employment services, the wellbeing services "
    "county and Kela may use the joint plan and assessment when they plan your services together.",
)
LEGAL_RULES = [
    ("plan", "wellbeing_county", "plan_services", LAW_381_2023),
    ("plan", "kela", "plan_services", LAW_381_2023),
    ("assessment", "wellbeing_county", "plan_services", LAW_381_2023),
    ("assessment", "kela", "plan_services", LAW_381_2023),
]

CONTACTS = {  # phone, email, address, opening hours fi/sv/en
    "vantaa-employment": ("09 8392 4000", "tyollisyyspalvelut@vantaa.example", "Kielotie 13, 01300 Vantaa",
                          ("ma–pe 9–15", "mån–fre 9–15", "Mon–Fri 9–15")),
    "vakehyva": ("09 4191 0000", "sosiaaliohjaus@vakehyva.example", "Kielotie 11 A, 01300 Vantaa",
                 ("ma–pe 8–16", "mån–fre 8–16", "Mon–Fri 8–16")),
    "kela": ("020 692 210", "kuntoutus@kela.example", "Kielotie 28, 01300 Vantaa",
             ("ma–pe 9–16", "mån–fre 9–16", "Mon–Fri 9–16")),
    "polku": ("040 123 4567", "info@polku.example", "Tikkurilantie 44, 01300 Vantaa",
              ("ma–to 9–15", "mån–tor 9–15", "Mon–Thu 9–15")),
}

# organisation: (contact person's e-mail, role fi/sv/en)
TEAM = {
    "vantaa-employment": ("maija.ohjaaja@example.fi", ("Yhteyshenkilösi työllisyyspalveluissa",
                          "Din kontaktperson vid sysselsättningstjänsterna", "Your contact person at employment services")),
    "vakehyva": ("sanna.sosiaaliohjaaja@example.fi", ("Sosiaaliohjaajasi hyvinvointialueella",
                 "Din socialhandledare vid välfärdsområdet", "Your social counsellor at the wellbeing services county")),
    "kela": ("kalle.kela@example.fi", ("Kuntoutusasiantuntijasi Kelassa", "Din rehabiliteringsexpert vid FPA",
             "Your rehabilitation expert at Kela")),
    "polku": ("pekka.valmentaja@example.fi", ("Työvalmentajasi", "Din arbetscoach", "Your work coach")),
}
# Who is in each demo client's team; Aino also works with the coaching provider.
TEAMS = {
    "aino.asiakas@example.fi": ("vantaa-employment", "vakehyva", "kela", "polku"),
    "bertil.klient@example.fi": ("vantaa-employment", "vakehyva", "kela"),
    "chris.client@example.fi": ("vantaa-employment", "vakehyva", "kela"),
    "dana.uusi@example.fi": ("vantaa-employment",),
}

RECORDS = {  # category: (organisation, title, body), in the client's language is not needed: staff write Finnish
    "assessment": ("vantaa-employment", "Palvelutarpeen arvio",
                   "Asiakas haluaa osa-aikatyötä kaupan alalta. Vahvuutena asiakaspalvelukokemus."),
    "work_ability": ("vakehyva", "Työkyvyn arvio", "Selkävaiva rajoittaa raskasta nostamista."),
    "social_situation": ("vakehyva", "Elämäntilanne", "Asuu yksin vuokra-asunnossa. Velkaneuvonta aloitettu."),
    "benefits": ("kela", "Päätös ammatillisesta kuntoutuksesta", "Kuntoutusselvitys myönnetty."),
}


def seed(orgs: dict[str, Organisation], kinds: dict[str, OrganisationKind], clients: list[User]) -> int:
    for code, (phone, email, address, hours) in CONTACTS.items():
        org = orgs[code]
        if not org.phone:
            org.phone, org.email, org.address = phone, email, address
            org.hours_fi, org.hours_sv, org.hours_en = hours
    categories, purposes, created = seed_reference(kinds)
    staff = {user.email: user for user in db.session.scalars(select(User).where(User.role != "client"))}
    for client in clients:
        if db.session.scalar(select(TeamMembership.id).where(TeamMembership.client_id == client.id)) is not None:
            continue
        created += _team_of(client, orgs, staff, categories, purposes)
    return created


def seed_reference(kinds: dict[str, OrganisationKind]) -> tuple[dict[str, DataCategory], dict[str, Purpose], int]:
    """The data categories, purposes and legal rules (the tests make these too)."""
    created = 0
    categories: dict[str, DataCategory] = {}
    for position, (code, (kind, special, names, descriptions)) in enumerate(CATEGORIES.items()):
        categories[code] = _find(DataCategory, code) or _add(DataCategory(
            id=uuid.uuid4(), code=code, controller_kind_id=kinds[kind].id, special_category=special,
            position=position, **_translated("name", names), **_translated("description", descriptions)))
    purposes: dict[str, Purpose] = {}
    for code, (names, descriptions) in PURPOSES.items():
        purposes[code] = _find(Purpose, code) or _add(Purpose(
            id=uuid.uuid4(), code=code, **_translated("name", names), **_translated("description", descriptions)))
    if db.session.scalar(select(LegalRule.id).limit(1)) is None:
        for category, kind, purpose, statute in LEGAL_RULES:
            db.session.add(LegalRule(category_id=categories[category].id, recipient_kind_id=kinds[kind].id,
                                     purpose_id=purposes[purpose].id, **_translated("statute", statute)))
            created += 1
    return categories, purposes, created


def seed_team(client: User, codes: tuple[str, ...] = TEAMS["aino.asiakas@example.fi"], shared: bool = True) -> int:
    """A demo team for a client made later (the end-to-end tests' own clients), as Aino's; with `shared=False`
    the memberships alone (no consents, requests, records or log rows)."""
    orgs = {org.code: org for org in db.session.scalars(select(Organisation))}
    kinds = {kind.code: kind for kind in db.session.scalars(select(OrganisationKind))}
    categories, purposes, _ = seed_reference(kinds)
    staff = {user.email: user for user in db.session.scalars(select(User).where(User.role != "client"))}
    return _team_of(client, orgs, staff, categories, purposes, codes, shared)


def _team_of(client: User, orgs: dict[str, Organisation], staff: dict[str, User],
             categories: dict[str, DataCategory], purposes: dict[str, Purpose],
             codes: tuple[str, ...] | None = None, shared: bool = True) -> int:
    now = utcnow()
    manager = staff["tiina.esihenkilo@example.fi"]
    started = now - timedelta(days=30)
    codes = codes or TEAMS.get(client.email, ("vantaa-employment",))
    for code in codes:
        contact_email, roles = TEAM[code]
        db.session.add(TeamMembership(
            client_id=client.id, organisation_id=orgs[code].id, contact_person_id=staff[contact_email].id,
            started_at=started, started_by_id=manager.id, start_reason="Ensitapaaminen",
            **_translated("role", roles)))
    if shared and len(codes) > 1:
        # the client shares their appointments with the county and their plan with the coaching provider;
        # Kela has asked to see their work ability
        for code, category, status in (("vakehyva", "appointments", "given"), ("polku", "plan", "given"),
                                       ("kela", "work_ability", "requested")):
            if code in codes:
                _consent(client, orgs[code], categories[category], purposes["plan_services"], status, started,
                         staff[TEAM[code][0]])
        for category, (code, title, body) in RECORDS.items():
            db.session.add(ClientRecord(client_id=client.id, category_id=categories[category].id,
                                        organisation_id=orgs[code].id, recorded_by_id=staff[TEAM[code][0]].id,
                                        title=title, body=body))
        _views(client, codes, orgs, staff, categories, purposes)
    return len(codes)


# Demo "who viewed my data": (days ago, organisation, category, basis). In the running service only
# portal.access writes the access log, as staff read; these show the demo client what it looks like.
VIEWS = [
    (12, "kela", "work_ability", "not_shared"),
    (9, "vantaa-employment", "plan", "controller"),
    (7, "vakehyva", "appointments", "consent"),
    (5, "kela", "plan", "law"),
    (3, "polku", "work_ability", "not_shared"),
    (1, "vantaa-employment", "assessment", "controller"),
]


def _views(client: User, codes: tuple[str, ...], orgs: dict[str, Organisation], staff: dict[str, User],
           categories: dict[str, DataCategory], purposes: dict[str, Purpose]) -> None:
    db.session.flush()
    consents = {(c.organisation_id, c.category_id): c.id for c in db.session.scalars(
        select(Consent).where(Consent.client_id == client.id))}
    rules = {(r.category_id, r.recipient_kind_id): r.id for r in db.session.scalars(select(LegalRule))}
    now = utcnow()
    for days, code, category, basis in VIEWS:
        if code not in codes:
            continue
        org, cat = orgs[code], categories[category]
        db.session.add(AccessLogEntry(
            at=now - timedelta(days=days, hours=days % 5), client_id=client.id, staff_id=staff[TEAM[code][0]].id,
            organisation_id=org.id, category_id=cat.id, purpose_id=purposes["plan_services"].id,
            outcome="refused" if basis == "not_shared" else "allowed", basis=basis,
            consent_id=consents.get((org.id, cat.id)) if basis == "consent" else None,
            legal_rule_id=rules.get((cat.id, org.kind_id)) if basis == "law" else None))


def _consent(client: User, organisation: Organisation, category: DataCategory, purpose: Purpose, status: str,
             at, asked_by: User) -> None:  # type: ignore[no-untyped-def]
    consent = Consent(id=uuid.uuid4(), client_id=client.id, organisation_id=organisation.id,
                      category_id=category.id, purpose_id=purpose.id, status=status,
                      given_at=at if status == "given" else None, requested_by_id=asked_by.id,
                      request_message="Haluaisin nähdä työkykyarviosi, jotta voimme suunnitella kuntoutusta."
                      if status == "requested" else None)
    db.session.add(consent)
    db.session.flush()
    text = f"{organisation.name_fi}: {category.name_fi}"
    db.session.add(ConsentEvent(
        consent_id=consent.id, client_id=client.id, kind=status, at=at,
        actor_id=client.id if status == "given" else asked_by.id, channel="online", language="fi",
        notice_version="demo", notice_text=text, notice_hash=hashlib.sha256(text.encode()).hexdigest(),
        lawful_basis="consent", message=consent.request_message))


def _translated(field: str, texts: tuple[str, str, str]) -> dict[str, str]:
    return {f"{field}_{lang}": text for lang, text in zip(("fi", "sv", "en"), texts, strict=True)}


def _find(model, code: str):  # type: ignore[no-untyped-def]
    return db.session.scalar(select(model).where(model.code == code))


def _add(obj):  # type: ignore[no-untyped-def]
    db.session.add(obj)
    db.session.flush()
    return obj
