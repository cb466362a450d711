"""Identifiers that are removed whoever they belong to: e-mail addresses, UK phone
numbers, NHS numbers, UK postcodes and dates of birth.

Each kind is one compiled expression, so a story costs one scan per kind, whatever
the size of the site. Detection is by format only: a number that looks like a phone
number or an NHS number is removed even when it is not a real one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

#: The kinds, in the order they are tried, with the default text shown instead.
DEFAULT_REPLACEMENTS: dict[str, str] = {
    "email": "[email address removed]",
    "phone": "[phone number removed]",
    "nhs_number": "[NHS number removed]",
    "postcode": "[postcode removed]",
    "date_of_birth": "[date of birth removed]",
}

EMAIL_RE = re.compile(
    r"(?<![\w.+%-])[\w.+%-]+(?:@|\s*\(at\)\s*|\s*\[at\]\s*)[\w-]+(?:\.[\w-]+)+", re.IGNORECASE
)

# Between two digits of a phone number: a space or two, a dot, a hyphen, or brackets.
_SEP = r"(?:[ \t\u00a0.\-]{1,2}|\)[ \t\u00a0]?|[ \t\u00a0]?\(|\n)?"
PHONE_RE = re.compile(
    rf"""
    (?<![\w+])
    (?:
        (?:\+|00)[ \t]?44[ \t\u00a0.\-]?(?:\(0\)[ \t\u00a0]?)?\(?   # +44, 0044, +44 (0)
        [1-9](?:{_SEP}\d){{8,9}}
      |
        \(?0{_SEP}[1-9](?:{_SEP}\d){{8,9}}                            # 07700 900123, (0113) ...
    )
    (?![\d])
    """,
    re.VERBOSE,
)

NHS_RE = re.compile(r"(?<![\w+])\d{3}[ \t\u00a0\-]?\d{3}[ \t\u00a0\-]?\d{4}(?!\d)")

# The official format: the outward code (area, district) and the inward code. The
# inward code's two letters never use C, I, K, M, O or V.
POSTCODE_RE = re.compile(
    r"""
    (?<![\w])
    (?:
        [A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]|[A-HK-Y][0-9][ABEHMNPRVWXY])
        |GIR
    )
    [ \t\u00a0]?
    [0-9][ABD-HJLNP-UW-Z]{2}
    (?![\w])
    """,
    re.VERBOSE | re.IGNORECASE,
)

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
DATE_RE = re.compile(
    rf"""
    (?<![\w])
    (?:
        {_DAY}[ \t]+(?:of[ \t]+)?{_MONTH},?[ \t]+\d{{4}}        # 3rd of March 1987
      | {_MONTH}[ \t]+{_DAY},?[ \t]+\d{{4}}                     # March 3rd, 1987
      | [0-3]?\d[/.\-][01]?\d[/.\-](?:\d{{4}}|\d{{2}})           # 03/03/1987, 3.3.87
      | \d{{4}}-[01]\d-[0-3]\d                                  # 1987-03-03
    )
    (?![\w])
    """,
    re.VERBOSE | re.IGNORECASE,
)
BIRTH_CUE_RE = re.compile(
    r"\b(?:born|birthday|birth\s+date|date\s+of\s+birth|d\.?o\.?b\b\.?|b\.)", re.IGNORECASE
)
#: How near a cue must be: this many words before the date, or after it.
CUE_WORDS_BEFORE = 6
CUE_WORDS_AFTER = 4


_DIGIT_RE = re.compile(r"\d")
#: Nine digits, each at most two characters from the next: every phone number and NHS
#: number has this (see _SEP), and ordinary text (years, ages, dates) rarely does. This
#: pattern starts with a digit, so Python's regex engine jumps between digits; the full
#: patterns start with a look-behind and are tried at every character.
_LONG_NUMBER_RE = re.compile(r"\d(?:\D{0,2}\d){8}")


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
    if "@" in text or "(at)" in text or "[at]" in text:
        found.extend(Identifier(m.start(), m.end(), "email") for m in EMAIL_RE.finditer(text))
    if _DIGIT_RE.search(text):
        if _LONG_NUMBER_RE.search(text):
            found.extend(Identifier(m.start(), m.end(), "phone") for m in PHONE_RE.finditer(text))
            found.extend(
                Identifier(m.start(), m.end(), "nhs_number") for m in NHS_RE.finditer(text)
            )
        found.extend(Identifier(m.start(), m.end(), "postcode") for m in POSTCODE_RE.finditer(text))
        found.extend(_dates_of_birth(text))
    return found


def _dates_of_birth(text: str) -> Iterator[Identifier]:
    if not BIRTH_CUE_RE.search(text):
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
