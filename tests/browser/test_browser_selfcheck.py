"""The checkers themselves: each must catch a page that is plainly wrong, or a pass
from it would mean nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browserkit import AXE_RUN, OVERFLOW, WCAG_TAGS, NewPage, Site

pytestmark = pytest.mark.browser

BAD_PAGE = """<!DOCTYPE html><html><head><title>Bad</title></head><body>
<img src="x.png"><input type="text"><p style="color:#bbb;background:#fff">Faint</p>
<div style="width:2000px">Too wide</div></body></html>"""


def test_axe_finds_violations_on_a_bad_page(new_page: NewPage, axe_source: Path) -> None:
    page, _ = new_page(bypass_csp=True)
    page.set_content(BAD_PAGE)
    page.add_script_tag(path=str(axe_source))
    found = {v["id"] for v in page.evaluate(AXE_RUN, WCAG_TAGS)}
    assert {"image-alt", "label", "color-contrast", "html-has-lang"} <= found


def test_overflow_check_sees_a_too_wide_page(new_page: NewPage) -> None:
    page, _ = new_page(viewport={"width": 320, "height": 640})
    page.set_content(BAD_PAGE)
    measured = page.evaluate(OVERFLOW)
    assert measured["scroll"] > measured["client"]
    assert any(w.startswith("div") for w in measured["wide"])


def test_page_log_records_foreign_requests_and_errors(new_page: NewPage, site: Site) -> None:
    page, log = new_page()
    page.goto(site.url())
    page.evaluate(
        """() => {
          const img = document.createElement("img");
          img.src = "http://127.0.0.2:9/tracker.png";
          document.body.append(img);
          console.error("a deliberate error");
          setTimeout(() => { throw new Error("a deliberate exception"); }, 0);
        }"""
    )
    page.wait_for_timeout(300)
    assert log.foreign(site.origin) == ["GET http://127.0.0.2:9/tracker.png"]
    assert any("a deliberate error" in e for e in log.errors)
    assert any("a deliberate exception" in e for e in log.errors)


def test_vnu_finds_errors_in_a_bad_file(
    tmp_path: Path, vnu: Callable[[Path], list[dict[str, Any]]]
) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><html lang=en><title>x</title><p><div></p></span>")
    assert len(vnu(bad)) >= 1
    good = tmp_path / "good.html"
    good.write_text("<!DOCTYPE html><html lang=en><title>x</title><p>Fine.</p>")
    assert vnu(good) == []
