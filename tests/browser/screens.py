"""Screenshots of whole pages as a reader scrolling them sees each part."""

from __future__ import annotations


def whole_page_screenshot(page, path: str) -> None:  # type: ignore[no-untyped-def]
    """The viewport is made as tall as the page for the shot. Playwright's ``full_page``
    keeps the viewport and paints sticky elements (a thread's composer, the sidebar) where
    they stand on the first screen, leaving their own place empty: the gap that appeared
    above a thread's "Décisions et suivis" in the laptop screenshot, never in a browser."""
    size = page.viewport_size
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(height, size["height"])})
    try:
        page.screenshot(path=path)
    finally:
        page.set_viewport_size(size)
