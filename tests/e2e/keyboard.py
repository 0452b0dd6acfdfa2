"""Moving through a page the way a keyboard user does, checking the focus can be seen at every stop."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

FOCUS_STYLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return { ok: false, what: 'the page itself' };
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow !== 'none';
  const name = (el.getAttribute('aria-label') || el.textContent || el.name || el.id || '').trim().replace(/\\s+/g, ' ');
  return {
    ok: el.matches(':focus-visible') && (outline || shadow),
    what: `<${el.tagName.toLowerCase()}> "${name.slice(0, 50)}"`,
    detail: `:focus-visible ${el.matches(':focus-visible')}, outline ${style.outlineStyle} ${style.outlineWidth}, box-shadow ${style.boxShadow}`,
  };
}"""


class Keyboard:
    """Tab, Shift+Tab, Enter, Space and the arrow keys; never a click."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.stops: list[str] = []

    def press(self, key: str) -> None:
        assert key in {"Tab", "Shift+Tab", "Enter", " ", "Space", "ArrowDown", "ArrowUp", "ArrowLeft",
                       "ArrowRight"}, key
        self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def assert_focus_visible(self) -> str:
        found = self.page.evaluate(FOCUS_STYLE)
        self.stops.append(found["what"])
        assert found["ok"], f"no visible focus indicator on {found['what']} ({found.get('detail', '')})"
        return str(found["what"])

    def tab_to(self, target: Locator, *, backwards: bool = False, limit: int = 60) -> None:
        """Press Tab (or Shift+Tab) until `target` has focus, checking the focus style at each stop."""
        handle = target.element_handle()
        start = len(self.stops)
        for _ in range(limit):
            self.press("Shift+Tab" if backwards else "Tab")
            try:
                self.assert_focus_visible()
            except AssertionError as error:
                visited = "\n".join(self.stops[start:])
                raise AssertionError(f"{error}; on the way to {target} focus went to:\n{visited}") from None
            if self.page.evaluate("(el) => el === document.activeElement", handle):
                return
        visited = "\n".join(self.stops[start:])
        raise AssertionError(f"{target} never got focus after {limit} presses; focus went to:\n{visited}")
