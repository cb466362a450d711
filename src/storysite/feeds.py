"""The files for machines: Atom feed, sitemap, robots.txt, search index and _headers.

Everything here is built from the collated Site, so only published, anonymised text
can reach these files. Feed and sitemap need absolute URLs: without ``base_url`` they
are left out (with a warning) rather than written with wrong addresses.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from urllib.parse import quote, urlsplit

from markupsafe import escape

from storysite.collate import RenderedStory, Site
from storysite.config import SiteConfig
from storysite.models import OutputFile
from storysite.search import (
    Before,
    Entry,
    IndexState,
    SearchIndex,
    hashed_weights,
    index_with_state,
)

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
FEED_SIZE = 20
KIND = "machine"

NO_BASE_URL = (
    "storysite.toml has no [site] base_url, so feed.xml and sitemap.xml were not "
    "written (they need full web addresses) — add base_url = "
    '"https://your.host/your/path/" under [site]'
)


#: Code points XML 1.0 forbids or HTML calls errors: C0 and C1 controls (but tab, line
#: feed and carriage return), and the noncharacters. One in a story would make feed.xml
#: unreadable and every page invalid, so they are taken out of every output.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff"
    + "".join(f"\\U{plane:04x}fffe\\U{plane:04x}ffff" for plane in range(1, 17))
    + "]"
)


def printable(text: str) -> str:
    """``text`` without forbidden code points; a form feed becomes a space."""
    # Every forbidden code point, and the form feed, is unprintable: a text that is
    # printable once its tabs and line breaks are left out is returned as it is.
    if text.isprintable() or _without_breaks(text).isprintable():
        return text
    return FORBIDDEN.sub("", text.replace("\x0c", " "))


def _without_breaks(text: str) -> str:
    return text.replace("\n", "").replace("\t", "").replace("\r", "")


def uri(url: str) -> str:
    """An absolute URL as a URI: letters outside ASCII percent-encoded (UTF-8), as the
    sitemap protocol asks; what is already encoded stays as it is."""
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~")


def warnings(config: SiteConfig) -> tuple[str, ...]:
    """What the build should tell its user about these files."""
    return () if config.base_url else (NO_BASE_URL,)


def form_origins(config: SiteConfig) -> list[str]:
    """Other hosts the forms may post to, for the Content-Security-Policy's form-action."""
    origins = []
    for action in (config.feedback_action, config.newsletter_action):
        parts = urlsplit(action)
        if parts.scheme in ("http", "https") and parts.netloc:
            origins.append(f"{parts.scheme}://{parts.netloc}")
    return sorted(set(origins))


def content_security_policy(config: SiteConfig, *, header: bool = False) -> str:
    """One policy for the page's <meta> and the server header. Only a header may carry
    frame-ancestors (browsers ignore it in <meta>)."""
    form_action = " ".join(["'self'", *form_origins(config)])
    parts = [
        "default-src 'self'",
        "img-src 'self'",
        "style-src 'self'",
        "script-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        f"form-action {form_action}",
        "base-uri 'none'",
    ]
    if header:
        parts.append("frame-ancestors 'none'")
    return "; ".join(parts)


REFERRER_POLICY = "strict-origin-when-cross-origin"
SERVER_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)


def headers_file(config: SiteConfig) -> OutputFile:
    """``_headers`` in the syntax Netlify and Cloudflare Pages read."""
    lines = [
        "/*",
        f"  Content-Security-Policy: {content_security_policy(config, header=True)}",
        f"  Referrer-Policy: {REFERRER_POLICY}",
        *(f"  {name}: {value}" for name, value in SERVER_HEADERS),
    ]
    return OutputFile(path="_headers", content=("\n".join(lines) + "\n").encode(), kind=KIND)


def robots_txt(config: SiteConfig) -> OutputFile:
    lines = ["User-agent: *", "Allow: /"]
    if config.base_url:
        lines += ["", f"Sitemap: {uri(config.base_url)}sitemap.xml"]
    return OutputFile(path="robots.txt", content=("\n".join(lines) + "\n").encode(), kind=KIND)


def _timestamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: printable(v) for k, v in attrs.items()})
    if text is not None:
        element.text = printable(text)
    return element


