"""The anonymiser's third round of fast paths gives what the code before it gave.

As in test_fast_paths.py, each test compares a fast path with the plain code it
replaces (kept there or here under a clear name) on generated text built from the
pieces that matter to it: digits of other scripts, the letter O beside digits,
long numbers, postcodes, dates and their cues, possessives, capitals, accents,
entities, %-encoding, hidden characters and confusable letters.
"""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st
from test_fast_paths import PIECES, plain_find_identifiers

from storysite.anonymise import identifiers as ids
from storysite.anonymise.signals import Words, role_after

# identifiers.py: the patterns that start with a digit are tried at the digits' places.

NUMBERS = [
    "07700 900123", "O77OO 9OO123", "0 7 7 0 0 9 0 0 1 2 3", "943 476 5919", "9434765919",
    "+44 (0)20 7946 0958", "SW1A 1AA", "sw1a1aa", "PO1 3AX", "1AA", "2ab", "1.", "12", "1 2",
    "born 03/03/1987", "date of birth: 1987-03-03", "3rd of March 1987", "O1", "1O", "o1o",
    "٣٤", "１２", "²", "0000000000", "123456789", "12345678", "1-2-3-4-5-6-7-8-9",
    "1234567890123456789012345", "**07700** 900123",
]  # fmt: skip

DIGIT_TEXTS = st.lists(st.sampled_from(PIECES + NUMBERS), max_size=40).map("".join)


@settings(max_examples=800, deadline=None)
@given(DIGIT_TEXTS)
def test_identifiers_with_many_digits_or_few_are_those_the_plain_code_finds(text: str) -> None:
    assert ids.find_identifiers(text) == plain_find_identifiers(text)


@settings(max_examples=300, deadline=None)
@given(DIGIT_TEXTS)
def test_digit_places_are_where_the_pattern_finds_digits(text: str) -> None:
    plain = ids.ascii_digits(text)
    expected = [m.start() for m in re.finditer(r"\d", plain)]
    places = ids._digit_places(plain)
    assert places == (expected if len(expected) <= ids._FEW_DIGITS else None)
    assert ids._holds_long_number(plain, places) == bool(ids._LONG_NUMBER_RE.search(plain))
    assert ids._holds_inward_code(plain, places) == bool(ids._INWARD_CODE_RE.search(plain))
    assert list(ids._dates_of_birth(plain, places)) == list(ids._dates_of_birth(plain))
    if places is not None:
        assert ids._o_beside_digit(plain, places) == bool(ids._O_BESIDE_DIGIT_RE.search(plain))


def test_a_digit_after_ascii_digits_is_one_of_0_to_9() -> None:
    """Every character ``\\d`` matches is written 0-9 by ``ascii_digits``, and only 0-9
    match the inward code's first class case-blind (all of Unicode, one at a time): so
    the digits ``_digit_places`` finds are every place those patterns can start."""
    digit = re.compile(r"\d")
    first = re.compile(r"[0-9]", re.IGNORECASE)
    for code in range(0x110000):
        char = chr(code)
        if unicodedata.category(char) == "Cs":
            continue
        if digit.fullmatch(char):
            assert ids.ascii_digits(char) in "0123456789", hex(code)
        if first.fullmatch(char):
            assert char in "0123456789", hex(code)


# findings.py: a place is looked for (to rule out a role after a word) only after a comma.

ROLE_PIECES = [
    " ", ",", " , ", ",\n", "\n", "Zulu", "Poland", "Tower Hamlets", "Bethnal Green", "a",
    "peer worker", "my", "father", "is", "was", "our", "friend", "(", "'s", "Ngozi", "-",
    "\u00a0", "\u200b", ".",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(ROLE_PIECES), max_size=16).map("".join))
def test_no_role_is_read_after_a_word_without_a_comma(text: str) -> None:
    words = Words(text)
    for index in range(len(words.words)):
        if not words.gap_after(index).lstrip().startswith(","):
            assert role_after(words, index) is None
