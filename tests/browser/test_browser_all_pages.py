"""Every HTML file of the built example site (not one of each type): no axe-core
violation and no request to anything but the site's own folder on the local server."""

from __future__ import annotations

import pytest
from browserkit import AXE_RUN, PREFIX, WCAG_TAGS, NewPage, Site

pytestmark = pytest.mark.browser


def test_every_page_passes_axe_and_stays_local(
    site: Site, new_page: NewPage, axe_source: object
) -> None:
    paths = sorted(p.relative_to(site.output).as_posix() for p in site.output.rglob("*.html"))
    assert len(paths) > 10, paths
    page, log = new_page(bypass_csp=True)
    failures: list[str] = []
    for path in paths:
        url = site.url("no-such-page/" if path == "404.html" else path.removesuffix("index.html"))
        page.goto(url, wait_until="networkidle")
        page.add_script_tag(path=str(axe_source))
        for violation in page.evaluate(AXE_RUN, WCAG_TAGS):
            failures.append(f"{path}: {violation['id']} {violation['targets'][:2]}")
    assert failures == []
    assert log.foreign(site.origin + PREFIX) == []
