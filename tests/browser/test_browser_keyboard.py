"""Keyboard use: the skip link, and a visible focus indicator on everything Tab reaches."""

from __future__ import annotations

import pytest
from browserkit import IMAGE_STORY_SLUG, NewPage, Site

pytestmark = pytest.mark.browser

FOCUS_STATE = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const style = getComputedStyle(e);
  const box = e.getBoundingClientRect();
  return {
    what: e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + ":"
      + e.textContent.trim().slice(0, 30),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    shadow: style.boxShadow !== "none",
    shown: box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0,
  };
}"""


def test_skip_link_is_first_and_moves_focus_to_the_content(site: Site, new_page: NewPage) -> None:
    page, _ = new_page()
    page.goto(site.url(f"stories/{IMAGE_STORY_SLUG}/"))
    page.keyboard.press("Tab")
    state = page.evaluate(FOCUS_STATE)
    assert state is not None and state["what"].startswith("a:Skip to the main content"), state
    assert state["shown"], "the skip link stays off screen when it has focus"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('main') !== null")


@pytest.mark.parametrize("path", ["", f"stories/{IMAGE_STORY_SLUG}/", "search/?q=carers"])
def test_everything_tab_reaches_shows_where_focus_is(
    site: Site, new_page: NewPage, path: str
) -> None:
    page, _ = new_page()
    page.goto(site.url(path))
    page.wait_for_load_state("networkidle")
    seen: list[str] = []
    for _ in range(150):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        if state is None or (seen and state["what"] == seen[0]):
            break  # focus left the page or came round again
        seen.append(state["what"])
        assert state["shown"], f"{state['what']} has focus but cannot be seen"
        assert state["outline"] or state["shadow"], f"{state['what']} shows no focus indicator"
    assert len(seen) >= 10, seen
