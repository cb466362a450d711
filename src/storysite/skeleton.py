"""Skeletons: what is left of a text once everything that can disguise a name or a
number is taken away. The output gate (audit.py) reads only these.

A letter skeleton keeps letters only: NFKC (full-width, ligatures: ﬃ -> ffi), then
each character that Unicode's confusables data (UTS #39, as shipped by the
``confusable-homoglyphs`` package) lists as a look-alike of Latin letters becomes
those letters (Cyrillic Ј -> J, dotless ı -> i, ɑ -> a, ø -> o, ł -> l, Lisu ꓮ -> A),
marks are removed, apostrophes and
hidden characters (zero-width, controls, noncharacters) vanish so the letters around
them join, and every other character that is not a letter becomes a space. Case is
kept here, so the gate can tell "Hope" from "hope"; it folds case itself.

A number skeleton (``identifier_keys``) reads Unicode digits as ASCII digits, O/o as
0 and I/l as 1 beside digits, and drops the separators between characters, then
looks for the shapes of UK phone numbers, NHS numbers and postcodes.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from functools import cache
from importlib import resources
from itertools import groupby

from storysite.anonymise.folding import APOSTROPHES, digit_named, letter_named

_HIDDEN_CATEGORIES = frozenset({"Mn", "Me", "Cf", "Cc", "Cn", "Co", "Cs"})


@cache
def latin_look_alikes() -> dict[str, str]:
    """Each non-ASCII character that Unicode's confusables data pairs with ASCII
    letters -> those letters. (Measured: no character is paired with two different
    ones, so the order the data is read in does not matter.) UTS #39 folds I into l;
    the gate keeps case, so a capital that looks like l is an I (Cyrillic І)."""
    data = json.loads(
        resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8")
    )
    table: dict[str, str] = {}
    for key, entries in data.items():
        for entry in entries:
            char, plain = entry["c"], _without_marks(entry["c"])
            if key.isascii() and key.isalpha() and not char.isascii():
                table[char] = key
            elif not key.isascii() and plain.isascii() and plain.isalpha():
                table[key] = plain
    return {c: "I" if v == "l" and c.isupper() else v for c, v in table.items() if len(c) == 1}


def _without_marks(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _latin(char: str) -> str:
    """``char`` as the Latin letters it looks like, when it looks like any."""
    if char.isascii():
        return char
    found = latin_look_alikes().get(char)
    if found is None and unicodedata.category(char)[0] in "LS":
        # small capitals (ᴊ), squared and circled capitals (🅹), regional indicators (🇶)
        named = letter_named(char)
        capital = "CAPITAL" in unicodedata.name(char, "") or unicodedata.category(char) != "Ll"
        found = named.upper() if named and capital else named
    return found or char


def _hidden(char: str) -> bool:
    return char in APOSTROPHES or (
        unicodedata.category(char) in _HIDDEN_CATEGORIES and not char.isspace()
    )


def letter_char(char: str) -> str:
    """One character's part of a letter skeleton: letters (case kept), "" or " "."""
    if char == "\n":
        return "\n"
    if _hidden(char):
        return ""
    latin = "".join(map(_latin, unicodedata.normalize("NFKC", char)))
    bases = unicodedata.normalize("NFD", latin)  # marks are not letters: they go
    text = "".join(c.casefold() if c.islower() else c for c in bases if c.isalpha())
    return text or " "


def number_char(char: str) -> str:
    """One character's part of a number skeleton: any decimal digit as ASCII, a
    letter as the Latin letter it looks like, hidden characters as ""."""
    if _hidden(char):
        return ""
    out = []
    for part in unicodedata.normalize("NFKC", char):
        digit = unicodedata.decimal(part, None)
        named = digit_named(part) if digit is None else ""
        out.append(str(digit) if digit is not None else named or _latin(part))
    return "".join(out)


class _Table(dict[int, str | None]):
    """A lazily filled translation table for str.translate. A character that vanishes
    maps to None, not "": only then does str.translate keep its fast path for ASCII."""

    def __init__(self, function: Callable[[str], str]) -> None:
        super().__init__()
        self.function = function

    def __missing__(self, code: int) -> str | None:
        made = self.function(chr(code)) or None
        self[code] = made
        return made


