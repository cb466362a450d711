"""An independent reading of output files, to test the gate against: html5lib (the
WHATWG parsing algorithm, as browsers parse) for HTML, the standard XML parser for
feeds, json for the search index. Nothing here comes from storysite."""

from __future__ import annotations

import json
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from urllib.parse import unquote_plus

import html5lib

#: Elements whose boxes are blocks in the HTML rendering rules (or are not shown).
_BLOCKS = {
    "html", "body", "head", "title", "script", "style", "p", "div", "section", "article",
    "aside", "nav", "main", "header", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "ul",
    "ol", "li", "dl", "dt", "dd", "table", "caption", "thead", "tbody", "tfoot", "tr",
    "td", "th", "blockquote", "pre", "figure", "figcaption", "hr", "form", "fieldset",
    "legend", "details", "summary", "address", "meta", "link", "noscript", "template",
}  # fmt: skip


def html_blocks(page: str) -> list[str]:
    """The text a browser lays out, one string per block (inline elements joined, a
    line break as a space), then every attribute value and comment."""
    root = html5lib.parse(page, treebuilder="etree", namespaceHTMLElements=False)
    blocks: list[str] = []
    other: list[str] = []
    line: list[str] = []

    def flush() -> None:
        if line:
            blocks.append("".join(line))
            line.clear()

    def walk(node: ET.Element) -> None:
        if not isinstance(node.tag, str):  # a comment
            other.append(node.text or "")
            return
        block = node.tag in _BLOCKS
        if block:
            flush()
        if node.tag == "br":
            line.append(" ")
        other.extend(node.attrib.values())
        line.append(node.text or "")
        for child in node:
            walk(child)
            line.append(child.tail or "")
        if block:
            flush()

    walk(root)
    flush()
    return blocks + other


def decoded(text: str) -> Iterator[str]:
    """``text``, then %-decoded (with '+' as a space) until nothing changes."""
    yield text
    for _ in range(20):
        done = unquote_plus(text)
        if done == text:
            return
        yield done
        text = done


def file_blocks(path: str, content: bytes) -> list[str]:
    """Every text a reader, browser, feed reader or search engine gets from a file."""
    found = [path]
    if path.endswith((".png", ".jpg", ".jpeg", ".gif", ".webp")):
        return [d for text in found for d in decoded(text)]
    text = content.decode("utf-8", "replace")
    if path.endswith(".html"):
        found += html_blocks(text)
    elif path.endswith(".xml"):
        for element in ET.fromstring(text).iter():
            for value in [element.text or "", *element.attrib.values()]:
                found.append(value)
                found += html_blocks(value) if "<" in value else []
    elif path.endswith(".json"):
        found += [s for s in _strings(json.loads(text))]
        found += [b for s in list(found) if "<" in s for b in html_blocks(s)]
    else:
        found.append(text)
    return [d for text in found for d in decoded(text)]


def _strings(data: object) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield key
            yield from _strings(value)
    elif isinstance(data, list):
        for item in data:
            yield from _strings(item)


def letters_only(text: str) -> str:
    """Compatibility letters, no marks, case folded, nothing but letters."""
    plain = unicodedata.normalize("NFKD", text)
    return "".join(c for c in plain if c.isalpha()).casefold()


def shows(blocks: list[str], *names: str) -> bool:
    """Whether any block, letters only, holds any of ``names`` (letters only)."""
    wanted = [letters_only(name) for name in names]
    return any(w in letters_only(block) for block in blocks for w in wanted)
