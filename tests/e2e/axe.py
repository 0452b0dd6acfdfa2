"""axe-core in the page under test: WCAG 2.0, 2.1 and 2.2 A and AA rules, no rule switched off."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}

_axe = Axe()


def axe_violations(page: Page) -> list[dict]:
    return list(_axe.run(page, options=OPTIONS).response["violations"])


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']}")
        lines.append(f"  {violation.get('helpUrl', '')}")
        for node in violation["nodes"][:10]:
            target = " ".join(str(part) for part in node.get("target", []))
            lines.append(f"    at {target}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:300]}")
    return "\n".join(lines)


def assert_no_axe_violations(page: Page, state: str = "") -> None:
    violations = axe_violations(page)
    where = f"{state or 'page'} ({page.url})"
    assert not violations, f"axe found {len(violations)} violation(s) on {where}:\n{describe(violations)}"
