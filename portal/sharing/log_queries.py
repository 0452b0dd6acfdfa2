"""Who viewed my data: one page of the access log of one client, newest first, in two queries whatever the
log's size: the organisations in it with their counts (an index-only scan of (client, organisation, at)), then
the page's rows, taken through the (client, at) or (client, organisation, at) index before their names are
joined."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, func, select

from ..extensions import db
from ..models import AccessLogEntry, DataCategory, Organisation, Purpose, User

PAGE_SIZE = 25

Names = tuple[str, str, str]  # fi, sv, en


def pick(names: Names | None, locale: str) -> str:
    if names is None:
        return ""
    return {"fi": names[0], "sv": names[1], "en": names[2]}.get(locale) or names[0]


@dataclass(frozen=True, slots=True)
class Entry:
    at: datetime
    staff_name: str
    organisation: Names
    category: Names | None  # None: a refused attempt to open the client at all (not in their team)
    purpose: Names
    outcome: str
    basis: str


@dataclass(frozen=True, slots=True)
class Viewer:
    """An organisation in the client's log, with how many entries it has."""

    id: uuid.UUID
    names: Names
    count: int


@dataclass(frozen=True, slots=True)
class LogPage:
    entries: list[Entry]
    page: int
    pages: int
    total: int
    viewers: list[Viewer]
    organisation_id: uuid.UUID | None  # the filter, when it names an organisation in the log


def _viewers_statement() -> Select[Any]:
    counts = (
        select(AccessLogEntry.organisation_id, func.count().label("entries"))
        .where(AccessLogEntry.client_id == bindparam("client_id"))
        .group_by(AccessLogEntry.organisation_id).subquery()
    )
    return (
        select(Organisation.id, Organisation.name_fi, Organisation.name_sv, Organisation.name_en, counts.c.entries)
        .join(counts, counts.c.organisation_id == Organisation.id)
        .order_by(Organisation.name_fi, Organisation.id)
    )


def _page_statement(by_organisation: bool) -> Select[Any]:
    """The page's rows first, through the (client, at) or (client, organisation, at) index; then their names."""
    rows = (
        select(AccessLogEntry.id, AccessLogEntry.at, AccessLogEntry.staff_id, AccessLogEntry.organisation_id,
               AccessLogEntry.category_id, AccessLogEntry.purpose_id, AccessLogEntry.outcome, AccessLogEntry.basis)
        .where(AccessLogEntry.client_id == bindparam("client_id"))
        .order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc())
        .limit(PAGE_SIZE).offset(bindparam("offset"))
    )
    if by_organisation:
        rows = rows.where(AccessLogEntry.organisation_id == bindparam("organisation_id"))
    entry = rows.subquery()
    return (
        select(entry.c.at, User.full_name,
               Organisation.name_fi, Organisation.name_sv, Organisation.name_en,
               DataCategory.name_fi, DataCategory.name_sv, DataCategory.name_en,
               Purpose.name_fi, Purpose.name_sv, Purpose.name_en,
               entry.c.outcome, entry.c.basis)
        .join(User, User.id == entry.c.staff_id)
        .join(Organisation, Organisation.id == entry.c.organisation_id)
        .outerjoin(DataCategory, DataCategory.id == entry.c.category_id)
        .join(Purpose, Purpose.id == entry.c.purpose_id)
        .order_by(entry.c.at.desc(), entry.c.id.desc())
    )


# Built once: building a statement costs more than running it.
_VIEWERS = _viewers_statement()
_PAGE = {False: _page_statement(False), True: _page_statement(True)}


def log_page(client_id: uuid.UUID, organisation_id: uuid.UUID | None, page: int) -> LogPage:
    viewers = [Viewer(org_id, (fi, sv, en), count) for org_id, fi, sv, en, count
               in db.session.execute(_VIEWERS, {"client_id": client_id})]
    if organisation_id not in {viewer.id for viewer in viewers}:
        organisation_id = None
    total = sum(v.count for v in viewers if organisation_id is None or v.id == organisation_id)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    entries = []
    if total:
        parameters = {"client_id": client_id, "offset": (page - 1) * PAGE_SIZE, "organisation_id": organisation_id}
        for (at, staff, o_fi, o_sv, o_en, c_fi, c_sv, c_en, p_fi, p_sv, p_en, outcome, basis
             ) in db.session.execute(_PAGE[organisation_id is not None], parameters):
            entries.append(Entry(at, staff, (o_fi, o_sv, o_en), (c_fi, c_sv, c_en) if c_fi is not None else None,
                                 (p_fi, p_sv, p_en), outcome, basis))
    return LogPage(entries, page, pages, total, viewers, organisation_id)
