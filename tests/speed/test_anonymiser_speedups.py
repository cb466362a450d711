"""The anonymiser's first pass skips work it can prove is empty (issue #7). Each skip
is checked here against the plain way of doing the same thing, and with adversarial
text that a careless skip would let through."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from storysite.anonymise import Anonymiser, _url_ranges
from storysite.anonymise.findings import Known, suspects
from storysite.anonymise.folding import JOINER, WORD_RE, fold, word_key
from storysite.anonymise.hidden import find_hidden
from storysite.anonymise.names import NameIndex, NameMatcher
from storysite.anonymise.text import Words
from storysite.config import SiteConfig
from storysite.models import Person, SourceStory

PIECES = [
    "Ada", "Finch", "ada", "FINCH", "Zoë", "Ѕarah", "Jo\u200bhn", "Dr", "Dr.", "MRS", "Nurse",
    "my sister", "called", "Will", "May", "Grace", "Marks & Spencer", "www.ada-finch.org",
    "https://x.org/ada", "’", "“", "'s", "**", "_", "-", ".", " ", "\t", "\n", "# ", "12",
    "Ａｄａ", "e\u0301", JOINER, "Ⅰ", "①", "K", "ſ",
]  # fmt: skip
TEXTS = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_words_have_the_places_and_keys_of_the_word_pattern(text: str) -> None:
    folded = fold(text)
    words = Words(folded)
    plain = list(WORD_RE.finditer(folded))
    assert words.keys == [word_key(m.group()) for m in plain]
    assert [(words.start(i), words.end(i)) for i in range(len(words))] == [m.span() for m in plain]


def _plain_mixed(text: str) -> bool:
    import unicodedata

    from storysite.anonymise.hidden import LOOK_ALIKE_SCRIPTS, script_of

    for m in re.finditer(r"[^\W\d_]+", text):
        scripts = {script_of(c) for c in m.group() if unicodedata.category(c).startswith("L")}
        if len(scripts) > 1 and scripts & LOOK_ALIKE_SCRIPTS:
            return True
    return False


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_mixed_alphabets_are_found_whatever_else_the_text_holds(text: str) -> None:
    found = any("alphabets" in h.why for h in find_hidden(text))
    assert found == (_plain_mixed(text) and not text.isascii())


def test_a_cyrillic_letter_among_curly_quotes_is_still_found() -> None:
    text = "“I asked ’em,” she said. Then \u0405arah came in."
    assert [h.word for h in find_hidden(text)] == ["\u0405arah"]


def test_titles_are_found_after_other_capitals() -> None:
    text = "NHS MRS Patel. On Monday Dr. Quill and Nurse\tBriggs came; Mx Oduya too. Prof Lund."
    words = [s.word for s in suspects(text, Known(frozenset()))]
    assert words[:5] == ["Patel", "Quill", "Briggs", "Oduya", "Lund"]


def test_a_name_in_a_bare_web_address_late_in_the_text_is_made_a_slug() -> None:
    text = "Some words " * 50 + "see www.ada-finch.org/ today"
    assert _url_ranges(text) == [(len(text) - len("www.ada-finch.org/ today"), len(text) - 6)]


def _source(people: tuple[Person, ...], body: str) -> SourceStory:
    import datetime as dt

    return SourceStory(Path("s.md"), "s.md", "T", dt.date(2020, 1, 1), body, 5, people=people)


def test_one_storys_people_never_carry_over_to_the_next() -> None:
    """The anonymiser keeps the last story's matcher for its tree pass: a story with
    other people must get its own."""
    anonymiser = Anonymiser(SiteConfig(root=Path("."), title="T"))
    first = _source((Person("Ada Finch"),), "I met Ada Finch.")
    second = _source((Person("Ada Finch", named=True),), "I met Ada Finch.")
    third = _source((), "I met Ada Finch.")
    assert "Ada" not in anonymiser.story(first)[0].body
    assert anonymiser.story(second)[0].body == "I met Ada Finch."
    kept, findings = anonymiser.story(third)
    assert kept.body == "I met Ada Finch." and [f.word for f in findings] == ["Ada Finch"]
    assert anonymiser.tree_pass(kept).find("Ada Finch") == []
    again = anonymiser.story(first)[0]
    assert "Ada" not in again.body and anonymiser.tree_pass(again).find("Ada Finch")


def test_the_first_of_equal_forms_still_wins_across_register_and_story() -> None:
    """A register and a story sharing first words: longer names win, a protected part
    of a name beats a named person's one-word name, and a part that is an ordinary
    word ("lowe" is not; "rose" is) is no part in lower case."""
    register = NameIndex.of_people([Person("Sam Rivera Lowe"), Person("Sam Okoro Rose")])
    matcher = NameMatcher([register, NameIndex.of_people([Person("Sam", named=True)])])
    found = matcher.find("Sam Rivera Lowe met Sam, and Sam Okoro Rose met rose and lowe.")
    assert [(m.start, m.end, m.form.kind) for m in found] == [
        (0, 15, "full"),
        (20, 23, "part"),
        (29, 43, "full"),
        (57, 61, "part"),
    ]


def test_a_story_with_curly_quotes_still_holds_and_replaces() -> None:
    anonymiser = Anonymiser(SiteConfig(root=Path("."), title="T"))
    source = _source(
        (Person("Jane Roe"),),
        "“Hello,” said Ｊane Roe’s friend. My sister Wendeline came. Ask Dr. Blom.",
    )
    anonymised, findings = anonymiser.story(source)
    assert "ane Roe" not in anonymised.body and "’s friend" in anonymised.body
    assert [f.word for f in findings] == ["Blom", "Wendeline", "Ｊane"]


# --- identifiers.py: the long-number pre-check -------------------------------------

_NUMBERISH = st.lists(
    st.sampled_from(
        ["0", "07700", "900", "123", "1", "44", "+", "00", " ", "  ", "-", ".", "(", ")",
         "(0)", "\n", "\t", "\u00a0", "x", "٣", "2019"]
    ),
    max_size=16,
).map("".join)  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(_NUMBERISH)
def test_every_phone_and_nhs_number_passes_the_long_number_precheck(text: str) -> None:
    from storysite.anonymise import identifiers

    if identifiers.PHONE_RE.search(text) or identifiers.NHS_RE.search(text):
        assert identifiers._LONG_NUMBER_RE.search(text)


def test_phone_numbers_with_the_widest_gaps_are_still_found() -> None:
    from storysite.anonymise.identifiers import find_identifiers

    for written in ("+44 (0) 7700 900 123", "(0113) 496 0000", "07700.900.123", "0 7700-900-12-3"):
        kinds = {i.kind for i in find_identifiers(f"Ring {written} today")}
        assert "phone" in kinds, written


# --- hidden.py: only words holding a non-ASCII letter are read ---------------------


def _mixed_words_the_plain_way(text: str) -> list[tuple[str, int]]:
    return [
        (m.group(), m.start()) for m in re.finditer(r"[^\W\d_]+", text) if not m.group().isascii()
    ]


_MIXED = st.lists(
    st.sampled_from(
        ["Sarah", "Ѕarah", "Zoë", "ω", "a", "Ⅰ", "½", "2", "_", " ", "-", "é", "漢字", "\n"]
    ),
    max_size=20,
).map("".join)  # fmt: skip


@settings(max_examples=2000, deadline=None)
@given(_MIXED)
def test_words_with_non_ascii_letters_are_the_plain_ones(text: str) -> None:
    from storysite.anonymise.hidden import _words_with_non_ascii_letters

    assert list(_words_with_non_ascii_letters(text)) == _mixed_words_the_plain_way(text)


@settings(max_examples=500, deadline=None)
@given(TEXTS)
def test_word_keys_made_in_c_are_word_key_of_each_word(text: str) -> None:
    from storysite.anonymise.text import _keys

    words = WORD_RE.findall(fold(text))
    assert _keys(fold(text)) == [word_key(w) for w in words]
    assert Words(fold(text)).keys == [word_key(w) for w in words]


# --- patterns that test the character before after their first letter ---------------

_PLAIN_INITIALS_RE = re.compile(r"(?<![\w.])((?:[A-Z]\.[ \t]?){2,3}|[A-Z]{2,3})(?![\w])")
_PLAIN_ADDRESS_RE = re.compile(r"(?<![(<])\b((?:https?://|www\.)[^\s<>()\]]+)")
_PATTERN_TEXTS = st.lists(
    st.sampled_from(
        ["J", "D", "A", ".", ". ", " ", "\t", "\n", "x", "_", "1", "é", "(", "<", "[", "]",
         "JD", "J.D.", "h", "w", "http://", "https://", "www.", "a.org", ")", ">", "É"]
    ),
    max_size=25,
).map("".join)  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(_PATTERN_TEXTS)
def test_initials_and_bare_addresses_match_as_the_plain_patterns_do(text: str) -> None:
    from storysite.anonymise import _URL_RES
    from storysite.anonymise.findings import INITIALS_RE

    def spans(pattern: re.Pattern[str]) -> list[tuple[int, int]]:
        return [m.span(1) for m in pattern.finditer(text)]

    assert spans(INITIALS_RE) == spans(_PLAIN_INITIALS_RE)
    assert spans(_URL_RES[3]) == spans(_PLAIN_ADDRESS_RE)
