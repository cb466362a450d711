"""The built blog, read back from disk: pages, links, feeds, search, holds, HTML rules."""

from __future__ import annotations

import json
import posixpath
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from blogscan import BASE_URL, HELD, HELD_ONLY_TAG, PUBLISHED, make_blog, published_slug, scan
from sitekit import read_tree, run_build

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
MARKERS = [args[0] for args in HELD.values()] + [HELD_ONLY_TAG]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = make_blog(tmp_path_factory.mktemp("blog"))
    result = run_build(site)
    assert result.exit_code == 0, result.output
    assert f"Published {PUBLISHED} stories, held {len(HELD)}" in result.output
    return site / "output"


@pytest.fixture(scope="module")
def tree(built: Path) -> dict[str, bytes]:
    return read_tree(built)


def pages(tree: dict[str, bytes]) -> dict[str, str]:
    return {p: b.decode("utf-8") for p, b in tree.items() if p.endswith(".html")}


def slugs() -> list[str]:
    return [published_slug(n) for n in range(1, PUBLISHED + 1)]


def test_every_page_in_the_contract_exists(tree: dict[str, bytes]) -> None:
    expected = {
        "index.html",
        "page/2/index.html",
        "page/3/index.html",
        "page/4/index.html",
        "tags/index.html",
        "tags/co-production/index.html",
        "tags/peer-support/index.html",
        "archive/index.html",
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
        "search/index.html",
        "search-index.json",
        "404.html",
        "accessibility/index.html",
        "feedback/thanks/index.html",
        "newsletter/thanks/index.html",
        "_headers",
        "assets/style.css",
        "assets/search.js",
    }
    expected |= {f"stories/{slug}/index.html" for slug in slugs()}
    assert expected <= set(tree)
    assert "page/5/index.html" not in tree


def resolve(page: str, url: str) -> str | None:
    """The output file a relative URL from ``page`` points at (None: leaves the site)."""
    path = urlsplit(url).path
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    if joined.startswith(".."):
        return None
    if path.endswith("/") or path in ("", "."):
        joined = posixpath.join(joined, "index.html") if joined != "." else "index.html"
    return joined


def test_every_relative_link_resolves_to_a_file(tree: dict[str, bytes]) -> None:
    checked = 0
    for path, html in pages(tree).items():
        if path == "404.html":
            continue
        page = scan(html)
        for tag, attribute, url in page.links:
            parts = urlsplit(url)
            if parts.scheme in ("https", "mailto") or (tag == "form" and url.startswith("/")):
                continue  # other sites, and the configured form receivers
            assert not url.startswith("/"), f"{path}: root-relative {url} breaks in a sub-folder"
            if url.startswith("#"):
                assert url[1:] in page.ids, f"{path}: {url} has no target"
                continue
            target = resolve(path, url)
            assert target in tree, f"{path}: <{tag} {attribute}={url!r}> points at nothing"
            checked += 1
    assert checked > 500


def test_nothing_is_loaded_from_another_host(tree: dict[str, bytes]) -> None:
    base_host = urlsplit(BASE_URL).netloc
    for path, html in pages(tree).items():
        page = scan(html)
        loaded = [u for tag, a, u in page.links if a in ("src", "srcset") or tag == "link"]
        assert page.stylesheets, path
        for url in loaded:
            host = urlsplit(url).netloc
            assert host in ("", base_host), f"{path} loads {url}"
            if path != "404.html":
                assert not host, f"{path} loads {url} by full address"


def test_no_inline_script_or_style_and_one_h1(tree: dict[str, bytes]) -> None:
    for path, html in pages(tree).items():
        page = scan(html)
        assert page.inline_scripts == 0, path
        assert page.style_attributes == 0, path
        assert page.style_elements == 0, path
        assert page.headings.count(1) == 1, f"{path}: {page.headings}"
        assert page.headings[0] == 1, path


