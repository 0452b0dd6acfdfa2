"""At 320 CSS px (WCAG 1.4.10 reflow, 400 % zoom of 1280 px) nothing scrolls sideways, and every control is at
least 44 × 44 px (the portal's own target size, above WCAG 2.5.8's 24 px).

Measured: buttons, form controls and links styled as targets (not `display: inline`). Text links inside
running text, headings and lists keep the size of the text they sit in, as WCAG's inline exception allows.
"""

from __future__ import annotations

from playwright.sync_api import Page

NARROW = {"width": 320, "height": 640}
TARGET = 44

MEASURE = """(target) => {
  const describe = (el) => {
    const name = (el.getAttribute('aria-label') || el.textContent || el.value || '').trim().replace(/\\s+/g, ' ');
    const id = el.id ? '#' + el.id : '';
    const type = el.type ? `[type=${el.type}]` : '';
    return `<${el.tagName.toLowerCase()}${id}${type}> "${name.slice(0, 40)}"`;
  };
  const small = [];
  const selector = 'button, input:not([type=hidden]), select, textarea, summary, [role=button], a[href]';
  for (const el of document.querySelectorAll(selector)) {
    if (!el.checkVisibility({ visibilityProperty: true })) continue;
    if (el.tagName === 'A' && getComputedStyle(el).display === 'inline') continue;
    const box = el.getBoundingClientRect();
    if (box.width < target - 0.5 || box.height < target - 0.5) {
      small.push(`${describe(el)} is ${box.width.toFixed(1)} × ${box.height.toFixed(1)} px`);
    }
  }
  const root = document.documentElement;
  const wide = [];
  if (root.scrollWidth > root.clientWidth) {
    for (const el of document.body.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      if (box.right > root.clientWidth + 0.5 && el.checkVisibility()) wide.push(`${describe(el)} ends at ${box.right.toFixed(0)} px`);
    }
  }
  return { scrollWidth: root.scrollWidth, small, wide: wide.slice(0, 8) };
}"""


def assert_reflows(page: Page, name: str) -> None:
    """The page as it is now, at 320 px wide; the viewport is put back afterwards."""
    before = page.viewport_size
    page.set_viewport_size(NARROW)
    try:
        found = page.evaluate(MEASURE, TARGET)
    finally:
        if before:
            page.set_viewport_size(before)
    assert found["scrollWidth"] <= NARROW["width"], (
        f"{name}: the page scrolls sideways at 320 px (scrollWidth {found['scrollWidth']}):\n"
        + "\n".join(found["wide"])
    )
    assert not found["small"], f"{name}: targets smaller than {TARGET} × {TARGET} px:\n" + "\n".join(
        found["small"]
    )
