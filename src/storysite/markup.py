"""Markdown -> sanitised HTML and plain text.

Story text is only ever Markdown: it is never evaluated as a template, and the HTML
it becomes is cleaned by nh3 (no script, style, iframe, event handlers or
``javascript:`` links), so a story cannot run code in a reader's browser.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import markdown
import nh3

EXTENSIONS = ["extra", "smarty", "sane_lists"]

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details",
    "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
    "*": {"id"},
}
URL_SCHEMES = {"http", "https", "mailto"}
_TAG_RE = re.compile(r"<[^>]*>")
_SPACE_RE = re.compile(r"\s+")


@dataclass(frozen=True)
class Markup:
    html: str
    text: str


class MarkdownRenderer:
    """One Markdown instance, reset between stories: cheaper than one per story."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(extensions=EXTENSIONS, output_format="html")

    def render(self, source: str) -> Markup:
        self._md.reset()
        raw = self._md.convert(source)
        clean = sanitise(_demote_h1(raw))
        return Markup(html=clean, text=plain_text(clean))


def _demote_h1(raw: str) -> str:
    """A story page has one h1, its title: headings in the text start at h2."""
    return re.sub(r"<(/?)h1(\s|>)", r"<\1h2\2", raw)


def sanitise(raw: str) -> str:
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def plain_text(fragment: str) -> str:
    """Readable text of an HTML fragment: tags removed, entities decoded, spaces folded."""
    return _SPACE_RE.sub(" ", html.unescape(_TAG_RE.sub(" ", fragment))).strip()
