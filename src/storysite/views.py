"""What a reader, a browser, a feed reader or a search engine gets from an output file:
the texts the output gate (audit.py) reads.

- HTML: the text a browser renders, read as html.parser reads it (by one compiled
  pass for the markup the theme and Markdown write, by html.parser itself for any
  other), with inline elements joined as a browser joins them (``Ja<span>ne</span>``,
  ``Ja<img>ne``) and ``<br>`` as a space; block elements end a block. Every attribute
  value, comment and declaration is read too.
- XML (the Atom feed, the sitemap): every element's text is its own block, and text
  that holds HTML (a feed entry's escaped content) is read again as HTML.
- JSON (the search index): every string, keys too.
- Every text above, and the file's path, is read again with HTML entities and
  %-encoding undone, a few layers deep (``J&amp;#97;ne``, ``Jane%2520Doe``).

Each view is a list of blocks; no name runs from one block into the next.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from functools import lru_cache
from html.parser import HTMLParser
from itertools import groupby
from operator import itemgetter
from urllib.parse import unquote

from storysite.models import OutputFile

#: Elements a browser lays out as blocks (or does not show between words: script,
#: style, title, select). Any other element, unknown ones too, is inline.
_BLOCKS = """address article aside blockquote body caption center dd details dialog dir div
dl dt fieldset figcaption figure footer form frameset h1 h2 h3 h4 h5 h6 head header hgroup
hr html iframe legend li link main menu meta nav noscript ol optgroup option p pre script
search section select style summary table tbody td template textarea tfoot th thead title
tr ul"""
BLOCK_ELEMENTS = frozenset(_BLOCKS.split())
#: How many times entities and %-encoding are undone, at most (each layer is shorter).
DECODE_DEPTH = 16
#: How many times text holding tags is read again as HTML, at most.
HTML_DEPTH = 2


class _Reader(HTMLParser):
    """Collects the rendered text of a document as blocks, and every other text it
    holds (attribute values, comments, declarations) as blocks of their own."""

    def __init__(self, every_tag_a_block: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.every_tag_a_block = every_tag_a_block
        self.blocks: list[str] = []
        self.line: list[str] = []

    def _end_block(self) -> None:
        if self.line:
            self.blocks.append("".join(self.line))
            self.line = []

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.every_tag_a_block or tag in BLOCK_ELEMENTS:
            self._end_block()
        elif tag == "br":
            self.line.append(" ")
        self.blocks.extend(value for _, value in attrs if value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self.every_tag_a_block or tag in BLOCK_ELEMENTS:
            self._end_block()

    def handle_data(self, data: str) -> None:
        self.line.append(data)

    def handle_comment(self, data: str) -> None:
        self.blocks.append(data)

    def handle_decl(self, decl: str) -> None:
        self.blocks.append(decl)

    def handle_pi(self, data: str) -> None:
        self.blocks.append(data)

    def unknown_decl(self, data: str) -> None:
        self.line.append(data)  # <![CDATA[...]]>: "CDATA[" and its text

    def close(self) -> None:
        # A script or style never closed: html.parser (3.11) holds its text back and
        # drops it at the end, yet it is in the file for anyone to read. Read it too.
        held_back = self.rawdata if self.cdata_elem else ""
        super().close()
        self._end_block()
        if held_back:
            self.blocks.append(held_back)


#: The markup our renderer writes, cut into tokens in one compiled pass (``_scan``):
#: text, start tags whose attribute values are quoted, end tags, comments, a doctype,
#: processing instructions, and a script or a style with its text and end tag. A
#: document with anything else is read by html.parser (``_Reader``); tests/gate prove
#: that the two read the same from every document ``_scan`` reads.
_WS = "[ \t\n\r\f]"
_NAME = "[a-zA-Z][a-zA-Z0-9-]*+"
_ATTRS = rf"""(?:{_WS}++[a-zA-Z_:][-a-zA-Z0-9_:.]*+(?:{_WS}*+={_WS}*+(?:"[^"]*+"|'[^']*+'))?+)*+"""
#: A script or a style, to the first end tag html.parser looks at (_raw_end checks it).
_RAW_TAG, _RAW_END = "(?ai:script|style)", r"</\s*(?i:script|style)\s*>"
_TOKEN_RE = re.compile(
    r"[^<]+"
    rf"|(?=<[sS][cCtT])<{_RAW_TAG}{_ATTRS}{_WS}*+>.*?{_RAW_END}"
    rf"|<{_NAME}{_ATTRS}{_WS}*+/?>"
    rf"|</{_NAME}{_WS}*+>"
    r"|<!--.*?--\s*>"
    r"|<![dD][oO][cC][tT][yY][pP][eE][^>]*+>"
    r"|<\?[^>]*+>",
    re.DOTALL,
)
_RAW_RE = re.compile(rf"<({_RAW_TAG})({_ATTRS}){_WS}*+>(.*?)({_RAW_END})", re.DOTALL)
_VALUE_RE = re.compile(rf"""={_WS}*+(?:"([^"]*+)"|'([^']*+)')""")
#: How html.parser reads an end tag.
_END_TAG_RE = re.compile(r"</\s*([a-zA-Z][-.a-zA-Z0-9:_]*)\s*>")


def _scan_runs(text: str, every_tag_a_block: bool) -> list[tuple[str, ...]] | None:
    """``_scan(text)`` in runs: the blocks of each part of ``text``.

    A site's pages repeat most of their markup (the theme's header, forms, footer), so
    ``text`` is read in parts, each ending at the end tag of a block (``</p>``), and
    each part is read once per build (``_part``). A part ends a line there, and its
    tokens are the whole text's (tests/gate prove it), so the parts' blocks are the
    text's; where a part does not read to its end as it should (a ``</p>`` inside a
    comment, a script or a quoted value), the whole text is read at once instead."""
    parts = _PARTS_RE[every_tag_a_block].findall(text)
    runs: list[tuple[str, ...]] = []
    last = len(parts) - 1
    for at, part in enumerate(parts):
        read = (_part if len(part) <= _KEPT_PART else _read_part)(part, every_tag_a_block)
        if read is None or (read[1] is not None and at != last):
            whole = _scan(text, every_tag_a_block)
            return None if whole is None else [tuple(whole)]
        runs.append((*read[0], read[1]) if read[1] is not None else read[0])
    return runs


def _scan(text: str, every_tag_a_block: bool) -> list[str] | None:
    """What ``_Reader`` reads from ``text``, in one compiled pass; None if ``text``
    holds markup outside the grammar above."""
    read = _read_part(text, every_tag_a_block)
    if read is None:
        return None
    return [*read[0], read[1]] if read[1] is not None else list(read[0])


def _read_part(text: str, every_tag_a_block: bool) -> tuple[tuple[str, ...], str | None] | None:
    """The blocks ``_Reader`` ends while reading ``text`` in one compiled pass, and
    the text of the line it has not ended yet (None: no line; "" is a line, as of an
    entity that decodes to nothing, and html.parser ends it as a block); None as
    ``_scan``."""
    tokens = _TOKEN_RE.findall(text)
    if sum(map(len, tokens)) != len(text):  # something between two tokens is not one
        return None
    blocks: list[str] = []
    line: list[str] = []
    for token in tokens:
        if token[0] != "<":
            line.append(html.unescape(token) if "&" in token else token)
            continue
        tag = (_tag if len(token) <= _KEPT_LENGTH else _read_tag)(token, every_tag_a_block)
        if tag is None:
            return None
        ends_block, inline, own = tag
        if ends_block and line:
            blocks.append("".join(line))
            line = []
        if inline:
            line.append(inline)
        blocks.extend(own)
    return tuple(blocks), "".join(line) if line else None


def _read_tag(token: str, every_tag_a_block: bool) -> tuple[bool, str, tuple[str, ...]] | None:
    """What ``_Reader`` does with a token that is not text: whether it ends the block,
    what it adds to the line (a line break: a space), and the blocks of its own it
    adds (attribute values, a comment, a script's text). None where html.parser would
    read on past it (a script or a style that is never closed)."""
    if token[1] in "!?":  # a comment, a doctype or a processing instruction
        return False, "", (token[4 : token.rindex("--")] if token[2] == "-" else token[2:-1],)
    end = token[1] == "/"
    name = token[2:-1] if end else token[1:-1].split(None, 1)[0]
    tag = name.rstrip(" \t\n\r\f/").lower()  # "</p >", "<br/>"
    raw = _RAW_RE.fullmatch(token) if tag.startswith(("script", "style")) else None
    if raw is not None:
        tag = raw.group(1).lower()
        closed = _END_TAG_RE.fullmatch(raw.group(4))
        if closed is None or closed.group(1).lower() != tag:
            return None
    elif tag in ("script", "style") and not end and not token.endswith("/>"):
        return None  # its text runs to the end, where html.parser does not read it
    ends_block = every_tag_a_block or tag in BLOCK_ELEMENTS
    inline = " " if tag == "br" and not end and not ends_block else ""
    opening = raw.group(2) if raw is not None else "" if end else token
    values = [html.unescape(a or b) for a, b in _VALUE_RE.findall(opening)]
    text = [raw.group(3)] if raw is not None and raw.group(3) else []  # a block: one alone
    return ends_block, inline, (*filter(None, values), *text)


#: A site's pages repeat their tags: each short one is read once (at most ~4 MB kept).
_KEPT_LENGTH = 256
_tag = lru_cache(maxsize=8192)(_read_tag)


def _by_first_letter(names: list[str]) -> str:
    """A regular expression for any of ``names`` (``p|pre`` as ``p(?:re|)``)."""
    branches = []
    for first, group in groupby(sorted(names), key=itemgetter(0)):
        rests = sorted((name[1:] for name in group), key=len, reverse=True)
        branches.append(f"{first}(?:{'|'.join(rests)})" if any(rests) else first)
    return f"(?:{'|'.join(branches)})"


#: The parts of a document ``_scan_runs`` reads alone: up to and including the end
#: tag of a block element (any element's, where every tag is a block), or the rest.
#: (The block elements' names as a tree by first letter: the search is faster.)
_HTML_END = _by_first_letter(sorted(BLOCK_ELEMENTS))
_PARTS_RE = {
    every: re.compile(rf"[^<]*+(?:<(?!/{end}>)[^<]*+)*+</{end}>|.+", re.DOTALL)
    for every, end in ((False, _HTML_END), (True, _NAME))
}
#: Each part up to this long is read once (the theme's repeat; a story's rarely do):
#: at most ~8 MB kept.
_KEPT_PART = 2048
_part = lru_cache(maxsize=4096)(_read_part)


def _read(text: str, every_tag_a_block: bool) -> list[str]:
    """The blocks of one document: by the compiled pass, or by html.parser."""
    scanned = _scan(text, every_tag_a_block)
    return scanned if scanned is not None else _parsed(text, every_tag_a_block)


def _parsed(text: str, every_tag_a_block: bool) -> list[str]:
    """The blocks of one document, by html.parser."""
    reader = _Reader(every_tag_a_block)
    reader.feed(text)
    reader.close()
    return reader.blocks


def markup_blocks(text: str, xml: bool = False, depth: int = 0) -> list[str]:
    """The blocks of an HTML or XML document, as described above."""
    blocks = _read(text, every_tag_a_block=xml)
    if depth < HTML_DEPTH:
        inner = [block for block in blocks if "<" in block]
        blocks += [b for block in inner for b in markup_blocks(block, False, depth + 1)]
    return blocks


def markup_runs(text: str, xml: bool) -> list[tuple[str, ...]]:
    """``markup_blocks(text, xml)`` in runs (``_scan_runs``); the blocks read again
    as HTML are a run of their own, the last."""
    runs = _scan_runs(text, every_tag_a_block=xml)
    if runs is None:
        runs = [tuple(_parsed(text, every_tag_a_block=xml))]
    inner = [block for run in runs for block in run if "<" in block]
    if inner:
        runs.append(tuple(b for block in inner for b in markup_blocks(block, False, 1)))
    return runs


def layers(text: str) -> Iterator[str]:
    """``text``, then with entities and %-encoding undone, again and again."""
    yield text
    for _ in range(DECODE_DEPTH):
        if "&" not in text and "%" not in text:
            return
        decoded = html.unescape(text)
        if "%" in decoded:
            decoded = unquote(decoded)
        if decoded == text:
            return
        yield decoded
        text = decoded


def decoded_blocks(blocks: list[str]) -> list[str]:
    """Every block, and every decoded layer of it (read as HTML again when decoding
    made tags: ``&lt;b&gt;``)."""
    joined = "".join(blocks)
    if "&" not in joined and "%" not in joined:  # nothing to decode (most pages)
        return list(blocks)
    out: list[str] = []
    for block in blocks:
        out.append(block)
        if "&" in block or "%" in block:
            for layer in list(layers(block))[1:]:
                out.append(layer)
                if "<" in layer:
                    out.extend(markup_blocks(layer, False, HTML_DEPTH - 1))
    return out


def json_strings(text: str) -> list[str] | None:
    """Every string (keys too) in a JSON document; None if it is not JSON. A key made
    of digits only is left out: it holds no letter, so no name, and such keys are
    the search index's word hashes (search.py), whose ten digits would read as NHS
    numbers; a number from a story never reaches them (only its hash does)."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    found: list[str] = []
    stack = [data]
    while stack:
        item = stack.pop()
        kind = type(item)  # json.loads makes exactly these types
        if kind is str:
            found.append(item)
        elif kind is list:
            stack.extend(item)
        elif kind is dict:
            stack.extend(key for key in item if not key.isdigit())
            stack.extend(item.values())
    return found


_XML_RE = re.compile(r"\.(?:xml|atom|rss|svg)$")


def file_runs(file: OutputFile) -> list[tuple[str, ...]]:
    """Every block of text a reader can get from ``file``, its path included, in runs:
    its path's, each part of a page's (``_scan_runs``: the same parts of a site's
    pages are the same runs), or the whole of any other file's."""
    if file.kind == "image":  # a picture's bytes are not text (its metadata is gone)
        return [tuple(decoded_blocks([file.path]))]
    text = file.content.decode("utf-8", "replace")
    if file.path.endswith(".json"):
        blocks = [file.path]
        strings = json_strings(text)
        blocks += strings if strings is not None else [text]
        blocks += [b for s in blocks if "<" in s for b in markup_blocks(s)]
        return [tuple(decoded_blocks(blocks))]
    if file.path.endswith(".html") or _XML_RE.search(file.path):
        runs = [(file.path,), *markup_runs(text, xml=not file.path.endswith(".html"))]
        joined = "".join([block for run in runs for block in run])
        if "&" not in joined and "%" not in joined:  # nothing to decode (most pages)
            return runs
        return [_decoded_run(run) for run in runs]
    return [tuple(decoded_blocks([file.path, text]))]


def _decoded_run(run: tuple[str, ...]) -> tuple[str, ...]:
    """``decoded_blocks`` of a run (which reads each block alone), kept as it is when
    there is nothing to decode."""
    joined = "".join(run)
    if "&" not in joined and "%" not in joined:
        return run
    return tuple(decoded_blocks(list(run)))


def text_blocks(texts: list[str]) -> list[str]:
    """The blocks of a story's own texts (title, summary, its HTML...): each read as
    HTML, as every one of them is shown inside a page."""
    return decoded_blocks([block for text in texts for block in markup_blocks(text)])
