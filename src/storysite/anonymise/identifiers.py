"""Identifiers that are removed whoever they belong to: e-mail addresses, UK phone
numbers, NHS numbers, UK postcodes and dates of birth.

Each kind is one compiled expression, so a story costs one scan per kind, whatever
the size of the site. Detection is by format only: a number that looks like a phone
number or an NHS number is removed even when it is not a real one.

Numbers are read as a reader reads them: digits of any script (full-width ０, Arabic-
Indic ٠) as 0-9, a letter O beside digits as a zero (O77OO), and the marks that can
sit between digits (emphasis ``**``, up to a few spaces, a line break, the joins of the
parsed page) as nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

from storysite.anonymise.folding import non_ascii

#: The kinds, in the order they are tried, with the default text shown instead.
DEFAULT_REPLACEMENTS: dict[str, str] = {
    "email": "[email address removed]",
    "phone": "[phone number removed]",
    "nhs_number": "[NHS number removed]",
    "postcode": "[postcode removed]",
    "date_of_birth": "[date of birth removed]",
}

#: "@" however it is disguised: ＠ ﹫, in brackets ([@], (at)), or spaced out. (Written
#: so that each run of spaces can be read one way only: with "\s*[(]?\s*" a text of
#: many spaced dots, "R . u . k . h . s . a", took the search exponential time.)
_AT = r"(?:[*_~]*\s*(?:[\[({]\s*)?(?:[@＠﹫ⓐ]|\bat\b)\s*(?:[\])}]\s*)?[*_~]*)"
#: "." likewise: 。．｡, [.], (dot), " dot ", or emphasis around it.
_DOT = r"(?:[*_~]*\s*(?:[\[({]\s*)?(?:[.。．｡]|\bdot\b)\s*(?:[\])}]\s*)?[*_~]*)"
_PLAIN_EMAIL_RE = re.compile(
    rf"(?<![\w.+%-])[\w.+%-]+[*_~]*\s*[@＠﹫ⓐ]\s*[*_~]*[\w-]+(?:{_DOT}[\w-]+)+", re.IGNORECASE
)
#: An address written with words for "@" or ".", or spaced out: only when it ends in
#: a domain's last part (janeq at example dot net), so "look at this. Then" is no address.
_TLD = r"(?:com|net|org|uk|co|ac|gov|nhs|io|info|me|edu|biz|eu|ie|de|fr|pl|pt|tr|ng|so|bd|in|pk)"
_SPELT_EMAIL_RE = re.compile(
    rf"(?<![\w.+%-])[\w.+%-]+{_AT}[\w-]+(?:{_DOT}[\w-]+)*{_DOT}{_TLD}\b", re.IGNORECASE
)


#: What every match of _SPELT_EMAIL_RE holds from the "@" (or "at") of its _AT on,
#: as two patterns that each start with a letter or a sign, which the engine looks for
#: before it tries the rest: a text without either has no such address.
_SPELT_TAIL = rf"\s*(?:[\])}}]\s*)?[*_~]*[\w-]+(?:{_DOT}[\w-]+)*{_DOT}{_TLD}\b"
_SPELT_TAIL_RES = (
    re.compile(rf"a(?<!\wa)t\b{_SPELT_TAIL}", re.IGNORECASE),
    re.compile(rf"[@＠﹫ⓐ]{_SPELT_TAIL}", re.IGNORECASE),
)

#: What the text must hold for the disguised pattern to be tried at all (a plain
#: address is found by the plain pattern alone, not twice).
_DISGUISED_RE = re.compile(r"(?i)\b(?:at|dot)\b|[\[({]\s*[@.]|\s[@＠﹫]|[＠﹫ⓐ。．｡]")
_OTHER_ATS = frozenset("＠﹫ⓐ")
_AT_SIGN_RE = re.compile("[@＠﹫ⓐ]", re.IGNORECASE)
#: Every character _AT_SIGN_RE matches (ⓐ in either case; a test checks all of
#: Unicode): looked for with ``in``, faster than the pattern.
_AT_SIGNS = "@＠﹫ⓐⒶ"


def _has_at_sign(text: str) -> bool:
    """``_AT_SIGN_RE.search(text) is not None``."""
    if text.isascii():
        return "@" in text
    return any(sign in text for sign in _AT_SIGNS)


class _Emails:
    """Both patterns: every address written plainly, and the disguised ones."""

    def finditer(self, text: str) -> list[re.Match[str]]:
        # Every plain address holds one of these signs (Ⓐ too: the pattern ignores case),
        # and so does every match of the second tail pattern, which starts with one.
        signed = _has_at_sign(text)
        found = list(_PLAIN_EMAIL_RE.finditer(text)) if signed else []
        tails = _SPELT_TAIL_RES if signed else _SPELT_TAIL_RES[:1]
        if any(tail.search(text) for tail in tails) and _DISGUISED_RE.search(text):
            found.extend(m for m in _SPELT_EMAIL_RE.finditer(text) if _spelt_whole(m.group()))
        return found


def _spelt_whole(address: str) -> bool:
    """An "at" written as a word needs a "dot" written as one too: "janeq at example
    dot net" is an address, "looked at example.com" is a web site."""
    return not re.search(r"(?i)\bat\b", address) or bool(re.search(r"(?i)\bdot\b|[\[({]", address))


