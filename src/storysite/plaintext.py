"""A story's finished HTML as plain text, block by block, for the review pack.

The pack must show the words exactly as the page shows them (curly quotes, dashes,
the anonymiser's second pass over the parsed text), and read well on paper: so it is
made from the same HTML the build writes, one paragraph, heading or list item a line,
with no Markdown marks. Link targets and picture descriptions are not part of the
text a reader sees; they are collected so the pack can list them after the story.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

#: Tags that end one block of text and start another.
BLOCKS = frozenset(
    {
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "tr",
        "dt", "dd", "figcaption", "caption", "hr", "div", "table", "ul", "ol",
        "details", "summary", "figure", "dl",
    }
)  # fmt: skip
_SPACE_RE = re.compile(r"[ \t\r\n]+")


@dataclass(frozen=True)
class PlainStory:
    text: str
    links: tuple[tuple[str, str], ...]
    pictures: tuple[str, ...]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.pictures: list[str] = []
        self._link: tuple[str, int] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in BLOCKS:
            self.end_block()
        elif tag == "br":
            self.current.append("\n")
        elif tag == "img" and values.get("alt"):
            self.pictures.append(values["alt"] or "")
        elif tag == "a" and values.get("href"):
            self._link = (values["href"] or "", len("".join(self.current)))
        if tag in ("td", "th") and "".join(self.current).strip():
            self.current.append("  ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._link is not None:
            href, start = self._link
            words = _flatten("".join(self.current)[start:])
            self.links.append((words, href))
            self._link = None
        if tag in BLOCKS:
            self.end_block()

    def handle_data(self, data: str) -> None:
        self.current.append(data)

    def end_block(self) -> None:
        lines = (_flatten(line) for line in "".join(self.current).split("\n"))
        text = "\n".join(line for line in lines if line)
        if text:
            self.blocks.append(text)
        self.current = []


def _flatten(text: str) -> str:
    return _SPACE_RE.sub(" ", text).strip()


def plain_story(html: str) -> PlainStory:
    """``html`` as plain text: blocks separated by a blank line, spaces tidied."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    collector.end_block()
    return PlainStory(
        "\n\n".join(collector.blocks), tuple(collector.links), tuple(collector.pictures)
    )