_LETTERS = _Table(letter_char)
_NUMBERS = _Table(number_char)


def _translated(text: str, table: _Table) -> str:
    """``text.translate(table)``, line by line (both tables keep a line break), with
    the runs of ASCII lines translated whole: str.translate is many times faster on
    a text that is all ASCII."""
    if "\n" not in text:
        return text.translate(table)
    runs = groupby(text.split("\n"), str.isascii)
    return "\n".join(["\n".join(lines).translate(table) for _, lines in runs])


def letters(text: str) -> str:
    """The letter skeleton of ``text``, case kept: letters, spaces and line breaks."""
    return _translated(text, _LETTERS)


def folded(text: str) -> str:
    """The letter skeleton of ``text`` with every non-letter removed, case folded
    (how a protected name is written in the gate's automaton)."""
    return "".join(letters(text).split()).lower()


# ---- numbers -------------------------------------------------------------------

#: What may stand between the characters of an identifier and is dropped: spaces
#: (a line break ends a block: see audit.py), dashes, dots, brackets, slashes, '+', '*',
#: '_', quotes. Anything else that is not a letter or a digit ends a number.
_SEP = r"[^\S\n]|[\-\u2010-\u2015.\u00b7\u2022()\[\]{}+*_/\\'\"\u2018\u2019\u201c\u201d~^]"
#: Ten digits or more, with separators between them: the numbers worth a look.
#: O or o beside a digit is marked as a zero, I or l as a one (see _with_o_and_l).
_LIKE_ZERO, _LIKE_ONE = "\ue000", "\ue001"
_UNMARK = str.maketrans({_LIKE_ZERO: "0", _LIKE_ONE: "1"})
_DIGIT = "[0-9\ue000\ue001]"
#: (A run starts at a digit after none: from a later digit it would end where it did.)
_RUN_RE = re.compile(rf"{_DIGIT}(?<!{_DIGIT}.)(?:(?:{_SEP})*+{_DIGIT}){{9,}}+")
_DROP_RE = re.compile(_SEP)
_O_RE = re.compile(rf"(?<={_DIGIT})[Oo]|[Oo](?={_DIGIT})")
_ONE_RE = re.compile(rf"(?<={_DIGIT})[Il]|[Il](?={_DIGIT})")
#: Either of the two above: an O, o, I or l beside a digit (looked for at the letter).
_BESIDE_RE = re.compile(rf"[OoIl](?:(?<={_DIGIT}.)|(?={_DIGIT}))")
#: A date as machines write it (2020-01-01): never part of a longer number.
_ISO_DATE_RE = re.compile(r"(?:19|20)(?<![0-9]..)[0-9]{2}-[01][0-9]-[0-3][0-9](?![0-9])")
#: Inside each half of a postcode: separators that are not spaces ("S.W.1.A");
#: between its halves any separators ("SW1A\n1AA" reads as a space there).
_IN = r"[\-\u2010-\u2015.\u00b7\u2022_/\\'*]*"
_GAP = rf"(?:{_SEP})*"
_AREA = r"[A-PR-UWYZ]"
_OUTWARD = (
    rf"(?:{_AREA}{_IN}[0-9](?:{_IN}[0-9])?"
    rf"|{_AREA}{_IN}[A-HK-Y]{_IN}[0-9](?:{_IN}[0-9])?"
    rf"|{_AREA}{_IN}[0-9]{_IN}[A-HJKPSTUW]"
    rf"|{_AREA}{_IN}[A-HK-Y]{_IN}[0-9]{_IN}[ABEHMNPRVWXY]"
    rf"|G{_IN}I{_IN}R)"
)
_INWARD = rf"[0-9]{_IN}[ABD-HJLNP-UW-Z]{_IN}[ABD-HJLNP-UW-Z]"
#: What any postcode holds (its inward half), searched first: it starts with a digit.
_INWARD_HINT_RE = re.compile(_INWARD, re.IGNORECASE)
_POSTCODE_RE = re.compile(
    rf"(?<![A-Za-z0-9]){_OUTWARD}{_GAP}{_INWARD}(?![A-Za-z0-9])", re.IGNORECASE
)
_PHONE_RE = re.compile(r"(?:0|(?:00)?440?)([1-9][0-9]{8,9})")
#: A hexadecimal digest (a picture's file name): its digits are not a number.
_HEX_RE = re.compile(r"[0-9a-f]{12,}(?![A-Za-z0-9])")