EMAIL_RE = _Emails()

#: Marks that may sit between two digits of a number and show nothing between them:
#: white space, dots and hyphens, Markdown emphasis, and JOINER (the parsed page's
#: inline boundaries, see tree.py).
_MARKS = r"[\s.\-*_~\x01]"
# Between two digits of a phone number: a few such marks, or brackets.
_SEP = rf"(?:{_MARKS}{{1,4}}|\){_MARKS}{{0,2}}|{_MARKS}{{0,2}}\()?"
PHONE_RE = re.compile(
    rf"""
    (?<![\w+])
    (?:
        \(?(?:\+|00)?{_MARKS}{{0,2}}44\)?{_MARKS}{{0,2}}                  # +44, 0044, (+44), 44
        (?:\(0\){_MARKS}{{0,2}})?\(?                                    # +44 (0)
        [1-9](?:{_SEP}\d){{8,9}}
      |
        \(?0{_SEP}[1-9](?:{_SEP}\d){{8,9}}                            # 07700 900123, (0113) ...
    )
    (?![\d])
    """,
    re.VERBOSE,
)

#: Ten digits, grouped any way (943 476 5919, 943-4765-919).
NHS_RE = re.compile(rf"(?<![\w+])\d(?:{_MARKS}{{0,2}}\d){{9}}(?!\d)")

# The official format: the outward code (area, district) and the inward code. The
# inward code's two letters never use C, I, K, M, O or V.
POSTCODE_RE = re.compile(
    r"""
    (?<![\w])
    (?:
        [A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]|[A-HK-Y][0-9][ABEHMNPRVWXY])
        |GIR
    )
    [\s\-.*_~\x01]{0,3}
    [0-9][ABD-HJLNP-UW-Z]{2}
    (?![\w])
    """,
    re.VERBOSE | re.IGNORECASE,
)

#: The inward code that ends every postcode, as POSTCODE_RE ends (same class, same
#: flags): a pattern that starts with a digit, which the engine finds in C, so text
#: without one is not searched at every character by POSTCODE_RE.
_INWARD_CODE_RE = re.compile(r"[0-9][ABD-HJLNP-UW-Z]{2}(?![\w])", re.IGNORECASE)

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_ORDINALS = [
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
    "seventeenth", "eighteenth", "nineteenth",
]  # fmt: skip
#: A day: 3, 3rd, third, twenty-first, thirtieth.
_DAY = (
    r"(?:[0-3]?\d(?:st|nd|rd|th)?|(?:(?:twenty|thirty)[\s-]?)?(?:"
    + "|".join(_ORDINALS[:9])
    + ")|"
    + "|".join(_ORDINALS[9:])
    + "|twentieth|thirtieth)"
)
DATE_RE = re.compile(
    rf"""
    (?<![\w])
    (?:
        (?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}      # (the) 3rd of March 1987
      | {_MONTH}\s+(?:the\s+)?{_DAY},?\s+\d{{4}}                # March (the) 3rd, 1987
      | [0-3]?\d[/.\-][01]?\d[/.\-](?:\d{{4}}|\d{{2}})           # 03/03/1987, 3.3.87
      | \d{{4}}-[01]\d-[0-3]\d                                  # 1987-03-03
    )
    (?![\w])
    """,
    re.VERBOSE | re.IGNORECASE,
)
BIRTH_CUE_RE = re.compile(
    r"\b(?:born|birthday|b-?day|birth\s+date|date\s+of\s+birth|d\.?o\.?b\b\.?|b\.|"
    r"came\s+into\s+the\s+world|entered\s+the\s+world)",
    re.IGNORECASE,
)
#: Whether a text holds a match of BIRTH_CUE_RE, found faster: each cue's first
#: letter is listed in both cases (no other character reads as one to a case-blind
#: match; a test checks all of Unicode), so the engine jumps between those letters
#: instead of trying ``\b`` at every character; the test of the character before
#: comes after it.
_BIRTH_CUE_JUMP_RE = re.compile(
    r"[bBcCdDeE](?<!\w.)(?i:(?<=b)(?:orn|irthday|-?day|irth\s+date|\.)"
    r"|(?<=c)ame\s+into\s+the\s+world|(?<=d)(?:ate\s+of\s+birth|\.?o\.?b\b\.?)"
    r"|(?<=e)ntered\s+the\s+world)"
)
_TWO_DIGITS_RE = re.compile(r"\d\d")
#: How near a cue must be: this many words before the date, or after it.
CUE_WORDS_BEFORE = 12
CUE_WORDS_AFTER = 4


