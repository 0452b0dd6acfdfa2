"""Receipts: every change to a client's consents as a page the client can keep and print, and as a JSON copy
with the ISO/IEC TS 27560 consent-record fields. Only the client's own: another's id is simply not found."""

from __future__ import annotations

import json
import uuid

from flask import Blueprint, Response, abort, url_for
from flask_login import current_user

from ..common.access import client_only, roles
from ..common.rendering import render_page
from ..models import Role
from . import queries, words
from .receipt import as_record

bp = Blueprint("receipts", __name__, url_prefix="/sharing")
bp.before_request(roles(Role.CLIENT))
bp.context_processor(words.helpers)


def _own(event_id: uuid.UUID) -> queries.Receipt:
    found = queries.receipt(event_id, current_user.id)
    if found is None:
        abort(404)
    return found


@bp.get("/receipts/<uuid:event_id>")
@client_only
def receipt(event_id: uuid.UUID) -> Response:
    return render_page("sharing/receipt.html", receipt=_own(event_id))


@bp.get("/receipts/<uuid:event_id>.json")
@client_only
def receipt_json(event_id: uuid.UUID) -> Response:
    record = as_record(_own(event_id), url_for("sharing.index", _external=True))
    response = Response(json.dumps(record, ensure_ascii=False, indent=2), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="consent-receipt-{event_id}.json"'
    return response


@bp.get("/history")
@client_only
def history() -> Response:
    return render_page("sharing/history.html", events=queries.history(current_user.id))
