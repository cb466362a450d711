"""Readers' journeys in a real browser: reading, browsing, searching, getting lost.

The site is served under /news/stories/, so every link must be relative (or built from
base_url) to work; every request must go to the local server; no page may log an error.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.request import urlopen

import pytest
from browserkit import IMAGE_STORY_SLUG, PREFIX, NewPage, PageLog, Site

pytestmark = pytest.mark.browser

PROTECTED = ("Callum", "Bernie", "Bernadette Walsh", "Gordon Pryce", "Tomasz", "Marguerite")


def follow(page: Any, locator: Any) -> Any:
    """Click a link (or press a button) and wait for the new page; return its response."""
    with page.expect_navigation() as nav:
        locator.click()
    page.wait_for_load_state("load")
    return nav.value


def heading(page: Any) -> str:
    return str(page.locator("h1").first.inner_text()).strip()


def assert_clean(log: PageLog, site: Site, *also: str) -> None:
    assert log.errors == [], "pages logged errors:\n" + "\n".join(log.errors)
    foreign = log.foreign(site.origin + PREFIX, *also)
    assert foreign == [], "requests left the served site:\n" + "\n".join(foreign)


def published_titles(site: Site) -> dict[str, str]:
    index = json.loads((site.output / "search-index.json").read_text(encoding="utf-8"))
    return {s["url"]: s["title"] for s in index["stories"]}


def test_home_story_tag_archive_and_neighbours(site: Site, new_page: NewPage) -> None:
    page, log = new_page()
    assert page.goto(site.url()).status == 200
    first = page.locator("article.card h2 a").first
    title = str(first.inner_text()).strip()
    follow(page, first)
    assert page.url.startswith(site.url("stories/"))
    assert heading(page) == title

    tag = page.locator(".story-header ul.tags a").first
    tag_name = str(tag.inner_text()).strip()
    follow(page, tag)
    assert page.url.startswith(site.url("tags/"))
    assert tag_name in heading(page)
    assert page.get_by_role("link", name=title, exact=True).count() == 1

    main_nav = page.get_by_role("navigation", name="Main")
    follow(page, main_nav.get_by_role("link", name="Archive"))
    assert page.url == site.url("archive/")
    assert heading(page) == "Archive"
    listed = {str(t).strip() for t in page.locator("main .story-list a").all_inner_texts()}
    assert listed == set(published_titles(site).values())

    # A story with a newer and an older neighbour: follow both ways and come back.
    follow(page, page.get_by_role("link", name="An evening for carers", exact=True))
    older = page.locator(".story-nav a[rel=next]")
    older_title = str(older.inner_text()).removeprefix("Older:").strip()
    follow(page, older)
    assert heading(page) == older_title
    follow(page, page.locator(".story-nav a[rel=prev]"))
    assert heading(page) == "An evening for carers"
    newer = page.locator(".story-nav a[rel=prev]")
    newer_title = str(newer.inner_text()).removeprefix("Newer:").strip()
    follow(page, newer)
    assert heading(page) == newer_title
    assert_clean(log, site)


def test_index_pages_link_both_ways(site: Site, new_page: NewPage) -> None:
    page, log = new_page()
    page.goto(site.url())
    on_first = page.locator("article.card").count()
    follow(page, page.get_by_role("link", name="Older stories"))
    assert page.url == site.url("page/2/")
    assert "page 2 of" in heading(page)
    on_second = page.locator("article.card").count()
    assert on_first + on_second == len(published_titles(site))
    follow(page, page.get_by_role("link", name="Newer stories"))
    assert page.url == site.url()
    assert_clean(log, site)


def test_story_shows_its_image_and_content_warning(site: Site, new_page: NewPage) -> None:
    page, log = new_page()
    page.goto(site.url(f"stories/{IMAGE_STORY_SLUG}/"))
    page.wait_for_load_state("networkidle")
    warning = page.get_by_role("complementary", name="Content warning")
    assert "self-harm" in str(warning.inner_text())
    for alt in ("Paper lanterns hanging above a long table", "A row of orange paper lanterns"):
        image = page.locator(f'img[alt="{alt}"]')
        assert image.count() == 1, f"no image with alt text {alt!r} on the story page"
        assert image.evaluate("img => img.complete && img.naturalWidth > 0"), f"{alt!r} broken"
    assert_clean(log, site)


def search_from_footer(page: Any, words: str) -> None:
    """Type into the footer's search box and press Enter, as a reader would."""
    box = page.locator(".site-footer").get_by_label("What are you looking for today?")
    box.fill(words)
    with page.expect_navigation():
        box.press("Enter")
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("fortnight", "The waiting room we redesigned together"),  # only in a story's body
        ("inpatient", "Lanterns on the ward"),  # only in a tag
        ("crisis card", "A crisis card in our own words"),
    ],
)
def test_search_finds_stories(site: Site, new_page: NewPage, words: str, expected: str) -> None:
    page, log = new_page()
    page.goto(site.url())
    search_from_footer(page, words)
    assert urlsplit(page.url).path == PREFIX + "search/"
    page.wait_for_selector("#search-results h2")
    hits = [str(t).strip() for t in page.locator("#search-results li a").all_inner_texts()]
    assert hits[:1] == [expected]
    follow(page, page.locator("#search-results li a").first)
    assert heading(page) == expected
    assert_clean(log, site)


