"""Helpers for the blog tests: a ~30-story site with held stories, and an HTML scanner."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from sitekit import story, write_files

BASE_URL = "https://stories.example.org/east/wing/"
CONFIG = f"""\
[site]
title = "Harbour Lane stories"
base_url = "{BASE_URL}"
privacy_url = "https://example.org/privacy"

[anonymise]
allow = ["Recovery College"]

[[anonymise.people]]
name = "Priya Kestrel"

[accessibility]
organisation = "Harbour Lane Trust"
contact = "access@example.org"
reviewed = 2026-10-01
"""
PUBLISHED = 31
TAGS = ("co-production", "peer support", "quality improvement", "art")

#: Held stories: each carries a marker word that must appear nowhere in the output.
HELD = {
    "withdrawn.md": ("Zanzibarwithdrawn", "consent:\n  publish: true\n  date: 2020-01-01\n"
                     "  withdrawn: 2021-01-01\n", "2020-02-02", ""),
    "draft.md": ("Zanzibardraft", "consent:\n  publish: true\n  date: 2020-01-01\n",
                 "2020-02-02", "draft: true\n"),
    "future.md": ("Zanzibarfuture", "consent:\n  publish: true\n  date: 2020-01-01\n",
                  "2027-06-01", ""),
    "unconsented.md": ("Zanzibarunconsented", "consent:\n  publish: \"yes\"\n  date: 2020-01-01\n",
                       "2020-02-02", ""),
}  # fmt: skip
HELD_ONLY_TAG = "zanzibarheldtag"


def published_slug(n: int) -> str:
    return f"story-{n:02d}-from-the-harbour"


def published_story(n: int) -> str:
    year = 2019 + n % 6
    tags = [TAGS[n % len(TAGS)], TAGS[(n + 1) % len(TAGS)]]
    body = f"""\
    Priya Kestrel joined the group in week {n}. We met at the Recovery College.

    ## What we changed

    The team rewrote the leaflet together, word {n}-lighthouse.
    """
    extra = f"summary: Summary of story {n}.\ntags: [{', '.join(tags)}]\n"
    if n == 7:
        extra += "content_warning: mentions a stay in hospital\n"
    return story(
        title=f"Story {n:02d} from the harbour",
        body=textwrap.dedent(body),
        date=f"{year}-{1 + n % 12:02d}-{1 + n % 27:02d}",
        extra=extra,
    )


def held_story(marker: str, consent: str, date: str, extra: str) -> str:
    return story(
        title=f"The {marker} story",
        body=f"Words about {marker}.\n",
        date=date,
        consent=consent,
        extra=f"summary: About {marker}.\ntags: [{HELD_ONLY_TAG}, co-production]\n{extra}",
    )


def make_blog(root: Path, config: str = CONFIG) -> Path:
    files: dict[str, str | bytes] = {"storysite.toml": config}
    for n in range(1, PUBLISHED + 1):
        files[f"stories/s{n:02d}.md"] = published_story(n)
    for name, args in HELD.items():
        files[f"stories/{name}"] = held_story(*args)
    return write_files(root, files)


@dataclass
class Page:
    """What the tests need to know about one HTML page."""

    links: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, attribute, url)
    ids: list[str] = field(default_factory=list)
    headings: list[int] = field(default_factory=list)
    inline_scripts: int = 0
    style_attributes: int = 0
    style_elements: int = 0
    stylesheets: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    canonical: list[str] = field(default_factory=list)  # <link rel="canonical"> (loads nothing)
    json_ld: list[str] = field(default_factory=list)  # data blocks: never run


class Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._script_has_src = False
        self._in_script = False
        self._in_data_block = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "link" and values.get("rel") == "canonical":
            self.page.canonical.append(values.get("href", ""))
            return
        for name in ("href", "src", "action"):
            if name in values:
                self.page.links.append((tag, name, values[name]))
        for candidate in values.get("srcset", "").split(","):
            if candidate.strip():
                self.page.links.append((tag, "srcset", candidate.split()[0]))
        if "id" in values:
            self.page.ids.append(values["id"])
        if "style" in values:
            self.page.style_attributes += 1
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.page.headings.append(int(tag[1]))
        if tag == "style":
            self.page.style_elements += 1
        if tag == "link" and "stylesheet" in values.get("rel", ""):
            self.page.stylesheets.append(values.get("href", ""))
        if tag == "script":
            self._in_script = True
            self._script_has_src = "src" in values
            self._in_data_block = values.get("type") == "application/ld+json"

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and self._in_data_block:
            self.page.json_ld.append(data)
        elif self._in_script and data.strip():
            self.page.inline_scripts += 1
        self.page.text.append(data)


def scan(html: str) -> Page:
    scanner = Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.page
