"""The second pass: names and identifiers in the parsed document.

The source pass (``Anonymiser.story``) works on Markdown text. This pass runs on
Python-Markdown's element tree after every inline pattern has been applied, so it
sees the document as it will be shown: a name split by emphasis (``**Ja**ne``),
written with a character reference (``&#74;ane``, kept by Markdown in its HTML
stash), or in a link target, image source, alt or title attribute.

Text is read across element boundaries: the text and tails of one block are joined
into one view (inline boundaries are invisible joiners, block boundaries are line
breaks), matched once, and each match is cut out of every piece of text it covers.

Raw HTML blocks (``<div>Ja<img alt="">ne</div>``) are kept by Markdown as strings in
its stash, outside the tree: each is read the same way, its tags as the boundaries,
and its attribute values like the tree's.
"""

from __future__ import annotations

import bisect
import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any, NamedTuple

from storysite.anonymise.folding import JOINER
from storysite.anonymise.replace import Span, apply_spans, replacement_for

SpanFinder = Callable[[str], list[Span]]

_PLACEHOLDER_RE = re.compile("\x02wzxhzdk:(\\d+)\x03")
BLOCK_TAGS = frozenset(
    {"div", "p", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "table", "thead",
     "tbody", "tfoot", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "br",
     "figure", "figcaption", "details", "summary", "caption", "section", "article"}
)  # fmt: skip
_URL_ATTRIBUTES = frozenset({"href", "src", "cite", "srcset", "poster", "action"})


class _Piece(NamedTuple):
    """A stretch of the view and the stretch of one element's text it came from.
    (A named tuple: a view has hundreds of pieces, and tuples are cheap to make.)"""

    view_start: int
    view_end: int
    segment: int  # index into the segment list
    start: int
    end: int
    literal: bool  # one view character per original character


class _View:
    def __init__(self, stash: list[Any]) -> None:
        self.stash = stash
        self.parts: list[str] = []
        self.pieces: list[_Piece] = []
        self.segments: list[tuple[ET.Element, str]] = []
        self.length = 0

    def separator(self, text: str) -> None:
        """Text of the view that belongs to no element (a joiner or a line break): it
        is never cut, so it needs no piece."""
        self.parts.append(text)
        self.length += len(text)

    def segment(self, element: ET.Element, attribute: str) -> None:
        text = getattr(element, attribute)
        if not text:
            return
        index = len(self.segments)
        self.segments.append((element, attribute))
        if "\x02" not in text:  # no stashed HTML: the text is shown as it is
            self._push(text, index, 0, len(text), True)
            return
        cursor = 0
        for match in _PLACEHOLDER_RE.finditer(text):
            if match.start() > cursor:
                self._push(text[cursor : match.start()], index, cursor, match.start(), True)
            shown = self._stashed(int(match.group(1)))
            self._push(shown, index, match.start(), match.end(), literal=False)
            cursor = match.end()
        if cursor < len(text):
            self._push(text[cursor:], index, cursor, len(text), True)

    def _stashed(self, number: int) -> str:
        item = self.stash[number] if number < len(self.stash) else ""
        if not isinstance(item, str) or "<" in item:
            return ""  # a tag: it joins the letters on each side, like emphasis does
        return html.unescape(item)

    def _push(self, text: str, segment: int, start: int, end: int, literal: bool) -> None:
        end_in_view = self.length + len(text)
        self.pieces.append(_Piece(self.length, end_in_view, segment, start, end, literal))
        self.parts.append(text)
        self.length = end_in_view

    def text(self) -> str:
        return "".join(self.parts)

    def cuts(self, start: int, end: int) -> list[tuple[int, int, int]]:
        """(segment, start, end) of the original text covered by the view's start:end."""
        starts = [p.view_start for p in self.pieces]
        first = max(0, bisect.bisect_right(starts, start) - 1)
        by_segment: dict[int, tuple[int, int]] = {}
        for piece in self.pieces[first:]:
            if piece.view_start >= end:
                break
            if piece.view_end <= start:
                continue
            low = max(start, piece.view_start)
            high = min(end, piece.view_end)
            if piece.literal:
                cut = (piece.start + low - piece.view_start, piece.start + high - piece.view_start)
            else:
                cut = (piece.start, piece.end)
            old = by_segment.get(piece.segment)
            by_segment[piece.segment] = cut if old is None else (old[0], cut[1])
        return [(segment, a, b) for segment, (a, b) in sorted(by_segment.items())]


