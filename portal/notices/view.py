"""How a notice reads on staff pages: its headline and its state, in words."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..common.i18n import format_datetime
from ..models import NoticeKind, TeamNotice

STATE_WORDS = {
    "unread": _l("Unread"),
    "read": _l("Read, not handled yet"),
    "answered": _l("Answered"),
    "handled": _l("Handled"),
}


def headline(notice: TeamNotice) -> str:
    """What the client told, in one sentence that names them: the notice's link text and its page's
    heading."""
    name = notice.client.full_name
    if notice.kind == NoticeKind.CANT_DO:
        return _("%(name)s can't do “%(title)s”", name=name, title=notice.step.title if notice.step else "")
    if notice.kind == NoticeKind.PLAN_CHANGES:
        return _("%(name)s asks for changes to their plan", name=name)
    when = format_datetime(notice.appointment.slot.starts_at) if notice.appointment else ""
    if notice.kind == NoticeKind.INTERPRETER:
        return _("%(name)s needs an interpreter at the appointment on %(when)s", name=name, when=when)
    if notice.kind == NoticeKind.CANT_COME:
        return _("%(name)s can't come on %(when)s", name=name, when=when)
    return _("%(name)s cancelled the appointment on %(when)s", name=name, when=when)


def template_helpers() -> dict[str, object]:
    return {"headline": headline, "STATE_WORDS": STATE_WORDS}
