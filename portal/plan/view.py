"""What the plan pages show, worked out once per request: groups, counts, what is next."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from flask import url_for
from markupsafe import escape

from ..common.rendering import link_once
from ..models import Plan, PlanStep, StepStatus
from .queries import PlanSummary, StepSummary

GROUP_ORDER = ("overdue", "todo", "cant_do", "done")
# The links each step has on the plan page, by the name the template uses.
STEP_LINKS = {"page": "plan.step", "done": "plan.mark_done", "not_done": "plan.mark_not_done",
              "cant_do": "plan.cant_do"}
_ANY_ID = uuid.UUID(int=0)


def add_step_links(steps: list[StepSummary]) -> None:
    """Each step's links, from one url_for per kind of link: url_for for every link of every step would cost
    more than all the rest of the page. Escaped for HTML once here (a no-op for these paths): the plan page's
    rows put them into attributes as they are."""
    patterns = {}
    for name, endpoint in STEP_LINKS.items():
        pattern = link_once(lambda endpoint=endpoint: url_for(endpoint, step_id=_ANY_ID), endpoint, "step_id")
        before, _, after = pattern.partition(str(_ANY_ID))
        patterns[name] = (str(escape(before)), str(escape(after)))
    for step in steps:
        sid = str(step.id)
        step.links = {name: before + sid + after for name, (before, after) in patterns.items()}


@dataclass
class PlanView:
    plan: Plan | PlanSummary | None
    today: date
    groups: dict[str, list[PlanStep]] = field(default_factory=dict)
    done: int = 0
    total: int = 0

    @classmethod
    def build(cls, plan: Plan | PlanSummary | None, today: date) -> PlanView:
        view = cls(plan=plan, today=today, groups={key: [] for key in GROUP_ORDER})
        if plan is None:
            return view
        if isinstance(plan, PlanSummary):
            add_step_links(plan.steps)
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
        view.groups["done"].sort(key=lambda s: s.status_changed_at or s.created_at, reverse=True)
        view.total = len(plan.steps)
        view.done = len(view.groups["done"])
        return view

    def status_of(self, step: PlanStep) -> str:
        if step.status == StepStatus.TODO and step.is_overdue(self.today):
            return "overdue"
        return step.status

    def next_steps(self, limit: int = 3) -> list[PlanStep]:
        """Overdue first, then the soonest due: what the client should do now."""
        return (self.groups["overdue"] + self.groups["todo"])[:limit]

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0
