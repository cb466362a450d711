"""An outsider's checks of the built blog: fresh sites of many shapes, read only
through their output files (links, loads, feed, sitemap, robots, held stories)."""

from __future__ import annotations

import json
import posixpath
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from sitekit import MakeSite, run_build, story

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
W3C_DATE = re.compile(r"^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d))?$")
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
LOADING_RELS = ("stylesheet", "icon", "preload", "modulepreload", "manifest", "prefetch")

#: Held stories, each with a marker that must appear nowhere in the output.
HELD = {
    "h-draft.md": story("Heldalpha draft", extra="draft: true\ntags: [heldtagalpha]\n"),
    "h-future.md": story("Heldbeta later", date="2027-05-05", extra="tags: [heldtagbeta]\n"),
    "h-withdrawn.md": story(
        "Heldgamma gone",
        consent="consent:\n  publish: true\n  date: 2020-01-01\n  withdrawn: true\n",
        extra="summary: heldsumgamma\n",
    ),
    "h-expired.md": story(
        "Helddelta old",
        consent="consent:\n  publish: true\n  date: 2020-01-01\n  expires: 2021-01-01\n",
        extra="slug: helddelta-slug\n",
    ),
    "h-none.md": story("Heldepsilon unasked", consent="", extra="tags: [heldtagepsilon]\n"),
    "h-finding.md": story("Heldzeta finding", body="Then Dr Hollowmere waved.\n"),
}
MARKERS = ("heldalpha", "heldbeta", "heldgamma", "helddelta", "heldepsilon", "heldzeta",
           "heldtag", "heldsum", "hollowmere")  # fmt: skip


def many(n: int) -> dict[str, str]:
    return {
        f"s{i:02d}.md": story(
            f"Story number {i}",
            date=f"20{10 + i % 15:02d}-0{1 + i % 9}-1{i % 9}",
            extra=f"summary: Summary {i}\ntags: [co-production, t{i % 4}]\n",
        )
        for i in range(n)
    }


UNICODE = {
    "u1.md": story(
        "Café ☕ and 🎉 party",
        extra='tags: [Co-production, "co production", "!!!", "a/b", "..", "日本語", "🎉"]\n'
        'summary: "Emoji 🎉 & <b>bold</b> \\"q\\""\n',
    ),
    "u2.md": story("日本語のタイトル", extra='tags: ["日本語", "../etc"]\n'),
    "u3.md": story("Same day", date="2021-02-02", extra='tags: ["x&y", "<script>"]\n'),
    "u4.md": story("Same day", date="2021-02-02", extra="slug: same-day-two\n"),
    "u5.md": story("Quote ' \" & < > ]]>", date="2021-02-02", extra="tags: [q&a]\n"),
}


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str, str]] = []
        self.loads: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        for key in ("href", "src", "action", "poster"):
            if key in a:
                self.refs.append((tag, key, a[key]))
        for part in a.get("srcset", "").split(","):
            if part.strip():
                self.refs.append((tag, "srcset", part.split()[0]))
        if tag in ("img", "script", "iframe", "source", "audio", "video", "embed") and "src" in a:
            self.loads.append(a["src"])
        if tag == "link" and any(r in a.get("rel", "").lower() for r in LOADING_RELS):
            self.loads.append(a.get("href", ""))
        if tag in ("base", "object") or "style" in a:
            self.loads.append(f"<{tag}> {a}")


def elsewhere(url: str) -> bool:
    parts = urlsplit(url.strip())
    return bool(parts.scheme or parts.netloc) or url.strip().startswith("//")


def target(files: set[str], page: str, url: str) -> str:
    path = unquote(urlsplit(url).path)
    if not path:
        return page
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    if path.endswith("/") or f"{joined}/index.html" in files:
        return "index.html" if joined == "." else f"{joined}/index.html"
    return joined


