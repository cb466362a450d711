"""Undo the encodings that can hide a name from a plain text search: HTML character
references (``&#74;ane``, ``J&aacute;ne``) and URL percent-encoding (``Jane%20Doe``).

``decode`` returns the readable text and, for each of its characters, where that
character came from in the original, so a span found in the readable text can be
replaced in the original.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

_ENCODED_RE = re.compile(
    r"&(?:\#[0-9]{1,7}|\#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?|(?:%[0-9A-Fa-f]{2})+"
)


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
    if token.startswith("&"):
        decoded = html.unescape(token)
        return token if decoded == token else decoded
    raw = unquote_to_bytes(token)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def decode(text: str) -> Decoded | None:
    """The readable form of ``text``, or None when it has nothing encoded."""
    if "&" not in text and "%" not in text:
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
