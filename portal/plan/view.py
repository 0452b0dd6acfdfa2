"""What the plan pages show, worked out once per request: groups, counts, what is next."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..models import Plan, PlanStep, StepStatus

GROUP_ORDER = ("overdue", "todo", "cant_do", "done")


@dataclass
class PlanView:
    plan: Plan | None
    today: date
    groups: dict[str, list[PlanStep]] = field(default_factory=dict)
    done: int = 0
    total: int = 0

    @classmethod
    def build(cls, plan: Plan | None, today: date) -> PlanView:
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