_DIGIT_RE = re.compile(r"\d")
#: Nine digits, each at most two characters from the next: every phone number and NHS
#: number has this (see _SEP), and ordinary text (years, ages, dates) rarely does. This
#: pattern starts with a digit, so Python's regex engine jumps between digits; the full
#: patterns start with a look-behind and are tried at every character.
_LONG_NUMBER_RE = re.compile(r"\d(?:\D{0,4}\d){8}")


@dataclass(frozen=True)
class Identifier:
    start: int
    end: int
    kind: str


def find_identifiers(text: str) -> list[Identifier]:
    """Every identifier in ``text``, possibly overlapping (the caller keeps the longest)."""
    if not text:
        return []
    found: list[Identifier] = []
    plain = ascii_digits(text)
    lowered = plain.lower()
    ats = ("@", " at ", "at)", "at]", "at}")
    if any(at in lowered for at in ats) or _OTHER_ATS & set(plain):
        found.extend(Identifier(m.start(), m.end(), "email") for m in EMAIL_RE.finditer(plain))
    if _has_digit(text):
        digits = plain
        places = _digit_places(digits)
        if places is None or _o_beside_digit(digits, places):
            numbers = zeros_beside_digits(digits)
        else:
            numbers = digits  # what zeros_beside_digits gives: no O beside a digit
        if _holds_long_number(numbers, places if numbers is digits else None):
            found.extend(
                Identifier(m.start(), m.end(), "phone") for m in PHONE_RE.finditer(numbers)
            )
            found.extend(
                Identifier(m.start(), m.end(), "nhs_number") for m in NHS_RE.finditer(numbers)
            )
        if _holds_inward_code(digits, places):
            found.extend(
                Identifier(m.start(), m.end(), "postcode") for m in POSTCODE_RE.finditer(digits)
            )
        found.extend(_dates_of_birth(digits, places))
    return found


#: Up to this many digits, each pattern that starts with a digit is tried only where
#: one stands (see ``_digit_places``); with more, a search over the text is cheaper.
_FEW_DIGITS = 48


def _digit_places(text: str) -> list[int] | None:
    """Where the digits of ``text`` stand, in order, or None when there are more than
    _FEW_DIGITS. ``text`` is ``ascii_digits``'s: every character ``\\d`` matches there
    is 0-9 (a test checks all of Unicode), each found with str.find (memchr in C),
    where a pattern that starts with a digit is tried at every character of the text."""
    places: list[int] = []
    for digit in "0123456789":
        at = text.find(digit)
        while at != -1:
            if len(places) == _FEW_DIGITS:
                return None
            places.append(at)
            at = text.find(digit, at + 1)
    places.sort()
    return places


def _holds_long_number(numbers: str, places: list[int] | None) -> bool:
    """``_LONG_NUMBER_RE.search(numbers) is not None``. ``places``: where the digits of
    ``numbers`` stand, if known; a long number holds nine."""
    if places is not None and len(places) < 9:
        return False
    return _LONG_NUMBER_RE.search(numbers) is not None


def _holds_inward_code(digits: str, places: list[int] | None) -> bool:
    """``_INWARD_CODE_RE.search(digits) is not None``, tried only where a digit stands
    when ``places`` says where (an inward code starts with one)."""
    if places is None:
        return _INWARD_CODE_RE.search(digits) is not None
    return any(_INWARD_CODE_RE.match(digits, at) for at in places)


