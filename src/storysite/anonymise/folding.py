"""Fold text for loose matching without changing its length.

Every character maps to exactly one character, so a span found in the folded text
is the same span in the original: accents are dropped (Zoë -> zoe), compatibility
forms of letters and digits read as the plain ones (full-width Ｊ -> j), letters are
lower-cased, typographic apostrophes become ', and characters that hide letters
(zero-width, bidi controls, soft hyphens, combining marks) become JOINER, which the
tokeniser treats as part of the word around it.

Letters that only look Latin read as the Latin letter they look like: Cyrillic and
Greek look-alikes ("Јое Сох" -> joe cox), Lisu capitals, dotless ı, ɑ, ø, ł. The
table is Unicode's confusables data (UTS #39), as the confusable-homoglyphs package
ships it. Blank characters that are not white space to Python (braille blank, Hangul
fillers) read as a space. Letters that stand for more than one (ﬃ, ß) are expanded
before folding, in normalise.py.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from importlib import resources

JOINER = "\x01"
HIDDEN_CHARACTERS = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e"
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
)
APOSTROPHES = frozenset("'\u2019\u2018\u02bc\u02bb`\u00b4\u2032\uff07")
#: Characters shown as a blank that Python does not count as white space.
BLANKS = frozenset("\u2800\u3164\uffa0")

#: A word: letters and digits, with hidden characters allowed anywhere inside it.
WORD_RE = re.compile(rf"(?:[^\W_]|{JOINER})+")
#: The same, for text without JOINER (nearly all): twice as fast.
PLAIN_WORD_RE = re.compile(r"[^\W_]+")


class _FoldTable(dict[int, str]):
    """A lazily filled translation table for str.translate."""

    def __missing__(self, code: int) -> str:
        folded = fold_char(chr(code))
        self[code] = folded
        return folded


def fold_char(char: str) -> str:
    category = unicodedata.category(char)
    if char in HIDDEN_CHARACTERS or category in ("Mn", "Me", "Cf"):
        return JOINER
    if char in APOSTROPHES:
        return "'"
    if char in BLANKS:
        return " "
    # Letters and digits take their compatibility form (full-width, circled, styled
    # maths letters), so a name written in them is still found; only its first
    # character is kept, so the text keeps its length (ﬁ -> f; normalise.py expands
    # such letters first where it reads a text).
    # The full-width forms of ASCII punctuation (＿ ． － ／) read as ASCII too.
    compatible = category[0] in "LN" or category == "So" or "\uff01" <= char <= "\uff5e"
    base = unicodedata.normalize("NFKD" if compatible else "NFD", char)[0]
    if category == "No" and not base.isascii():
        base = digit_named(base) or base
    if not base.isascii() and unicodedata.category(base)[0] in "LS":
        base = look_alikes().get(base) or letter_named(base) or base
    lower = base.lower()
    return lower if len(lower) == 1 else base


_DIGIT_NAMES = ("ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE")
_NAMED_DIGIT_RE = re.compile(rf"\bCIRCLED (?:SANS-SERIF )?DIGIT ({'|'.join(_DIGIT_NAMES)})\Z")


@cache
def digit_named(char: str) -> str:
    """A digit in a circle Unicode does not decompose (⓿, ❼, ➒) -> "0", "7", "9"; else ""."""
    match = _NAMED_DIGIT_RE.search(unicodedata.name(char, ""))
    return str(_DIGIT_NAMES.index(match.group(1))) if match else ""


_NAMED_LETTER_RE = re.compile(r"\bLETTER (?:SMALL |CAPITAL )*([A-Z])(?: WITH .*)?\Z")


@cache
def letter_named(char: str) -> str:
    """A Latin letter in disguise that Unicode names as one: small capitals (ᴊ),
    squared and circled capitals (🅹 🅙), regional indicators (🇶) -> "j", "q"; else ""."""
    name = unicodedata.name(char, "")
    if "LATIN" not in name and "REGIONAL INDICATOR" not in name:
        return ""
    match = _NAMED_LETTER_RE.search(name)
    return match.group(1).lower() if match else ""


@cache
def look_alikes() -> dict[str, str]:
    """Each letter Unicode's confusables data lists as looking like one Latin letter
    (a to z, either case) -> that letter in lower case."""
    data = resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8")
    table: dict[str, str] = {}
    for char, entries in json.loads(data).items():
        if len(char) != 1 or char.isascii() or unicodedata.category(char)[0] != "L":
            continue
        for entry in entries:
            base = unicodedata.normalize("NFD", entry["c"])[:1]
            if base.isascii() and base.isalpha():
                # The data's prototype of a capital I shape is l; a capital that
                # looks like one reads as I, the letter it stands for in a name.
                table[char] = "i" if base == "l" and char.isupper() else base.lower()
                break
    return table


_TABLE = _FoldTable()


_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]+")
_SHORT_RUNS: dict[str, str] = {}


def _fold_run(match: re.Match[str]) -> str:
    run = match.group()
    folded = _SHORT_RUNS.get(run)
    if folded is None:
        folded = run.translate(_TABLE)
        if len(run) <= 3:  # smart quotes, dashes, accented letters: worth keeping
            _SHORT_RUNS[run] = folded
    return folded


#: Every ASCII byte, deleted from UTF-8 by ``non_ascii``.
_ASCII_BYTES = bytes(range(0x80))
#: The last text ``non_ascii`` read and what it found: the anonymiser asks for the
#: same text's characters several times in a row (decoding, folding, identifiers).
_LAST_NON_ASCII: tuple[str, frozenset[str]] = ("", frozenset())


def non_ascii(text: str) -> frozenset[str]:
    """The distinct characters of ``text`` outside ASCII, found in C: the text's UTF-8
    without its ASCII bytes is the UTF-8 of those characters alone, since every byte of
    a character outside ASCII is 0x80 or above (``surrogatepass`` keeps a lone
    surrogate, which ``[^\\x00-\\x7f]`` also finds)."""
    global _LAST_NON_ASCII
    if text.isascii():
        return frozenset()
    last, found = _LAST_NON_ASCII
    if text is not last:
        found = non_ascii_of(text)
        _LAST_NON_ASCII = (text, found)
    return found


def non_ascii_of(text: str) -> frozenset[str]:
    """``non_ascii(text)``, worked out (nothing kept)."""
    rest = text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES)
    return frozenset(rest.decode("utf-8", "surrogatepass"))


def fold(text: str) -> str:
    """The loose form of ``text``: same length, lower case, no accents, apostrophes as '."""
    if text.isascii():
        return text.lower().replace("`", "'")
    quoted = text.replace("`", "'")
    folded = _fold_each(quoted, non_ascii(text))
    if folded is not None:
        return folded.lower()
    # Only the non-ASCII runs go through the table (slow per character); the ASCII
    # rest is lowered in C. This equals ``text.translate(_TABLE)``: every folded
    # non-ASCII character is one character that ``lower`` leaves alone (a test
    # checks this for all of Unicode), and the backtick is replaced first, so the one
    # character that folds to a backtick (U+1FEF) keeps it, as the table does.
    return _NON_ASCII_RE.sub(_fold_run, quoted).lower()


def _fold_each(text: str, chars: frozenset[str]) -> str | None:
    """``_NON_ASCII_RE.sub(_fold_run, text)``: each of ``chars`` (the characters of
    ``text`` outside ASCII) replaced by its folded form with str.replace, a scan in C
    each; None when a character folds to another of them that folds again, where the
    order of the replacements would matter."""
    changes = [(char, _TABLE[ord(char)]) for char in chars]
    changes = [(char, folded) for char, folded in changes if folded != char]
    if any(folded in chars for _, folded in changes):
        changed = {char for char, _ in changes}
        if any(folded in changed for _, folded in changes):
            return None
    for char, folded in changes:
        text = text.replace(char, folded)
    return text


def word_key(word: str) -> str:
    """The form of a folded word used for lookups: hidden characters removed."""
    return word.replace(JOINER, "") if JOINER in word else word
