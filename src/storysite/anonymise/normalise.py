"""Undo the encodings that can hide a name from a plain text search: HTML character
references (``&#74;ane``, ``J&aacute;ne``), URL percent-encoding (``Jane%20Doe``), and
letters that stand for several (the ligature ``ﬃ`` for ffi, ``ß`` for ss, ``æ``).

``decode`` returns the readable text and, for each of its characters, where that
character came from in the original, so a span found in the readable text can be
replaced in the original.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from storysite.anonymise.folding import non_ascii

#: Letters written as one character that stand for several Latin letters.
EXPANDED = {
    "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ĳ": "ij", "Ĳ": "IJ",
    "ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st",
    "ǆ": "dz", "ǅ": "Dz", "Ǆ": "DZ", "ǉ": "lj", "ǈ": "Lj", "Ǉ": "LJ", "ǌ": "nj", "ǋ": "Nj",
    "Ǌ": "NJ", "ǳ": "dz", "ǲ": "Dz", "Ǳ": "DZ", "ŉ": "'n", "ꜳ": "aa", "Ꜳ": "AA",
}  # fmt: skip
_ENCODED_RE = re.compile(
    r"&(?:\#[0-9]{1,7}|\#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?|(?:%[0-9A-Fa-f]{2})+"
    "|[" + "".join(EXPANDED) + "]"
)
_EXPANDED_RE = re.compile("[" + "".join(EXPANDED) + "]")


@dataclass(frozen=True)
class Decoded:
    """Readable text, with ``origin[i]`` the index in the original of character ``i``.

    ``origin`` has one more entry than ``text``: the original's length, so that
    ``origin[end]`` is where a span ending at ``end`` ends in the original.
    """

    text: str
    origin: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the readable span ``start:end``."""
        return self.origin[start], self.origin[end] if end > start else self.origin[start]


def _decode_match(token: str) -> str:
    if token in EXPANDED:
        return EXPANDED[token]
    if token.startswith("&"):
        decoded = html.unescape(token)
        return token if decoded == token else _expand(decoded)
    raw = unquote_to_bytes(token)
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        decoded = raw.decode("latin-1")
    return _expand(decoded)


def _expand(text: str) -> str:
    return text if text.isascii() else _EXPANDED_RE.sub(lambda m: EXPANDED[m.group()], text)


def _nothing_encoded(text: str) -> bool:
    """Whether ``_ENCODED_RE`` finds nothing in ``text``: every match holds "&" or "%"
    or is a letter of EXPANDED, all outside ASCII, so the text's characters outside
    ASCII (found in C) tell."""
    return "&" not in text and "%" not in text and non_ascii(text).isdisjoint(EXPANDED)


def decode(text: str) -> Decoded | None:
    """The readable form of ``text``, or None when it has nothing encoded."""
    if _nothing_encoded(text):
        return None
    pieces: list[str] = []
    origin: list[int] = []
    cursor = 0
    changed = False
    for match in _ENCODED_RE.finditer(text):
        decoded = _decode_match(match.group())
        if decoded == match.group():
            continue
        changed = True
        pieces.append(text[cursor : match.start()])
        origin.extend(range(cursor, match.start()))
        pieces.append(decoded)
        # Every decoded character points at the start of its code; the span it closes
        # reaches the end of the code through the next character's origin.
        origin.extend([match.start()] * len(decoded))
        cursor = match.end()
    if not changed:
        return None
    pieces.append(text[cursor:])
    origin.extend(range(cursor, len(text) + 1))
    return Decoded("".join(pieces), tuple(origin))