def test_headings_never_skip_a_level_and_ids_are_unique(tree: dict[str, bytes]) -> None:
    for path, html in pages(tree).items():
        page = scan(html)
        for before, after in zip(page.headings, page.headings[1:], strict=False):
            assert after <= before + 1, f"{path}: h{before} then h{after}"
        duplicates = {i for i in page.ids if page.ids.count(i) > 1}
        assert not duplicates, f"{path}: {duplicates}"


def test_every_page_sets_language_policies_and_the_accessibility_link(
    tree: dict[str, bytes],
) -> None:
    for path, html in pages(tree).items():
        assert '<html lang="en-GB">' in html, path
        assert 'http-equiv="Content-Security-Policy"' in html, path
        assert "default-src &#39;self&#39;" in html, path
        assert '<meta name="referrer"' in html, path
        assert 'class="skip-link" href="#main"' in html, path
        assert "Accessibility statement</a>" in html, path


def test_feed_is_atom_with_the_newest_20_under_the_sub_path(tree: dict[str, bytes]) -> None:
    feed = ET.fromstring(tree["feed.xml"])
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 20
    index = json.loads(tree["search-index.json"])["stories"]
    newest = [BASE_URL + s["url"] for s in index[:20]]
    assert [e.findtext(f"{ATOM}id") for e in entries] == newest
    for link in feed.iter(f"{ATOM}link"):
        assert link.get("href", "").startswith(BASE_URL)
    for entry in entries:
        content = entry.findtext(f"{ATOM}content") or ""
        assert "[Name removed]" in content
        assert "Names have been changed" in content
        assert "Kestrel" not in content
    assert feed.findtext(f"{ATOM}updated", "").endswith("Z")


def test_sitemap_lists_every_browsable_page_absolutely(tree: dict[str, bytes]) -> None:
    root = ET.fromstring(tree["sitemap.xml"])
    locs = [u.findtext(f"{SITEMAP}loc") or "" for u in root.findall(f"{SITEMAP}url")]
    assert all(loc.startswith(BASE_URL) for loc in locs)
    paths = {loc.removeprefix(BASE_URL) + "index.html" for loc in locs}
    browsable = {p for p in pages(tree) if p != "404.html" and not p.endswith("thanks/index.html")}
    assert paths == browsable
    assert len(locs) == len(paths)
    robots = tree["robots.txt"].decode()
    assert f"Sitemap: {BASE_URL}sitemap.xml" in robots


def test_search_index_holds_exactly_the_published_stories(tree: dict[str, bytes]) -> None:
    stories = json.loads(tree["search-index.json"])["stories"]
    assert sorted(s["url"] for s in stories) == sorted(f"stories/{s}/" for s in slugs())
    assert all("Kestrel" not in json.dumps(s) for s in stories)
    dates = [s["date"] for s in stories]
    assert dates == sorted(dates, reverse=True)


def test_held_stories_leave_no_trace(tree: dict[str, bytes]) -> None:
    for path, content in tree.items():
        text = content.decode("utf-8", "replace").lower()
        for marker in MARKERS:
            assert marker.lower() not in text, f"{marker} found in {path}"
    assert not any(HELD_ONLY_TAG in path for path in tree)
    assert len([p for p in tree if p.startswith("stories/")]) == PUBLISHED


def test_pagination_counts_and_links(tree: dict[str, bytes]) -> None:
    index_pages = ["index.html", "page/2/index.html", "page/3/index.html", "page/4/index.html"]
    counts = [pages(tree)[p].count('<article class="card">') for p in index_pages]
    assert counts == [10, 10, 10, 1]
    first, second, last = (pages(tree)[p] for p in (index_pages[0], index_pages[1], index_pages[3]))
    assert 'rel="next" href="page/2/"' in first and 'rel="prev"' not in first
    assert 'rel="prev" href="../../"' in second and 'rel="next" href="../../page/3/"' in second
    assert 'rel="prev" href="../../page/3/"' in last and 'rel="next"' not in last