def _o_beside_digit(text: str, places: list[int]) -> bool:
    """``_O_BESIDE_DIGIT_RE.search(text) is not None``, read at the digits' places."""
    return any(
        (at > 0 and text[at - 1] in "Oo") or text[at + 1 : at + 2] in ("O", "o") for at in places
    )


def _has_digit(text: str) -> bool:
    """``_DIGIT_RE.search(text) is not None``, without a pattern tried at every
    character: each ASCII digit looked for with ``in`` (memchr in C), and outside ASCII
    each distinct character asked whether it is a decimal digit, which is what ``\\d``
    matches (a test checks all of Unicode)."""
    if any(map(text.__contains__, "0123456789")):
        return True
    return any(map(str.isdecimal, non_ascii(text)))


_NON_ASCII_DIGIT_RE = re.compile(r"[^\W0-9a-zA-Z_]|[\uff01-\uff5e]")
_O_NUMBER_RE = re.compile(r"[0-9Oo]*[0-9][0-9Oo]*")
#: A digit with a letter O just before or after it.
_O_BESIDE_DIGIT_RE = re.compile(r"[0-9](?:(?<=[Oo][0-9])|(?=[Oo]))")


def ascii_digits(text: str) -> str:
    """``text`` with every decimal digit of any script as 0-9, and the full-width forms
    of ASCII (ＳＷ１Ａ, ＠) as ASCII (same length)."""
    if text.isascii():
        return text
    # Most text outside ASCII holds only letters and quotes that stay as they are:
    # each distinct character is judged once, and the text is rewritten only when
    # one of them changes (the substitution changes each character on its own).
    if not any(map(_changes, non_ascii(text))):
        return text
    return _NON_ASCII_DIGIT_RE.sub(_ascii_digit, text)


@cache
def _changes(char: str) -> bool:
    """Whether ``ascii_digits`` writes ``char`` (one character outside ASCII) otherwise."""
    match = _NON_ASCII_DIGIT_RE.fullmatch(char)
    return match is not None and _ascii_digit(match) != char


def _ascii_digit(match: re.Match[str]) -> str:
    char = match.group()
    if "\uff01" <= char <= "\uff5e":
        return chr(ord(char) - 0xFEE0)
    value = unicodedata.digit(char, None)
    return str(value) if value is not None else char


def zeros_beside_digits(text: str) -> str:
    """``text`` with a letter O in a run of digits read as a zero (O77OO -> 07700).
    Only for phone and NHS numbers: a postcode may start with O (PO1, SO14)."""
    if "o" not in text and "O" not in text:
        return text
    # A run of digits and Os with both in it has an O beside a digit: one search that
    # jumps between digits (in C) says whether there is one.
    if not _O_BESIDE_DIGIT_RE.search(text):
        return text
    return _O_NUMBER_RE.sub(lambda m: m.group().replace("O", "0").replace("o", "0"), text)


def _dates_of_birth(text: str, places: list[int] | None = None) -> Iterator[Identifier]:
    """``places``: where the digits of ``text`` stand (``_digit_places``), if known."""
    # Every form of DATE_RE holds two digits in a row (a year, or a day and month in
    # figures): a digit-first search, fast in C, before the cue is looked for.
    if places is None:
        in_a_row = _TWO_DIGITS_RE.search(text) is not None
    else:
        in_a_row = any(after - before == 1 for before, after in pairwise(places))
    if not in_a_row or not _BIRTH_CUE_JUMP_RE.search(text):
        return
    for match in DATE_RE.finditer(text):
        if _near_cue(text, match.start(), match.end()):
            yield Identifier(match.start(), match.end(), "date_of_birth")


def _near_cue(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 120) : start].split()[-CUE_WORDS_BEFORE:]
    after = text[end : end + 80].split()[:CUE_WORDS_AFTER]
    return bool(BIRTH_CUE_RE.search(" ".join(before)) or BIRTH_CUE_RE.search(" ".join(after)))


def nhs_number_is_valid(number: str) -> bool:
    """The modulus 11 check of an NHS number. Only for reports: invalid ones are removed too."""
    digits = [int(c) for c in number if c.isdigit()]
    if len(digits) != 10:
        return False
    total = sum(d * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == digits[9]


def replacement_texts(configured: Mapping[str, object]) -> dict[str, str]:
    """The site's replacement text per kind, over the defaults."""
    texts = dict(DEFAULT_REPLACEMENTS)
    texts.update({k: v for k, v in configured.items() if isinstance(v, str) and k in texts})
    return texts