class TreeAnonymiser:
    """Replaces what the source pass could not see. Counts what it replaced."""

    def __init__(self, find: SpanFinder, notice: str | None = None) -> None:
        self.find = find
        self.notice = notice  # added to the document when this pass replaced anything
        self.replaced = 0

    def __call__(self, root: ET.Element, stash: list[Any]) -> None:
        self._text(root, stash)
        for element in root.iter():
            if element.attrib:
                self._attributes(element)
        for number, item in enumerate(stash):
            if isinstance(item, str) and "<" in item:
                stash[number] = self.raw_html(item)
        if self.replaced and self.notice:
            note = ET.SubElement(root, "p", {"class": "anonymisation-notice"})
            note.text = self.notice

    def _text(self, root: ET.Element, stash: list[Any]) -> None:
        # Most documents hold nothing this pass replaces: their text is read first
        # without the pieces that map it back to the elements, which are made (by a
        # walk that reads the same text) only when something is found.
        text = document_text(root, stash)
        spans = self.find(text)
        if not spans:
            return
        view = _View(stash)
        _walk(root, view)
        readable = text.replace(JOINER, " ")
        edits: dict[int, list[tuple[int, int, str]]] = {}
        _, used = apply_spans(text, spans)
        for span in used:
            shown = replacement_for(readable, span)
            for order, (segment, start, end) in enumerate(view.cuts(span.start, span.end)):
                edits.setdefault(segment, []).append((start, end, shown if order == 0 else ""))
            self.replaced += 1
        for segment, changes in edits.items():
            element, attribute = view.segments[segment]
            value = getattr(element, attribute)
            for start, end, shown in sorted(changes, reverse=True):
                value = value[:start] + shown + value[end:]
            setattr(element, attribute, value)

    def raw_html(self, markup: str) -> str:
        """A raw HTML block with its text and attribute values anonymised."""
        view = _RawView(markup)
        text = view.text()
        spans = self.find(text) if text.strip() else []
        if spans:
            readable = text.replace(JOINER, " ")
            _, used = apply_spans(text, spans)
            edits: list[tuple[int, int, str]] = []
            for span in used:
                # Written into HTML as text: "<" or "&" in a shown_as must stay text.
                shown = html.escape(replacement_for(readable, span), quote=False)
                for order, (start, end) in enumerate(view.cuts(span.start, span.end)):
                    edits.append((start, end, shown if order == 0 else ""))
                self.replaced += 1
            for start, end, shown in sorted(edits, reverse=True):
                markup = markup[:start] + shown + markup[end:]
        return _TAG_RE.sub(self._tag_attributes, markup)

    def _tag_attributes(self, tag: re.Match[str]) -> str:
        return _ATTRIBUTE_RE.sub(self._attribute, tag.group())

    def _attribute(self, attribute: re.Match[str]) -> str:
        name = attribute.group(1)
        quote = attribute.group(2) or '"'
        value = attribute.group(3) if attribute.group(2) else attribute.group(5)
        spans = self.find(value)
        if not spans:
            return attribute.group()
        in_url = [(0, len(value))] if name.lower() in _URL_ATTRIBUTES else []
        new_value, used = apply_spans(value, spans, in_url, opens_sentence=name != "title")
        self.replaced += len(used)
        new_value = new_value.replace(quote, html.escape(quote))
        return f"{name}={quote}{new_value}{quote}"

    def _attributes(self, element: ET.Element) -> None:
        for name, value in list(element.attrib.items()):
            if not isinstance(value, str):
                # attr_list gives a bare word (`{: foo }`) the value None: there is
                # nothing to read, and the sanitiser drops the attribute.
                continue
            spans = self.find(value)
            if not spans:
                continue
            in_url = [(0, len(value))] if name in _URL_ATTRIBUTES else []
            new_value, used = apply_spans(value, spans, in_url, opens_sentence=name != "title")
            element.set(name, new_value)
            self.replaced += len(used)


_TAG_RE = re.compile(r"<!--.*?-->|<[^<>]*>", re.DOTALL)
_TAG_NAME_RE = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)")
_ATTRIBUTE_RE = re.compile(r"""([^\s"'<>/=]+)\s*=\s*(?:(["'])(.*?)\2|()([^\s"'>]+))""", re.DOTALL)


class _RawView:
    """The text of a raw HTML block as a browser joins it: an inline tag or a comment
    joins the letters on each side (JOINER), a block tag is a line break."""

    def __init__(self, markup: str) -> None:
        self.parts: list[str] = []
        self.pieces: list[tuple[int, int, int]] = []  # view start, view end, markup start
        length = 0
        cursor = 0
        for tag in _TAG_RE.finditer(markup):
            length = self._piece(markup, cursor, tag.start(), length)
            name = _TAG_NAME_RE.match(tag.group())
            mark = "\n" if name and name.group(1).lower() in BLOCK_TAGS else JOINER
            self.parts.append(mark)
            length += 1
            cursor = tag.end()
        self._piece(markup, cursor, len(markup), length)

    def _piece(self, markup: str, start: int, end: int, length: int) -> int:
        if end > start:
            self.parts.append(markup[start:end])
            self.pieces.append((length, length + end - start, start))
            length += end - start
        return length

    def text(self) -> str:
        return "".join(self.parts)

    def cuts(self, start: int, end: int) -> list[tuple[int, int]]:
        """(start, end) in the markup of the text the view's start:end covers."""
        found = []
        for view_start, view_end, markup_start in self.pieces:
            low, high = max(start, view_start), min(end, view_end)
            if low < high:
                found.append((markup_start + low - view_start, markup_start + high - view_start))
        return found


def document_text(root: ET.Element, stash: list[Any]) -> str:
    """``_View.text()`` of the document after ``_walk``, read without making pieces."""
    parts: list[str] = []
    _text_walk(root, _View(stash), parts)
    return "".join(parts)


def _text_walk(element: ET.Element, view: _View, parts: list[str]) -> None:
    mark = "\n" if element.tag in BLOCK_TAGS else JOINER
    parts.append(mark)
    _shown(element.text, view, parts)
    for child in element:
        _text_walk(child, view, parts)
        _shown(child.tail, view, parts)
    parts.append(mark)


def _shown(text: str | None, view: _View, parts: list[str]) -> None:
    """What ``_View.segment`` adds to the view for ``text``."""
    if not text:
        return
    if "\x02" not in text:
        parts.append(text)
        return
    cursor = 0
    for match in _PLACEHOLDER_RE.finditer(text):
        parts.append(text[cursor : match.start()])
        parts.append(view._stashed(int(match.group(1))))
        cursor = match.end()
    parts.append(text[cursor:])


def _walk(element: ET.Element, view: _View) -> None:
    mark = "\n" if element.tag in BLOCK_TAGS else JOINER
    view.separator(mark)
    view.segment(element, "text")
    for child in element:
        _walk(child, view)
        view.segment(child, "tail")
    view.separator(mark)