def test_tag_pages_count_their_stories(tree: dict[str, bytes]) -> None:
    index = json.loads(tree["search-index.json"])["stories"]
    art = [s for s in index if "art" in s["tags"]]
    tag_index = pages(tree)["tags/index.html"]
    assert f'href="../tags/art/">art</a> <span class="meta">({len(art)} stories)' in tag_index
    art_page = pages(tree)["tags/art/index.html"]
    assert art_page.count('<article class="card">') == len(art)


def test_archive_groups_by_year_newest_first(tree: dict[str, bytes]) -> None:
    archive = pages(tree)["archive/index.html"]
    years = [int(y) for y in re.findall(r'<h2 id="year-(\d{4})">', archive)]
    assert years == sorted(years, reverse=True) == list(range(2024, 2018, -1))
    assert archive.count('<li><a href="../stories/') == PUBLISHED


def test_story_pages_carry_support_warning_and_neighbours(tree: dict[str, bytes]) -> None:
    html = pages(tree)[f"stories/{published_slug(7)}/index.html"]
    warning = html.index("Content warning:")
    assert warning < html.index('class="story-body"')
    assert "If you need help now" in html and "116 123" in html and "999" in html
    assert 'rel="prev" href="../' in html and 'rel="next" href="../' in html
    assert "Names have been changed or removed to protect privacy." in html
    for slug in slugs():
        assert "NHS 111" in pages(tree)[f"stories/{slug}/index.html"]


def test_404_links_are_absolute_and_loads_stay_on_the_host(tree: dict[str, bytes]) -> None:
    """The 404 page is served at any address: its links are full addresses under
    base_url, and what it loads starts from the host's root at base_url's folder,
    naming no host (no request elsewhere)."""
    folder = urlsplit(BASE_URL).path
    page = scan(pages(tree)["404.html"])
    for tag, _, url in page.links:
        if url.startswith("#") or (tag == "form" and url.startswith("/")):
            continue
        if tag in ("a", "form"):  # going somewhere, not loading anything
            assert url.startswith(("https://", "http://")), url
        else:
            assert url.startswith(folder) and not url.startswith("//"), (tag, url)
    assert any(url == BASE_URL for tag, _, url in page.links if tag == "a")


def test_search_page_leads_to_everything_without_javascript(tree: dict[str, bytes]) -> None:
    """Without JavaScript the search page links the newest stories, every tag, and the
    archive, where every story is: a page listing them all would weigh too much at
    thousands of stories."""
    html = pages(tree)["search/index.html"]
    newest = [s["url"] for s in json.loads(tree["search-index.json"])["stories"][:10]]
    listed = re.findall(r'<li><a href="\.\./(stories/[^"]+)">', html)
    assert listed == newest
    assert f'<a href="../archive/">Every story, year by year ({PUBLISHED})</a>' in html
    archive = pages(tree)["archive/index.html"]
    for slug in slugs():
        assert f'href="../stories/{slug}/"' in archive
    assert 'href="../tags/quality-improvement/"' in html
    assert '<script src="../assets/search.js" defer></script>' in html
    assert '<form class="search-form search-page-form" role="search" method="get"' in html


def test_headers_file_carries_server_only_policies(tree: dict[str, bytes]) -> None:
    headers = tree["_headers"].decode()
    assert headers.startswith("/*\n")
    for needed in (
        "frame-ancestors 'none'",
        "X-Content-Type-Options: nosniff",
        "Referrer-Policy: strict-origin-when-cross-origin",
        "Permissions-Policy:",
    ):
        assert needed in headers


def test_accessibility_statement_is_filled_from_the_config(tree: dict[str, bytes]) -> None:
    html = pages(tree)["accessibility/index.html"]
    assert "Harbour Lane Trust runs this website" in html
    assert '<a href="mailto:access@example.org">access@example.org</a>' in html
    assert "last reviewed on 1 October 2026" in html
