"""Text that hides letters: invisible characters, and words that mix alphabets.

Both can make a name look different to a program than to a reader ("Ja\u200bne",
or "Ѕarah" with a Cyrillic Ѕ), so each is a finding that holds the story.

Ordinary text is not held: direction marks beside right-to-left words (bilingual text
needs them), an apostrophe that Unicode counts as a letter (Oʼ with U+02BC), and the
micro sign before a unit (50µg, 5 μl).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from storysite.anonymise.folding import APOSTROPHES, HIDDEN_CHARACTERS

#: A word with whatever hidden characters sit inside or next to it.
_WORD_AROUND_RE = re.compile(r"[^\s]*")
_LETTERS_RE = re.compile(r"[^\W\d_]+")
_LETTER_RE = re.compile(r"[^\W\d_]")
#: A letter outside ASCII. A word of ASCII letters is all in one alphabet (Latin).
_NON_ASCII_LETTER_RE = re.compile(r"[^\W\d_\x00-\x7f]")
_PUNCTUATION = ".,;:!?\"'()[]{}*_“”‘’"


@dataclass(frozen=True)
class HiddenText:
    start: int
    word: str
    why: str
    fix: str


def find_hidden(text: str) -> Iterator[HiddenText]:
    """Hidden characters, then words that mix scripts, in ``text``."""
    if text.isascii():
        return
    yield from _hidden_characters(text)
    yield from _mixed_scripts(text)


def hiding_characters(text: str) -> set[str]:
    """The characters of ``text`` that show nothing: format characters (zero-width, bidi,
    soft hyphen, tags…) and blank fillers. Checked once per distinct character."""
    found = set()
    for char in set(text):
        if char in HIDDEN_CHARACTERS or (not char.isascii() and unicodedata.category(char) == "Cf"):
            found.add(char)
    return found


def _hidden_characters(text: str) -> Iterator[HiddenText]:
    hiding = hiding_characters(text)
    if not hiding:
        return
    pattern = re.compile("[" + "".join(re.escape(c) for c in sorted(hiding)) + "]")
    for match in pattern.finditer(text):
        char = match.group()
        if char in _EMOJI_JOINERS and _between_symbols(text, match.start()):
            continue  # 👩‍🌾: a joiner inside an emoji hides no letter
        if char in _BIDI and _harmless_bidi(text, match.start()):
            continue  # a direction mark beside a right-to-left word, or between words
        start = text.rfind(" ", 0, match.start()) + 1
        around = _WORD_AROUND_RE.match(text, start)
        word = pattern.sub("", around.group() if around else "").strip(_PUNCTUATION)
        word = word or "(blank)"
        name = unicodedata.name(char, "FORMAT CHARACTER")
        yield HiddenText(
            match.start(),
            word,
            f"has a hidden character (U+{ord(char):04X} {name}) that can hide a name from checks",
            "delete and retype the word, so it holds only visible letters",
        )


_EMOJI_JOINERS = frozenset("\u200d\ufe0f")
#: Marks that set the direction of the text around them, but never reorder letters
#: of a left-to-right word (LRM, RLM, ALM)…
_DIRECTION_MARKS = frozenset("\u200e\u200f\u061c")
#: …those that close an embedding or isolate (PDF, PDI)…
_CLOSERS = frozenset("\u202c\u2069")
#: …and those that open one (LRE, RLE, LRI, RLI, FSI). The overrides (LRO, RLO), which
#: reverse Latin letters ("\u202eeoD" shows "Doe"), are always held.
_OPENERS = frozenset("\u202a\u202b\u2066\u2067\u2068")
_BIDI = _DIRECTION_MARKS | _CLOSERS | _OPENERS
_RIGHT_TO_LEFT = frozenset({"R", "AL", "AN"})


def _harmless_bidi(text: str, index: int) -> bool:
    """Whether the direction control at ``index`` hides nothing: a mark or a closer that
    does not stand inside a left-to-right word, or an opener whose run (to its closer,
    or the end of its line) holds no Latin letter."""
    char = text[index]
    if char in _OPENERS:
        line_end = text.find("\n", index)
        line_end = len(text) if line_end == -1 else line_end
        closer = text.find("\u2069" if char >= "\u2066" else "\u202c", index, line_end)
        run = text[index + 1 : line_end if closer == -1 else closer]
        return not any(c.isascii() and c.isalpha() for c in run)
    before = text[index - 1 : index]
    after = text[index + 1 : index + 2]
    inside_word = before.isalnum() and after.isalnum()
    if not inside_word:
        return True
    return unicodedata.bidirectional(before) in _RIGHT_TO_LEFT and (
        unicodedata.bidirectional(after) in _RIGHT_TO_LEFT
    )


def _between_symbols(text: str, index: int) -> bool:
    before = text[index - 1 : index]
    after = text[index + 1 : index + 2]
    return not before.isalnum() and not after.isalnum() and bool(before) and bool(after)


def _words_with_non_ascii_letters(text: str) -> Iterator[tuple[str, int]]:
    """The words (runs of letters, as ``_LETTERS_RE`` reads them) that hold a letter
    outside ASCII, with where each starts: the only words that can mix alphabets (a
    word of ASCII letters is all Latin). Found from their non-ASCII letters, so a
    story's thousands of plain words are never looked at one by one."""
    position = 0
    while (found := _NON_ASCII_LETTER_RE.search(text, position)) is not None:
        start = found.start()
        while start and _LETTER_RE.match(text, start - 1):
            start -= 1
        word = _LETTERS_RE.match(text, start)
        assert word is not None  # text[start] is a letter
        yield word.group(), start
        position = word.end()


def script_of(char: str) -> str:
    """The alphabet a letter belongs to: LATIN, CYRILLIC, GREEK…"""
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else "UNKNOWN"


#: Alphabets whose letters look alike. A word mixing one of them with any other
#: alphabet can hide a name; mixes of other scripts (Japanese kanji with kana) are normal.
LOOK_ALIKE_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK"})


#: The micro sign, or a Greek mu, before a unit: 50µg, 5 μl, 2μm, 10 µmol.
_MICRO_UNIT_RE = re.compile(r"[\u00b5\u03bc](?:g|l|L|m|s|A|V|W|F|Hz|mol|Gy|Sv|in)")


def _mixed_scripts(text: str) -> Iterator[HiddenText]:
    for word, start in _words_with_non_ascii_letters(text):
        if _MICRO_UNIT_RE.fullmatch(word):
            continue
        scripts = {
            script_of(c)
            for c in word
            if unicodedata.category(c).startswith("L") and c not in APOSTROPHES
        }
        if len(scripts) > 1 and scripts & LOOK_ALIKE_SCRIPTS:
            listed = " and ".join(sorted(s.title() for s in scripts))
            yield HiddenText(
                start,
                word,
                f"mixes letters of different alphabets ({listed}), which can hide a name",
                "retype the word in one alphabet",
            )
