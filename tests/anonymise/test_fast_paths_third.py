"""The anonymiser's third round of fast paths gives what the code before it gave.

As in test_fast_paths.py, each test compares a fast path with the plain code it
replaces (kept there or here under a clear name) on generated text built from the
pieces that matter to it: digits of other scripts, the letter O beside digits,
long numbers, postcodes, dates and their cues, possessives, capitals, accents,
entities, %-encoding, hidden characters and confusable letters.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

import ahocorasick_rs
from hypothesis import given, settings
from hypothesis import strategies as st
from test_fast_paths import CUES, PIECES, plain_find_identifiers

from storysite import awkward
from storysite._seal import ANONYMISER_SEAL
from storysite.anonymise import folding, names, normalise
from storysite.anonymise import identifiers as ids
from storysite.anonymise import text as text_module
from storysite.anonymise.names import NameIndex
from storysite.anonymise.normalise import EXPANDED
from storysite.anonymise.signals import Words, role_after
from storysite.anonymise.text import TextView
from storysite.anonymise.vocabulary import ordinary_words
from storysite.models import AnonymisedStory, Person, Replacements, SourceStory

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


# awkward.py: the body's replacements read once, the phrase's places found with str.find.


def _plain_awkward(story: AnonymisedStory) -> list[awkward.Awkward]:
    """awkward_replacements as it was before this round."""
    found: list[awkward.Awkward] = []
    shown = sorted(
        {r.shown_as for r in story.replacements if r.kind == "name" and r.field == "body"}
    )
    phrases = [w for w in shown if w.split(" ", 1)[0].lower() in awkward.DETERMINERS]
    starts = awkward._possessive_starts(story.body) if phrases else None
    lines_of: dict[str, list[int | None]] = {}
    for replacement in story.replacements if phrases else ():
        if replacement.field == "body":
            lines_of.setdefault(replacement.shown_as, []).append(replacement.line)
    for words in phrases:
        lines = lines_of.get(words, [])
        pattern = re.compile(awkward._BEFORE + re.escape(words) + r"\b", re.IGNORECASE)
        places: list[int] | None = None
        for match in awkward._matches(pattern, story.body, starts):
            if places is None:
                found_at = re.finditer(re.escape(words), story.body, re.IGNORECASE)
                places = [m.start() for m in found_at]
            end = match.end() - len(words)
            index = places.index(end) if end in places else -1
            line = lines[index] if 0 <= index < len(lines) else awkward._line(story, match.start())
            found.append(awkward.Awkward(line, " ".join(match.group().split())))
    return sorted(found, key=lambda a: (a.line or 0, a.text))


SHOWN = ["a carer", "A Carer", "another service user", "the team", "a", "my friend", "Sam",
         "a café user", "[name removed]", "a peer worker"]  # fmt: skip
AWKWARD_PROSE = [
    " ", "  ", "\n", ", ", "(", "’s", "My", "my", "MY", "our", "her", "their", "your",
    "hour", "other", "friend", "old", "care coordinator", "said", "x", "hıs", "hİs", "ſ",
    "\u212a", "İ", "Zoë", "my\u200bfriend", "a", "A", *SHOWN,
]  # fmt: skip
REPLACEMENTS = st.lists(
    st.tuples(
        st.sampled_from(["body", "title", "summary"]),
        st.one_of(st.none(), st.integers(1, 40)),
        st.sampled_from(["name", "email"]),
        st.sampled_from(SHOWN),
    ),
    max_size=12,
)


def _anonymised(body: str, rows: list[tuple[str, int | None, str, str]]) -> AnonymisedStory:
    source = SourceStory(Path("a.md"), "a.md", "T", dt.date(2026, 1, 1), body, 10)
    return AnonymisedStory(
        source=source,
        slug="t",
        title="T",
        summary="",
        tags=(),
        body=body,
        image_alt="",
        content_warning="",
        replacements=Replacements(rows),
        seal=ANONYMISER_SEAL,
    )


AWKWARD_BODIES = st.lists(st.one_of(st.sampled_from(AWKWARD_PROSE), CUES), max_size=30).map("".join)


@settings(max_examples=500, deadline=None)
@given(AWKWARD_BODIES, REPLACEMENTS)
def test_awkward_replacements_are_those_the_plain_code_finds(
    body: str, rows: list[tuple[str, int | None, str, str]]
) -> None:
    story = _anonymised(body, rows)
    assert awkward.awkward_replacements(story) == _plain_awkward(story)


@settings(max_examples=300, deadline=None)
@given(AWKWARD_BODIES, st.sampled_from(SHOWN))
def test_a_phrase_stands_where_a_case_blind_search_finds_it(text: str, words: str) -> None:
    expected = [m.start() for m in re.finditer(re.escape(words), text, re.IGNORECASE)]
    assert awkward._places(words, text, awkward._lowered(text)) == expected


# names.py: an index of a few words finds them with str.find, not an automaton.

FEW_WORDS = ["jane", "doe", "quarrington", "a", "aa", "o", "neill", "zoe", "jane doe", "x1"]
SPACED_PIECES = [" ", "  ", "jane", "doe", "a", "aa", "aaa", "o", "neill", "zoe", "x1", "1",
                 "janedoe", "quarrington", "quarringtons", "é", "\u00a0"]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(
    st.sets(st.sampled_from(FEW_WORDS), min_size=1, max_size=7),
    st.lists(st.sampled_from(SPACED_PIECES), max_size=30).map("".join),
)
def test_a_few_words_are_found_where_the_automaton_finds_them(words: set[str], text: str) -> None:
    index = NameIndex.of_people([], sorted(words))
    assert len(index.words) <= names._FEW_WORDS
    spaced = TextView(text).spaced
    patterns = sorted(index.words)
    automaton = ahocorasick_rs.AhoCorasick([f" {word} " for word in patterns])
    found = automaton.find_matches_as_indexes(spaced, overlapping=True)
    expected = {(start, end - 2, patterns[number]) for number, start, end in found}
    hits = index.hits(spaced)
    assert len(hits) == len(set(hits))
    assert set(hits) == expected


# names.py: the words that are not ordinary English worked out once for every index.


UNUSUAL_KEYS = [*SPACED_PIECES, *FEW_WORDS, "the", "annual", "xjanex", "quarringtons"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(UNUSUAL_KEYS), max_size=20))
def test_candidates_are_the_same_with_the_unusual_words_given(keys: list[str]) -> None:
    people = [Person("Jane Quarrington"), Person("Zoe Neill", aliases=("JD",))]
    given_unusual = NameIndex.of_people(people, ["the team"]).joined
    worked_out = NameIndex.of_people(people, ["the team"]).joined
    words = set(keys)
    assert given_unusual.candidates(words, words - ordinary_words()) == worked_out.candidates(words)


# folding.py: the characters outside ASCII found in C, each folded with str.replace.

#: Characters that fold to another outside ASCII that folds again (Σ -> σ -> o, Г ->
#: г -> r), look-alikes, accents, quotes, hidden characters, a lone surrogate.
FOLD_PIECES = [
    "Σ", "σ", "ς", "Г", "г", "ŉ", "ʼ", "ɣ", "Ѕarah", "Јane", "Zoë", "Zoe\u0308", "“", "”", "’",
    "`", "\u1fef", "ß", "ﬁ", "\u200b", "\u00ad", "é", "É", "ı", "İ", "\u212a", "\ud800", "Ａ",
    "\ud83d", "\ude00",
    "jane", "JANE", " ", "\n", "&amp;", "%4A", "王伟", "٣", "²",
]  # fmt: skip
FOLD_TEXTS = st.lists(st.sampled_from(FOLD_PIECES), max_size=25).map("".join)


def _plain_fold(text: str) -> str:
    """fold as it was before this round (its ASCII path is unchanged)."""
    if text.isascii():
        return text.lower().replace("`", "'")
    return folding._NON_ASCII_RE.sub(folding._fold_run, text.replace("`", "'")).lower()


@settings(max_examples=500, deadline=None)
@given(FOLD_TEXTS)
def test_folding_each_character_is_folding_the_runs(text: str) -> None:
    assert folding.non_ascii(text) == set(re.findall(r"[^\x00-\x7f]", text))
    assert folding.fold(text) == _plain_fold(text)
    expanded = re.compile("[" + "".join(EXPANDED) + "]")
    plain = "&" not in text and "%" not in text and (text.isascii() or not expanded.search(text))
    assert normalise._nothing_encoded(text) == plain


@settings(max_examples=300, deadline=None)
@given(st.one_of(FOLD_TEXTS, DIGIT_TEXTS))
def test_digits_outside_ascii_are_read_from_the_characters_found(text: str) -> None:
    chars = set(re.findall(r"[^\x00-\x7f]", text))
    plain = text if text.isascii() else ids._NON_ASCII_DIGIT_RE.sub(ids._ascii_digit, text)
    assert ids.ascii_digits(text) == plain
    assert ids._has_digit(text) == (ids._DIGIT_RE.search(text) is not None)
    assert folding.non_ascii(text) == chars


# text.py: characters outside ASCII that become spaces replaced before translating.


@settings(max_examples=400, deadline=None)
@given(st.one_of(FOLD_TEXTS, st.text(max_size=60)))
def test_translating_after_the_spaces_is_translating_the_whole(text: str) -> None:
    for table in (text_module._WORD_TABLE, text_module._LETTER_TABLE):
        assert text_module._translate(text, table) == text.translate(table)
        folded = folding.fold(text)
        assert text_module._translate(folded, table) == folded.translate(table)