def _not_a_digest(match: re.Match[str]) -> str:
    """A space for a digest (hexadecimal digits and letters, a word of its own)."""
    word, start = match.group(), match.start()
    before = match.string[start - 1 : start]
    if word.isdigit() or (before.isascii() and before.isalnum()):
        return word
    return " "


def _with_o_and_l(text: str) -> str:
    """O and o beside digits marked as a zero, I and l as a one, until nothing changes
    ("O77OO" -> "07700"); the marks let a number be read without the letters at its
    ends too ("lO77OO 9OO123l")."""
    for _ in range(12):
        changed = _ONE_RE.sub(_LIKE_ONE, _O_RE.sub(_LIKE_ZERO, text))
        if changed == text:
            break
        text = changed
    return text


#: A line that holds a digit.
_DIGIT_LINE_RE = re.compile(r"^[^0-9\n]*+[0-9].*", re.MULTILINE)
#: The non-ASCII characters texts hold most (accented Latin letters, typographic
#: punctuation, currency signs): each one that never becomes a digit in a number
#: skeleton is left out of ``_maybe_digit_line_re``'s characters.
_PLAIN = ((0x80, 0x2FF), (0x2000, 0x206F), (0x20A0, 0x20CF))


@cache
def _maybe_digit_line_re() -> re.Pattern[str]:
    """A line that may hold a digit once read as a number skeleton: one with a digit,
    or with a character that might become one. No ASCII character but 0-9 becomes a
    digit (tests/gate); of the others, those of ``_PLAIN`` that do not are checked
    here, one by one."""
    plain = [c for low, high in _PLAIN for c in range(low, high + 1)]
    never = [c for c in plain if not any(map(str.isdigit, number_char(chr(c))))]
    ranges, start = [], 0x80
    for code in never:
        if code > start:
            ranges.append(rf"\U{start:08x}-\U{code - 1:08x}")
        start = code + 1
    might = "".join([*ranges, rf"\U{start:08x}-\U0010ffff"])
    return re.compile(rf"^[^0-9\n{might}]*+[0-9{might}].*", re.MULTILINE)


def identifier_keys(text: str) -> set[tuple[str, str]]:
    """Every identifier shape in ``text`` as (kind, key): "phone" with its national
    digits, "nhs_number" with its ten digits, "postcode" in capitals without spaces.
    Every shape holds a digit and none runs across a line break, so only the lines
    with a digit are read."""
    maybe = "\n".join(_maybe_digit_line_re().findall(text))
    lines = _DIGIT_LINE_RE.findall(_translated(maybe, _NUMBERS))
    text = _HEX_RE.sub(_not_a_digest, "\n".join(lines))
    if not _DIGIT_LINE_RE.search(text):
        return set()
    text = _ISO_DATE_RE.sub(" ", text)
    if _BESIDE_RE.search(text):
        text = _with_o_and_l(text)
    plain = text.translate(_UNMARK) if _LIKE_ZERO in text or _LIKE_ONE in text else text
    found = _postcodes(plain) if _INWARD_HINT_RE.search(plain) else set()
    for run in _RUN_RE.finditer(text):
        number = _DROP_RE.sub("", run.group())
        # The letters at its ends may not belong to it ("call07700900123").
        for digits in (number, number.strip(_LIKE_ONE), number.strip(_LIKE_ZERO + _LIKE_ONE)):
            shapes = _number_shapes(digits.translate(_UNMARK))
            if shapes:
                found |= shapes
                break
    return found


def _number_shapes(digits: str) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    phone = _PHONE_RE.fullmatch(digits)
    if phone is not None:
        found.add(("phone", phone.group(1)))
    if len(digits) == 10:
        found.add(("nhs_number", digits))
    return found


def _postcodes(text: str) -> set[tuple[str, str]]:
    return {
        ("postcode", re.sub(r"[^A-Za-z0-9]", "", match.group()).upper())
        for match in _POSTCODE_RE.finditer(text)
    }
