"""Every page type: local requests only, no errors, no axe-core violations, reflow at
200 % zoom and at 320 px, and a screenshot at desktop and phone width."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browserkit import (
    AXE_RUN,
    OVERFLOW,
    PAGE_TYPES,
    PREFIX,
    SCREENSHOTS,
    WCAG_TAGS,
    NewPage,
    PageLog,
    Site,
)

pytestmark = pytest.mark.browser

IDS = [name for name, _, _ in PAGE_TYPES]
ZOOMS = {
    # 200 % zoom of a 1280 x 900 window lays the page out in 640 x 450 CSS px.
    "zoom-200": {"width": 640, "height": 450},
    # WCAG 1.4.10 reflow: 320 CSS px wide (a 1280 px window at 400 %).
    "width-320": {"width": 320, "height": 640},
}
SHOTS = {
    "desktop": {"width": 1280, "height": 900},
    "phone": {"width": 375, "height": 812},
}


def open_page(page: Any, site: Site, path: str, status: int, *, idle: bool = False) -> None:
    response = page.goto(site.url(path))
    assert response.status == status, f"{path} answered {response.status}, not {status}"
    page.wait_for_load_state("networkidle" if idle else "load")
    if "?q=" in path:
        page.wait_for_selector("#search-results h2")


def expected_errors(log: PageLog, site: Site, path: str, status: int) -> list[str]:
    """Errors other than the browser's note that a not-found page answered 404."""
    if status == 404:
        return [e for e in log.errors if site.url(path) not in e]
    return log.errors


@pytest.mark.parametrize(("name", "path", "status"), PAGE_TYPES, ids=IDS)
def test_page_is_quiet_and_local(
    site: Site, new_page: NewPage, name: str, path: str, status: int
) -> None:
    """With the site's own Content-Security-Policy in force: no error, no foreign request."""
    page, log = new_page()
    open_page(page, site, path, status, idle=True)
    assert expected_errors(log, site, path, status) == []
    assert log.foreign(site.origin + PREFIX) == []
    assert len(log.requests) >= 2, "the page loaded nothing besides itself (no stylesheet?)"


def test_pages_name_their_own_icon(site: Site, new_page: NewPage) -> None:
    """A page that names no icon makes Chromium ask the host's root for /favicon.ico:
    outside the site's folder, and a 404 in the console. (Chromium asks once per
    browser, so this checks the cause, the missing <link rel=icon>, on every page.)"""
    page, _ = new_page()
    for name, path, status in PAGE_TYPES:
        open_page(page, site, path, status)
        icons = page.locator("link[rel~=icon]").evaluate_all("links => links.map(l => l.href)")
        assert icons, f"{name}: no <link rel=icon>"
        for icon in icons:
            assert icon.startswith(site.base), f"{name}: icon outside the site: {icon}"
            assert page.request.get(icon).status == 200, f"{name}: icon not found: {icon}"


@pytest.mark.parametrize(("name", "path", "status"), PAGE_TYPES, ids=IDS)
def test_page_has_no_axe_violations(
    site: Site, new_page: NewPage, axe_source: Path, name: str, path: str, status: int
) -> None:
    page, _ = new_page(bypass_csp=True)
    open_page(page, site, path, status)
    page.add_script_tag(path=str(axe_source))
    problems: list[str] = []
    for label, size in SHOTS.items():  # desktop, then phone width
        page.set_viewport_size(size)
        problems += [
            f"[{label}] {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["targets"])
            for v in page.evaluate(AXE_RUN, WCAG_TAGS)
        ]
    report = "\n".join(problems)
    assert problems == [], f"axe-core found problems on {path or 'the home page'}:\n{report}"


@pytest.mark.parametrize(("name", "path", "status"), PAGE_TYPES, ids=IDS)
def test_page_reflows_without_sideways_scrolling(
    site: Site, new_page: NewPage, name: str, path: str, status: int
) -> None:
    page, _ = new_page()
    open_page(page, site, path, status)
    for zoom, size in ZOOMS.items():
        page.set_viewport_size(size)
        measured = page.evaluate(OVERFLOW)
        assert measured["scroll"] <= measured["client"], (
            f"{path or 'home'} at {zoom} scrolls sideways: {measured}"
        )


@pytest.mark.parametrize(("name", "path", "status"), PAGE_TYPES, ids=IDS)
def test_screenshot(site: Site, new_page: NewPage, name: str, path: str, status: int) -> None:
    """Saved to build/screenshots/ for people to look at; only that they are made is tested."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page, _ = new_page()
    open_page(page, site, path, status)
    for label, size in SHOTS.items():
        page.set_viewport_size(size)
        target = SCREENSHOTS / f"{name}-{label}.png"
        page.screenshot(path=str(target), full_page=True, animations="disabled")
        assert target.stat().st_size > 1000