def problems(out: Path, base: str | None) -> list[str]:
    """Everything an outsider would call broken in the output folder ``out``."""
    found: list[str] = []
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    needed = ["index.html", "tags/index.html", "archive/index.html", "robots.txt",
              "search/index.html", "search-index.json", "404.html"]  # fmt: skip
    needed += ["feed.xml", "sitemap.xml"] if base else []
    found += [f"missing {name}" for name in needed if name not in files]
    pages: dict[str, Page] = {}
    for name in sorted(f for f in files if f.endswith(".html")):
        pages[name] = Page()
        pages[name].feed((out / name).read_text(encoding="utf-8"))
    for name, page in pages.items():
        found += [f"{name} loads {u!r}" for u in page.loads if elsewhere(u) or u.startswith("<")]
        for tag, key, url in page.refs:
            if name == "404.html" or elsewhere(url) or (tag == "form" and key == "action"):
                continue  # 404.html is tested on its own; forms post where the site says
            where = target(files, name, url)
            fragment = urlsplit(url).fragment
            if where not in files:
                found.append(f"{name}: {tag} {key}={url!r} -> {where} is missing")
            elif fragment and where in pages and unquote(fragment) not in pages[where].ids:
                found.append(f"{name}: {url!r} names a missing id")
    for name in (f for f in files if f.endswith(".css")):
        css = (out / name).read_text(encoding="utf-8")
        found += [f"{name} loads {u}" for u in re.findall(r"url\(|@import", css)]
    for name in files:
        text = (out / name).read_bytes().decode("utf-8", "replace")
        if name.endswith((".html", ".xml", ".json")) and FORBIDDEN.search(text):
            found.append(f"{name} has a forbidden code point")
        found += [f"{name} shows held {m}" for m in MARKERS if m in (name + text).lower()]
    json.loads((out / "search-index.json").read_text(encoding="utf-8"))
    robots = (out / "robots.txt").read_text(encoding="utf-8")
    if base:
        found += feed_problems(out, base, files) + sitemap_problems(out, base, files)
        if f"Sitemap: {base}sitemap.xml" not in robots.splitlines():
            found.append(f"robots.txt: {robots!r}")
    elif "Sitemap:" in robots:
        found.append("robots.txt names a sitemap without base_url")
    return found


def page_of(base: str, url: str, files: set[str]) -> str | None:
    if not url.startswith(base):
        return None
    rest = unquote(url[len(base) :])
    name = f"{rest}index.html" if rest.endswith("/") or not rest else rest
    return name if name in files else None


def feed_problems(out: Path, base: str, files: set[str]) -> list[str]:
    found = []
    feed = ET.parse(out / "feed.xml").getroot()
    if feed.tag != f"{ATOM}feed":
        return ["feed.xml is not Atom"]
    found += [f"feed lacks {t}" for t in ("id", "title", "updated") if not feed.findtext(ATOM + t)]
    if not RFC3339.match(feed.findtext(f"{ATOM}updated") or ""):
        found.append("feed updated is not RFC 3339")
    selfs = [x.get("href") for x in feed.findall(f"{ATOM}link") if x.get("rel") == "self"]
    if selfs != [f"{base}feed.xml"]:
        found.append(f"feed self link {selfs}")
    authored = feed.find(f"{ATOM}author") is not None
    ids = []
    for entry in feed.findall(f"{ATOM}entry"):
        ids.append(entry.findtext(f"{ATOM}id") or "")
        if not urlsplit(ids[-1]).scheme:
            found.append(f"entry id {ids[-1]!r} is not absolute")
        for t in ("title", "updated"):
            if not entry.findtext(ATOM + t):
                found.append(f"entry lacks {t}")
        for t in ("updated", "published"):
            if entry.find(ATOM + t) is not None and not RFC3339.match(entry.findtext(ATOM + t)):
                found.append(f"entry {t} is not RFC 3339")
        if not authored and entry.find(f"{ATOM}author") is None:
            found.append("entry has no author")
        links = [
            x for x in entry.findall(f"{ATOM}link") if x.get("rel", "alternate") == "alternate"
        ]
        if not links or page_of(base, links[0].get("href", ""), files) is None:
            found.append(f"entry link {[x.get('href') for x in links]} has no page")
        content = entry.find(f"{ATOM}content")
        if content is None or content.get("type") != "html" or len(content):
            found.append("entry content is not escaped html")
    if len(ids) != len(set(ids)):
        found.append("two entries share an id")
    return found


def sitemap_problems(out: Path, base: str, files: set[str]) -> list[str]:
    found = []
    urlset = ET.parse(out / "sitemap.xml").getroot()
    if urlset.tag != f"{SITEMAP}urlset" or not len(urlset):
        return ["sitemap.xml is not a sitemaps.org urlset with urls"]
    locs = []
    for url in urlset:
        loc = url.findtext(f"{SITEMAP}loc") or ""
        locs.append(loc)
        if re.search(r"[^\x21-\x7e]", loc) or page_of(base, loc, files) is None:
            found.append(f"sitemap loc {loc!r}")
        lastmod = url.findtext(f"{SITEMAP}lastmod")
        if lastmod is not None and not W3C_DATE.match(lastmod):
            found.append(f"lastmod {lastmod!r}")
    if len(locs) != len(set(locs)):
        found.append("sitemap lists a page twice")
    return found


