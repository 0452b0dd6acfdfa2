"""A plan's content as it was agreed (a snapshot), and what changed between two contents, field by field.

Pure functions: the snapshot is what PlanVersion.steps keeps; the changes are shown in plain words by
templates/plan/_changes.html.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

# What a step's agreement covers, in the order a change is told. Its status (done, can't do) is the client's
# own progress, not part of what was agreed.
FIELDS = ("title", "description", "responsible", "service", "due_date")


def step_snapshot(step: Any) -> dict[str, Any]:
    """One step's agreed content: names kept as they were then (organisations are renamed by reforms)."""
    org, service = step.responsible_organisation, step.service
    return {
        "id": str(step.id),
        "position": step.position,
        "title": step.title,
        "description": step.description or "",
        "responsible": None if org is None else {"id": str(org.id), "fi": org.name_fi, "sv": org.name_sv,
                                                 "en": org.name_en},
        "service": None if service is None else {"id": str(service.id), "fi": service.name_fi,
                                                 "sv": service.name_sv, "en": service.name_en},
        "due_date": step.due_date.isoformat() if step.due_date else None,
    }


def snapshot(steps: Iterable[Any]) -> list[dict[str, Any]]:
    """The steps of a plan that an agreement covers, in plan order: not removed, and not the client's own (those
    are the client's notes to themselves, added and changed freely)."""
    return [step_snapshot(step) for step in sorted(steps, key=lambda s: (s.position, str(s.id)))
            if step.removed_at is None and step.added_by_role != "client"]


def fingerprint(goals: str, steps: list[dict[str, Any]]) -> str:
    """What exactly the client read when they agree: agreeing to a draft that changed meanwhile is refused."""
    import hashlib
    import json

    return hashlib.sha256(json.dumps([goals, steps], sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True, slots=True)
class StepChange:
    kind: str  # added | removed | changed
    title: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True, slots=True)
class Changes:
    goals: tuple[str, str] | None  # (before, after) when the goals changed
    steps: tuple[StepChange, ...]

    def __bool__(self) -> bool:
        return self.goals is not None or bool(self.steps)


def _same(field: str, before: Any, after: Any) -> bool:
    if field in ("responsible", "service"):
        return (before or {}).get("id") == (after or {}).get("id")
    return bool(before == after)


def changes(old_goals: str, old_steps: list[dict[str, Any]], new_goals: str,
            new_steps: list[dict[str, Any]]) -> Changes:
    """What changed from the old content to the new: goals, steps added, removed, and each changed field."""
    old = {step["id"]: step for step in old_steps}
    new = {step["id"]: step for step in new_steps}
    found: list[StepChange] = []
    for step in new_steps:
        before = old.get(step["id"])
        if before is None:
            found.append(StepChange("added", step["title"], None, step))
            continue
        fields = tuple(FieldChange(f, before.get(f), step.get(f)) for f in FIELDS
                       if not _same(f, before.get(f), step.get(f)))
        if fields:
            found.append(StepChange("changed", before["title"], before, step, fields))
    found += [StepChange("removed", step["title"], step, None) for step in old_steps if step["id"] not in new]
    goals = (old_goals, new_goals) if old_goals != new_goals else None
    return Changes(goals, tuple(found))


def day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