def feed_xml(config: SiteConfig, site: Site) -> OutputFile | None:
    """Atom with the newest stories, their full anonymised text and absolute URLs."""
    if not config.base_url:
        return None
    base = uri(config.base_url)
    ET.register_namespace("", ATOM)
    a = f"{{{ATOM}}}"
    feed = ET.Element(f"{a}feed", {"xml:lang": config.language})
    _sub(feed, f"{a}id", base)
    _sub(feed, f"{a}title", config.title)
    if config.description:
        _sub(feed, f"{a}subtitle", config.description)
    newest = site.stories[0].story.date if site.stories else dt.date(2000, 1, 1)
    _sub(feed, f"{a}updated", _timestamp(newest))
    _sub(feed, f"{a}link", rel="self", type="application/atom+xml", href=f"{base}feed.xml")
    _sub(feed, f"{a}link", rel="alternate", type="text/html", href=base)
    author = _sub(feed, f"{a}author")
    _sub(author, f"{a}name", config.title)
    for story in site.stories[:FEED_SIZE]:
        _entry(feed, config, story, base)
    ET.indent(feed)
    body = ET.tostring(feed, encoding="unicode", xml_declaration=False)
    text = '<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n"
    return OutputFile(path="feed.xml", content=text.encode("utf-8"), kind=KIND)


def _entry(feed: ET.Element, config: SiteConfig, story: RenderedStory, base: str) -> None:
    a = f"{{{ATOM}}}"
    url = base + story.path
    # xml:base lets feed readers resolve the story's own relative links and images.
    entry = _sub(feed, f"{a}entry", **{"xml:base": url})
    _sub(entry, f"{a}id", url)
    _sub(entry, f"{a}title", story.story.title)
    _sub(entry, f"{a}link", rel="alternate", type="text/html", href=url)
    _sub(entry, f"{a}published", _timestamp(story.story.date))
    _sub(entry, f"{a}updated", _timestamp(story.story.date))
    for tag in story.story.tags:
        _sub(entry, f"{a}category", term=tag)
    if story.story.summary:
        _sub(entry, f"{a}summary", story.story.summary)
    _sub(entry, f"{a}content", _feed_html(config, story), type="html")


def _feed_html(config: SiteConfig, story: RenderedStory) -> str:
    parts = []
    if story.story.content_warning:
        warning = escape(story.story.content_warning)
        parts.append(f"<p><strong>Content warning:</strong> {warning}</p>")
    parts.append(story.markup.html)
    if story.story.needs_notice:
        parts.append(f"<p><em>{escape(config.notice)}</em></p>")
    return "\n".join(parts)


def sitemap_xml(
    config: SiteConfig, pages: Iterable[tuple[str, dt.date | None]]
) -> OutputFile | None:
    """Every listed page (path inside the output, last change) as an absolute URL."""
    if not config.base_url:
        return None
    base = uri(config.base_url)
    ET.register_namespace("", SITEMAP)
    s = f"{{{SITEMAP}}}"
    urlset = ET.Element(f"{s}urlset")
    for path, changed in pages:
        url = _sub(urlset, f"{s}url")
        _sub(url, f"{s}loc", base + path.removesuffix("index.html"))
        if changed is not None:
            _sub(url, f"{s}lastmod", changed.isoformat())
    ET.indent(urlset)
    text = '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(urlset, encoding="unicode")
    return OutputFile(path="sitemap.xml", content=(text + "\n").encode("utf-8"), kind=KIND)


def search_entry(story: RenderedStory, with_text: bool = True) -> Entry:
    """A published story as the search index sees it. URLs are relative to the root."""
    return Entry(
        url=story.path,
        title=printable(story.story.title),
        date=story.story.date.isoformat(),
        summary=printable(story.story.summary),
        tags=tuple(printable(tag) for tag in story.story.tags),
        text=printable(story.markup.text) if with_text else "",
    )


def search_weights(story: RenderedStory) -> bytes:
    """What the search index keeps of one story's words (a build's cache keeps it)."""
    return hashed_weights(search_entry(story))


def search_index(
    site: Site, before: Callable[[tuple[bytes, ...]], Before | None] | None = None
) -> tuple[SearchIndex, IndexState]:
    """The search index (search.py) of the stories' published text, and what the next
    build needs to make its own from it (``before``: see search.index_with_state)."""
    stories = site.stories
    weights = [s.weights for s in stories]
    entries = [search_entry(s, w is None) for s, w in zip(stories, weights, strict=True)]
    return index_with_state(entries, weights, before)


def search_files(index: SearchIndex) -> list[OutputFile]:
    return [OutputFile(path=path, content=content, kind=KIND) for path, content in index.files]


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