SHAPES = {
    "none": ({}, "https://ex.org/"),
    "one": (many(1), "https://ex.org/sub/path/"),
    "eleven": (many(11), "https://ex.org/blog"),
    "thirty-one": (many(31), "https://ex.org/a/b/"),
    "unicode": (UNICODE, "https://ex.org/east/"),
    "no-base": (many(12), None),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_an_outsider_finds_nothing_broken(make_site: MakeSite, shape: str) -> None:
    stories, base = SHAPES[shape]
    config = '[site]\ntitle = "Outside"\n' + (f'base_url = "{base}"\n' if base else "")
    site = make_site({**stories, **HELD}, config=config)
    result = run_build(site)
    assert result.exit_code == 0, result.output
    slash = None if base is None else base.rstrip("/") + "/"
    assert problems(site / "output", slash) == []
    pages = len({f for f in (site / "output").rglob("page/*/index.html")})
    assert pages == max(0, -(-len(stories) // 10) - 1)


def test_control_characters_never_reach_a_page_or_the_feed(make_site: MakeSite) -> None:
    site = make_site(
        {
            "a.md": story(
                'Bell \\x07 and escape \\e"',
                body="Form\x0cfeed, escape \x1b, delete \x7f, next line \x85, \ufffe end.\n",
                extra='summary: "sum\\x1bmary"\ntags: ["t\\x01g"]\n',
            ).replace("title: Bell", 'title: "Bell'),
        }
    )
    site.joinpath("stories/b.md").write_text(story("Page", body="Form\x0cfeed.\n"))
    result = run_build(site)
    assert result.exit_code == 0, result.output
    out = site / "output"
    assert problems(out, "https://stories.example.org/news/") == []
    # A control character is a finding that holds its story (one per character, with
    # its line); a form feed is a page break, shown as a space.
    assert "stories/a.md: held" in result.output
    for line, code in [(2, "U+0007"), (2, "U+001B"), (10, "U+001B"), (10, "U+007F")]:
        assert f"stories/a.md:{line}: " in result.output and code in result.output
    assert "U+0085" in result.output and "noncharacter (U+FFFE)" in result.output
    assert not (out / "stories/bell-and-escape").exists()
    assert "Form feed." in (out / "stories/page/index.html").read_text()


def test_a_base_url_outside_ascii_is_percent_encoded(make_site: MakeSite) -> None:
    site = make_site(
        {"a.md": story()}, config='[site]\ntitle = "T"\nbase_url = "https://ex.org/ü"\n'
    )
    assert run_build(site).exit_code == 0
    out = site / "output"
    assert problems(out, "https://ex.org/%C3%BC/") == []
    assert "Sitemap: https://ex.org/%C3%BC/sitemap.xml" in (out / "robots.txt").read_text()


def test_the_checker_sees_a_broken_link_a_foreign_load_and_a_held_marker(
    make_site: MakeSite,
) -> None:
    site = make_site({"a.md": story()})
    assert run_build(site).exit_code == 0
    out = site / "output"
    page = out / "archive/index.html"
    html = page.read_text()
    html = html.replace(
        "</main>",
        '<a href="../nowhere/">x</a><img src="https://cdn.example/x.png" alt="">heldalpha</main>',
    )
    page.write_text(html)
    found = problems(out, "https://stories.example.org/news/")
    assert any("nowhere" in f for f in found)
    assert any("cdn.example" in f for f in found)
    assert any("heldalpha" in f for f in found)


def test_two_tags_with_one_slug_list_the_story_once(make_site: MakeSite) -> None:
    site = make_site({"a.md": story("Only one", extra='tags: [Co-production, "co production"]\n')})
    assert run_build(site).exit_code == 0
    page = (site / "output/tags/co-production/index.html").read_text()
    assert page.count('href="../../stories/only-one/"') == 1


def test_tags_without_latin_letters_keep_their_own_pages(make_site: MakeSite) -> None:
    site = make_site(
        {
            "a.md": story("First", extra='tags: ["日本語"]\n'),
            "b.md": story("Second", extra='tags: ["🎉"]\n'),
        }
    )
    assert run_build(site).exit_code == 0
    tags = [p for p in (site / "output/tags").iterdir() if p.is_dir()]
    assert len(tags) == 2
