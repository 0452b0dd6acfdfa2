"""What the plan pages show, worked out once per request: groups, counts, what is next."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from flask import url_for
from flask_babel import get_translations, gettext, ngettext

from ..common.i18n import format_date, locale_code
from ..models import PlanStep, StepStatus
from .queries import PlanSummary, StepSummary

GROUP_ORDER = ("overdue", "todo", "cant_do", "done")
# The links each step has on the plan pages, by the name the templates use.
STEP_LINKS = {"page": "plan.step", "done": "plan.mark_done", "not_done": "plan.mark_not_done",
              "cant_do": "plan.cant_do"}
_PLACEHOLDER = uuid.UUID(int=0)


def step_words() -> dict[str, str]:
    """The words of the plan page's step rows (templates/plan/_step_row.html), translated once per page with
    the request's catalogue."""
    gettext = get_translations().gettext
    return {
        "todo": gettext("To do"), "done": gettext("Done"), "cant_do": gettext("Can't do"),
        "overdue": gettext("Overdue"), "own": gettext("Your own step"), "responsible": gettext("Responsible"),
        "due": gettext("Due"), "mark_done": gettext("Mark as done"), "not_done": gettext("Mark as not done"),
        "undo": gettext("Undo"), "cant": gettext("I can't do this"),
        "told": gettext("You told your team you can't do this. They will contact you."),
        "changed_done": gettext("You marked this step as done."),
        "changed_todo": gettext("You marked this step as not done."),
        "you": gettext("You"), "helps": gettext("Who helps"), "language": locale_code(),
    }


def add_step_links(steps: list[StepSummary]) -> None:
    """Each step's links, from one url_for per kind of link: the same pattern with each step's id."""
    patterns = {name: url_for(endpoint, step_id=_PLACEHOLDER) for name, endpoint in STEP_LINKS.items()}
    placeholder = str(_PLACEHOLDER)
    for step in steps:
        sid = str(step.id)
        step.links = {name: pattern.replace(placeholder, sid) for name, pattern in patterns.items()}


@dataclass
class PlanView:
    plan: PlanSummary | None
    today: date
    groups: dict[str, list[StepSummary]] = field(default_factory=dict)
    done: int = 0
    total: int = 0

    @classmethod
    def build(cls, plan: PlanSummary | None, today: date) -> PlanView:
        view = cls(plan=plan, today=today, groups={key: [] for key in GROUP_ORDER})
        if plan is None:
            return view
        for step in plan.steps:
            if step.status == StepStatus.DONE:
                view.groups["done"].append(step)
            elif step.status == StepStatus.CANT_DO:
                view.groups["cant_do"].append(step)
            elif step.is_overdue(today):
                view.groups["overdue"].append(step)
            else:
                view.groups["todo"].append(step)
        far = date.max
        for key in ("overdue", "todo", "cant_do"):
            view.groups[key].sort(key=lambda s: (s.due_date or far, s.position))
        view.groups["done"].sort(key=lambda s: s.done_at, reverse=True)
        add_step_links(plan.steps)
        view.total = len(plan.steps)
        view.done = len(view.groups["done"])
        return view

    def status_of(self, step: PlanStep | StepSummary) -> str:
        if step.status == StepStatus.TODO and step.is_overdue(self.today):
            return "overdue"
        return step.status

    def step(self, step_id: uuid.UUID) -> StepSummary | None:
        return next((step for step in self.plan.steps if step.id == step_id), None) if self.plan else None

    def next_steps(self, limit: int = 3) -> list[StepSummary]:
        """Overdue first, then the soonest due: what the client should do now."""
        return (self.groups["overdue"] + self.groups["todo"])[:limit]

    @property
    def goals_text(self) -> str:
        if self.plan is not None and self.plan.goals:
            return self.plan.goals
        return gettext("Your goals have not been written down yet. Talk about them at your next meeting.")

    @property
    def version_text(self) -> str:
        if self.plan is None:
            return ""
        if self.plan.status == "agreed" and self.plan.agreed_at:
            return gettext("Version %(version)d, agreed on %(date)s.", version=self.plan.version,
                           date=format_date(self.plan.agreed_at))
        return gettext("Version %(version)d, draft: not agreed yet.", version=self.plan.version)

    @property
    def progress_text(self) -> str:
        return ngettext("%(done)d of %(num)d step done", "%(done)d of %(num)d steps done", self.total,
                        done=self.done)

    @property
    def progress_max(self) -> int:
        """The progress bar's maximum: a plan with no steps still has a valid bar."""
        return self.total or 1

    @property
    def counts(self) -> dict[str, int]:
        return {key: len(steps) for key, steps in self.groups.items()}

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0
