"""Apply replacements to one piece of text: spans found by the detectors, then the
rules that make the result read well (capital at a sentence start, possessives)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from storysite.slugs import slugify

#: Characters that may open a sentence before its first word: quotes, brackets, emphasis.
_OPENERS = " \t*_\"'“‘([>#"
_BLOCK_PREFIX_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)]|#{1,6}|>)?[\s*_\"'“‘(\[]*$")
#: The start of a footnote's text: ``[^1]: ``.
_FOOTNOTE_PREFIX_RE = re.compile(r"^[ ]{0,3}\[\^[^\]\n]+\]:[\s*_\"'“‘(\[]*$")


class Span(NamedTuple):
    """A stretch of text to replace and what replaces it. (A named tuple, immutable
    like a frozen dataclass and four times faster to make: one per replacement.)"""

    start: int
    end: int
    shown_as: str
    kind: str
    suffix: str = ""  # kept after the replacement, e.g. a possessive 's
    prefix: str = ""  # kept before it: emphasis that opened inside the name


def apply_spans(
    text: str,
    spans: Iterable[Span],
    in_url: Iterable[tuple[int, int]] = (),
    opens_sentence: bool = True,
    markdown: bool = False,
) -> tuple[str, list[Span]]:
    """Replace non-overlapping spans, earliest first; return the text and the spans used.
    With ``markdown`` the text is Markdown, and each replacement is escaped so that it
    reads as the words it is, never as a link, an image or a tag."""
    url_ranges = list(in_url)
    chosen: list[Span] = []
    last_end = 0
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if span.start >= last_end:
            chosen.append(span)
            last_end = span.end
    pieces: list[str] = []
    cursor = 0
    for span in chosen:
        pieces.append(text[cursor : span.start])
        pieces.append(replacement_for(text, span, url_ranges, opens_sentence, markdown))
        cursor = span.end
    pieces.append(text[cursor:])
    return "".join(pieces), chosen


def replacement_for(
    text: str,
    span: Span,
    url_ranges: Iterable[tuple[int, int]] = (),
    opens_sentence: bool = True,
    markdown: bool = False,
) -> str:
    """What replaces ``span`` in ``text``: a slug inside a web address, else the words,
    with a capital at a sentence start and the kept suffix (possessive, emphasis)."""
    if any(start <= span.start < end for start, end in url_ranges):
        return slugify(span.shown_as) or "removed"
    shown = span.shown_as
    if starts_sentence(text, span.start, opens_sentence):
        shown = capitalise(shown)
    if markdown:
        shown = markdown_text(shown, span.suffix + text[span.end : span.end + 1])
    return span.prefix + shown + span.suffix


#: What Markdown or HTML would read as markup, whatever follows: escaped always.
_MARKDOWN_SPECIAL = {
    "\\": "\\\\", "`": "\\`", "*": "\\*", "_": "\\_", "!": "\\!", "#": "\\#",
    "{": "\\{", "}": "\\}", "<": "&lt;", ">": "&gt;", "&": "&amp;",
}  # fmt: skip
#: Brackets that are only words: balanced pairs, none opening a link ``](``, a
#: reference ``][`` or a definition ``]:``.
_PLAIN_BRACKETS_RE = re.compile(r"[^\[\]]*(?:\[[^\[\]]*\](?![(\[:])[^\[\]]*)*")


def markdown_text(shown: str, after: str = "") -> str:
    """``shown`` escaped so that Markdown shows it as written: ``[click](x)`` stays
    text, ``<img>`` stays text. A lone bracketed phrase ("[name removed]") is not a
    link in Markdown, so it is left as it is and reads the same in a code span."""
    return _markdown_text(shown, after[:1])


@lru_cache(maxsize=4096)
def _markdown_text(shown: str, after: str) -> str:
    """``markdown_text`` of a replacement and the one character after it: a build
    writes the same few replacements thousands of times."""
    escaped = "".join(_MARKDOWN_SPECIAL.get(char, char) for char in shown)
    if ("[" in shown or "]" in shown) and not _plain_brackets(shown, after[:1]):
        escaped = escaped.replace("[", "\\[").replace("]", "\\]")
    return escaped


def _plain_brackets(shown: str, following: str) -> bool:
    if not _PLAIN_BRACKETS_RE.fullmatch(shown):
        return False
    return not (shown.endswith("]") and following != "" and following in "([:")


def capitalise(text: str) -> str:
    """Upper-case the first letter, wherever it is: "[name removed]" -> "[Name removed]"."""
    for index, char in enumerate(text):
        if char.isalpha():
            return text[:index] + char.upper() + text[index + 1 :]
    return text


def starts_sentence(text: str, index: int, opens_sentence: bool = True) -> bool:
    """Whether a word at ``index`` begins a sentence, a heading, a list item or the text."""
    cursor = index
    while cursor > 0 and text[cursor - 1] in _OPENERS:
        cursor -= 1
    if cursor == 0:
        return opens_sentence
    before = text[cursor - 1]
    if before in ".!?…":
        return True
    if before == ":":
        line_start = text.rfind("\n", 0, index) + 1
        return bool(_FOOTNOTE_PREFIX_RE.match(text[line_start:index]))
    if before != "\n":
        return False
    line_start = text.rfind("\n", 0, index) + 1
    prefix = text[line_start:index]
    if not _BLOCK_PREFIX_RE.match(prefix):
        return False
    has_marker = bool(prefix.strip(" \t*_\"'“‘(["))
    previous_line_end = line_start - 1
    previous_line_start = text.rfind("\n", 0, previous_line_end) + 1
    previous_line = text[previous_line_start:previous_line_end].strip()
    return has_marker or not previous_line or previous_line.endswith((".", "!", "?"))
