"""The Nu HTML Checker on every page the build wrote."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from browserkit import PAGE_TYPES, Site

pytestmark = pytest.mark.browser

Vnu = Callable[[Path], list[dict[str, Any]]]


def test_every_page_type_was_built(site: Site) -> None:
    """The pages the other checks visit exist as files, so the validator saw them too."""
    for _, path, status in PAGE_TYPES:
        if status == 404:
            assert (site.output / "404.html").is_file()
        elif "?" not in path:
            assert (site.output / path / "index.html").is_file(), f"{path} was not built"


def test_every_output_page_is_valid_html(site: Site, vnu: Vnu) -> None:
    pages = sorted(site.output.rglob("*.html"))
    assert len(pages) >= 15
    messages = vnu(site.output)
    report = "\n".join(
        f"{Path(m.get('url', '').removeprefix('file:')).relative_to(site.output)}"
        f":{m.get('lastLine', '?')}: {m.get('message')} [{m.get('extract', '').strip()}]"
        for m in messages
    )
    assert messages == [], f"the Nu HTML Checker found errors:\n{report}"
