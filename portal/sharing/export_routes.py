"""Export my data (GDPR Art. 15 and 20): everything the portal holds about the client, as a readable page and
as one JSON file to download. The client's own read: nothing of it is logged as viewed by staff."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime

from flask import Blueprint, Response
from flask_login import current_user

from ..appointments.view import STATUS_WORDS
from ..common.access import client_only, roles
from ..common.i18n import locale_code, today_in_helsinki
from ..common.rendering import render_page
from ..models import Role, utcnow
from .export_queries import everything
from .words import EVENT_WORDS

bp = Blueprint("my_data", __name__)
bp.before_request(roles(Role.CLIENT))


def _plain(value: object) -> str:
    """Times, days and ids as JSON text: ISO 8601 (UTC with its offset) and the UUID's own form."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} in the export")


@bp.get("/my-data")
@client_only
def page() -> Response:
    return render_page("my_data/index.html", data=everything(current_user, locale_code(), utcnow()),
                       appointment_status_words=STATUS_WORDS, event_words=EVENT_WORDS)


@bp.get("/my-data.json")
@client_only
def download() -> Response:
    data = everything(current_user, locale_code(), utcnow())
    response = Response(json.dumps(data, default=_plain, ensure_ascii=False, indent=2), mimetype="application/json")
    filename = f"my-data-{today_in_helsinki().isoformat()}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
