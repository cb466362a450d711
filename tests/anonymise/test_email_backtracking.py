"""The disguised e-mail patterns read each run of spaces one way only. Written with
"\\s*[(]?\\s*" (two runs of spaces around an optional bracket), a story holding "at"
and a name spelt out with spaced dots ("R . u . k . h . s . a . n . a") took the
search exponential time: 0.7 s for 8 letters, 200 s for 12, a build that never ended
for a longer name. The patterns as they were are kept here, and the new ones must
find exactly what they found."""

from __future__ import annotations

import re
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from storysite.anonymise import identifiers

OLD_AT = r"(?:[*_~]*\s*[\[({]?\s*(?:[@＠﹫ⓐ]|\bat\b)\s*[\])}]?\s*[*_~]*)"
OLD_DOT = r"(?:[*_~]*\s*[\[({]?\s*(?:[.。．｡]|\bdot\b)\s*[\])}]?\s*[*_~]*)"
TLD = identifiers._TLD
OLD_PLAIN = re.compile(
    rf"(?<![\w.+%-])[\w.+%-]+[*_~]*\s*[@＠﹫ⓐ]\s*[*_~]*[\w-]+(?:{OLD_DOT}[\w-]+)+", re.IGNORECASE
)
OLD_SPELT = re.compile(
    rf"(?<![\w.+%-])[\w.+%-]+{OLD_AT}[\w-]+(?:{OLD_DOT}[\w-]+)*{OLD_DOT}{TLD}\b", re.IGNORECASE
)
OLD_TAIL = rf"\s*[\])}}]?\s*[*_~]*[\w-]+(?:{OLD_DOT}[\w-]+)*{OLD_DOT}{TLD}\b"
OLD_TAILS = (
    re.compile(rf"a(?<!\wa)t\b{OLD_TAIL}", re.IGNORECASE),
    re.compile(rf"[@＠﹫ⓐ]{OLD_TAIL}", re.IGNORECASE),
)

#: Pieces of disguised addresses, and of the text around them. Few at a time: the old
#: patterns take exponential time on long runs of spaced dots.
PIECES = [
    "jane", "q", "R", "_", "-", "+", "%", "7", " ", "  ", "\t", "\n", ".", " . ", "。", "．",
    "@", "＠", "﹫", "ⓐ", "Ⓐ", " at ", "at", " dot ", "dot", "[", "]", "(", ")", "{", "}",
    "*", "~", "**", "com", "co", "uk", "nhs", "net", "example", " went",
]  # fmt: skip
texts = st.lists(st.sampled_from(PIECES), max_size=14).map("".join)


def spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [match.span() for match in pattern.finditer(text)]


@settings(max_examples=3000, deadline=None)
@given(texts)
def test_the_patterns_find_what_they_found(text: str) -> None:
    assert spans(identifiers._PLAIN_EMAIL_RE, text) == spans(OLD_PLAIN, text)
    assert spans(identifiers._SPELT_EMAIL_RE, text) == spans(OLD_SPELT, text)
    for new, old in zip(identifiers._SPELT_TAIL_RES, OLD_TAILS, strict=True):
        assert spans(new, text) == spans(old, text)


def test_a_long_name_spelt_out_with_dots_is_read_at_once() -> None:
    """In a process of its own, stopped after 60 s: the old patterns needed hours for
    the 30 letters here (each letter multiplied their time by three or four)."""
    name = " . ".join("Rukhsanahabibaoluwaseunkowalsk")
    code = (
        "from storysite.anonymise.identifiers import find_identifiers\n"
        f"print(len(find_identifiers({('9 at ' + name + ' . - . went')!r})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "0"