@pytest.mark.parametrize("name", PROTECTED)
def test_search_finds_nothing_for_a_protected_name(
    site: Site, new_page: NewPage, name: str
) -> None:
    page, log = new_page()
    page.goto(site.url("search/"))
    box = page.locator("main").get_by_label("What are you looking for today?")
    box.fill(name)
    with page.expect_navigation():
        box.press("Enter")
    page.wait_for_selector("#search-results h2")
    assert page.locator("#search-results li").count() == 0
    assert "0 stories found" in str(page.locator("#search-results").inner_text())
    for browse in page.locator(".search-browse").all_inner_texts():
        assert name.lower() not in str(browse).lower()
    index = (site.output / "search-index.json").read_text(encoding="utf-8")
    assert name.lower() not in index.lower()
    assert_clean(log, site)


def test_search_without_javascript_leads_to_every_story(site: Site, new_page: NewPage) -> None:
    page, log = new_page(java_script_enabled=False)
    page.goto(site.url())
    search_from_footer(page, "fortnight")
    assert urlsplit(page.url).path == PREFIX + "search/"
    assert str(page.locator("#search-results").inner_text()).strip() == ""
    browse = page.get_by_role("region", name="Browse the stories")
    newest = list(published_titles(site).values())[:2]  # per_page is 2 here
    listed = [str(t).strip() for t in browse.locator("li a").all_inner_texts()]
    assert listed == newest
    every_tag = page.get_by_role("region", name="Every tag")
    assert every_tag.get_by_role("link", name="co-production").count() == 1
    count = len(published_titles(site))
    follow(page, browse.get_by_role("link", name=f"Every story, year by year ({count})"))
    assert heading(page) == "Archive"
    archived = {str(t).strip() for t in page.locator("main li a").all_inner_texts()}
    assert archived == set(published_titles(site).values())
    follow(page, page.get_by_role("link", name="The waiting room we redesigned together"))
    assert heading(page) == "The waiting room we redesigned together"
    follow(page, page.locator(".story-header ul.tags a").first)
    assert page.url.startswith(site.url("tags/"))
    assert_clean(log, site)


def test_missing_page_shows_not_found_with_working_links(site: Site, new_page: NewPage) -> None:
    page, log = new_page()
    styles: list[tuple[str, int]] = []
    page.on("response", lambda r: styles.append((r.url, r.status)) if ".css" in r.url else None)
    missing = site.url("stories/no-such-story/")
    response = page.goto(missing)
    assert response.status == 404
    page.wait_for_load_state("networkidle")
    assert heading(page) == "Page not found"
    assert styles and all(status == 200 for _, status in styles), styles
    links = page.locator("main a")
    assert links.count() >= 3
    for href in links.evaluate_all("links => links.map(a => a.href)"):
        assert href.startswith(site.base), f"the not-found page links away: {href}"
        assert page.request.get(href).status == 200, f"broken link on the not-found page: {href}"
    follow(page, page.get_by_role("link", name="Read the latest stories"))
    assert page.url == site.url()
    # The only error allowed is the browser's note that the first page was a 404.
    log.errors = [e for e in log.errors if "404" not in e or missing not in e]
    assert_clean(log, site)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"a": "href", "link": "href", "script": "src", "img": "src"}.get(tag)
        for name, value in attrs:
            if name == wanted and value:
                self.found.append(value)
            if tag == "form" and name == "action" and value and ("method", "post") not in attrs:
                self.found.append(value)


def _fetch(url: str) -> tuple[int, str, str]:
    try:
        with urlopen(url, timeout=10) as reply:
            kind = reply.headers.get_content_type()
            body = reply.read()
            return reply.status, kind, body.decode() if kind == "text/html" else ""
    except HTTPError as err:
        return err.code, "", ""


def test_every_link_on_every_page_resolves_under_the_sub_path(site: Site) -> None:
    """Crawl from the home page: every local link stays under /news/stories/ and answers 200."""
    seen: set[str] = set()
    queue = [site.url()]
    broken: list[str] = []
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        status, kind, text = _fetch(url)
        if status != 200:
            broken.append(f"{url} answered {status}")
            continue
        if kind != "text/html":
            continue
        parser = _Links()
        parser.feed(text)
        for raw in parser.found:
            target = urldefrag(urljoin(url, raw)).url
            if urlsplit(target).scheme not in ("http", "https"):
                continue
            if not target.startswith(site.origin):
                continue  # links to other sites are allowed; requests are tested elsewhere
            if not target.startswith(site.base):
                broken.append(f"{url} links outside the site folder: {raw}")
                continue
            queue.append(target)
    assert broken == []
    pages = [u.removeprefix(site.base) for u in seen]
    assert len([p for p in pages if p.startswith("stories/")]) == len(published_titles(site))
    for expected in ("tags/", "archive/", "search/", "accessibility/", "page/2/"):
        assert expected in pages, f"no link anywhere leads to {expected}"
