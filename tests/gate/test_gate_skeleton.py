"""Skeletons (skeleton.py) on their own: the look-alike data read from Unicode's
confusables, and the letter and number skeletons of single characters."""

from __future__ import annotations

import pytest

from storysite.skeleton import folded, identifier_keys, latin_look_alikes, letters


def test_look_alikes_come_from_unicode_data_with_their_case() -> None:
    latin_look_alikes.cache_clear()
    table = latin_look_alikes()
    assert len(table) > 1000
    expected = {"Ј": "J", "ј": "j", "а": "a", "А": "A", "ı": "i", "ɑ": "a", "ꓮ": "A"}
    assert {char: table[char] for char in expected} == expected
    assert table["І"] == "I" and table["і"] == "i"  # Ukrainian I: not l, whatever the data
    assert all(len(char) == 1 and not char.isascii() for char in table)
    assert all(value.isascii() and value.isalpha() for value in table.values())


@pytest.mark.parametrize(
    ("text", "skeleton"),
    [
        ("Jane Quarrington", "Jane Quarrington"),
        ("Јое Сох", "Joe Cox"),
        ("ﬃ", "ffi"),
        ("Łukasz Øvergård", "Lukasz Overgard"),
        ("O'Neill OʼNeill O’Neill", "ONeill ONeill ONeill"),
        ("Ja\u200bne\x07 Doe\ufffe", "Jane Doe"),
        ("a-b_c.d/e+f", "a b c d e f"),
        ("ǅ ß", "Dz ss"),
        ("line\none", "line\none"),
        ("٣", " "),
        ("ĐÐđ Ħħ Ŧŧ Ɨɨ Łł Øø", "DDd Hh Tt Ii Ll Oo"),  # letters with a stroke
        ("Ѕ⃝o", "So"),  # an enclosing mark
    ],
)
def test_letter_skeletons(text: str, skeleton: str) -> None:
    assert letters(text) == skeleton


def test_a_look_alike_keeps_the_case_of_what_it_replaces() -> None:
    assert letters("ЈОЕ јое ІАN іаn ꓙꓳꓰ") == "JOE joe IAN ian JOE"


def test_folded_is_letters_only_in_lower_case() -> None:
    assert folded("Siobhan O'Neill-Byrne") == "siobhanoneillbyrne"
    assert folded("ＪＡＮＥ") == "jane"


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("07700 900123", {("phone", "7700900123")}),
        ("+44 (0)113 496 0000", {("phone", "1134960000")}),
        ("0044 20 7946 0000", {("phone", "2079460000")}),
        ("0113 496 000", {("phone", "113496000"), ("nhs_number", "0113496000")}),
        ("943 476 5919", {("nhs_number", "9434765919")}),
        ("lO77OO 9OO123l", {("phone", "7700900123")}),
        ("SW1A 1AA and GIR 0AA", {("postcode", "SW1A1AA"), ("postcode", "GIR0AA")}),
        (
            "M1 1AE, B33 8TH, CR2 6XH, DN55 1PT",
            {("postcode", c) for c in ("M11AE", "B338TH", "CR26XH", "DN551PT")},
        ),
        ("٠٧٧٠٠ ٩٠٠١٢٣", {("phone", "7700900123")}),
        ("0a1b2c3d4e5f67890123", set()),  # a digest
        ("xa1b2c3d4e5f67890123", set()),
        ("07700 9001234 5", set()),  # 12 digits: no shape
        ("see x1234567890abcdef", {("nhs_number", "1234567890")}),  # a word, not a digest
        ("07700\u200b900\u00ad123", {("phone", "7700900123")}),  # hidden characters
        ("SW1A 1AA or 07700 900123", {("postcode", "SW1A1AA"), ("phone", "7700900123")}),
        ("07700 900123 or 943 476 5919", {("phone", "7700900123"), ("nhs_number", "9434765919")}),
        ("⁰⁷⁷⁰⁰ ⁹⁰⁰¹²³", {("phone", "7700900123")}),  # digits only by compatibility
        ("0770 0900", set()),
        ("SW1A 1CA", set()),  # C is never in an inward code
        ("12:30 2020-01-01T00:00:00+00:00", set()),
    ],
)
def test_number_skeletons(text: str, keys: set[tuple[str, str]]) -> None:
    assert identifier_keys(text) == keys


def test_no_letter_of_a_skeleton_changes_length_in_lower_case() -> None:
    """The gate finds a word's capitals by position in the lower-case haystack."""
    for code in range(0x30000):
        skeleton = letters(chr(code))
        assert len(skeleton.lower()) == len(skeleton), hex(code)
