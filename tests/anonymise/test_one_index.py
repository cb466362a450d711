"""The privacy index and the one reading of a text (issue 14): each fast path gives
what the plain way gives, and the index holds what the anonymiser and the detector
each held before."""

from __future__ import annotations

import re
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from storysite.anonymise.folding import JOINER
from storysite.anonymise.identifiers import _SPELT_EMAIL_RE, _SPELT_TAIL_RES
from storysite.anonymise.index import PrivacyIndex
from storysite.anonymise.names import NameIndex, NameMatcher, split_words
from storysite.anonymise.text import _LETTER_TABLE, _WORD_TABLE, Letters, TextView, Words
from storysite.models import Person

PIECES = [
    "Ada", "Finch", "ada", "finch", "Ada Finch", "Zoë", "Ѕarah", "Dr", "O'Neill", "Mary-Jane",
    "Delacroix-Byrne", "jane_doe90", "12", "٣", "½", "²", " ", "  ", "\n", ".", ", ", "-", "_",
    "’", "“", "**", "~", "+", "/", "·", "—", "Ａｄａ", "e\u0301", "\u200b", "\u200b ", " \u200b",
    "ß", "at", " at ", "example", " dot ", "com", "(at)", "＠", "Ⓐ", "ⓐ", ".", "。", "uk", "net",
    "İ", "K",
]  # fmt: skip
TEXTS = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)
PEOPLE = [
    Person("Ada Finch"),
    Person("Mary-Jane O'Neill", aliases=("MJ",)),
    Person("Sarah Delacroix-Byrne", named=True),
    Person("Zoë Finch", aliases=("Z.F.",)),
]


def test_the_translation_tables_keep_the_characters_of_the_word_patterns() -> None:
    """_WORD_TABLE keeps what ``[^\\W_]`` matches, _LETTER_TABLE what ``[^\\W\\d_]``
    matches, and both make everything else a space: str.split then gives the words."""
    word, letter = re.compile(r"[^\W_]"), re.compile(r"[^\W\d_]")
    assert _WORD_TABLE[ord(JOINER)] == _LETTER_TABLE[ord(JOINER)] == ""  # as in a key
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if char == JOINER:
            continue
        assert _WORD_TABLE[code] == (char if word.match(char) else " ")
        assert _LETTER_TABLE[code] == (char if letter.match(char) else " ")


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_the_words_of_a_name_are_found_as_the_tokeniser_finds_them(text: str) -> None:
    """The automaton over the translated text finds the words of names that the
    tokeniser finds, in the same places (the path of text without JOINER)."""
    view = TextView(text)
    matcher = NameMatcher([NameIndex.of_people(PEOPLE, ["finch"])])
    words = Words(view.folded)
    wanted = matcher.indexes[0].words
    plain = [
        (words.start(i), words.end(i), key) for i, key in enumerate(words.keys) if key in wanted
    ]
    if JOINER in view.folded and plain:  # a word of hidden characters alone stops a name
        plain = [(words.start(i), words.end(i), key) for i, key in enumerate(words.keys)]
        plain = [hit for hit in plain if hit[2] in wanted or not hit[2]]
    assert matcher._hits(view) == plain


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_runs_of_letters_split_in_c_are_the_tokenised_ones(text: str) -> None:
    """find_joined's runs of letters (hidden characters inside them, left out of the
    key) are where a plain regular expression finds them."""
    folded = TextView(text).folded
    letters = Letters(folded)
    plain = [
        (m.start(), m.end(), m.group().replace(JOINER, ""))
        for m in re.finditer(rf"(?:[^\W\d_]|{JOINER})+", folded)
    ]
    assert list(letters.tokens) == plain
    assert [letters.tokens[n] for n in range(len(plain))] == plain
    assert letters.keys == [key for _, _, key in plain if key]


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_a_disguised_address_is_never_skipped(text: str) -> None:
    """The cheap tests before the disguised e-mail pattern pass wherever it matches."""
    if _SPELT_EMAIL_RE.search(text):
        assert any(tail.search(text) for tail in _SPELT_TAIL_RES)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=6).map("".join))
def test_known_words_are_every_word_of_every_name_alias_and_allowed_word(name: str) -> None:
    people = [*PEOPLE, Person(name, aliases=(name + " Jr",))]
    allow = ["Marks and Spencer", name]
    before = {w for p in people for form in p.forms for w in split_words(form)}
    before |= {w for entry in allow for w in split_words(entry)}
    assert PrivacyIndex(people, allow).known == frozenset(before)


def test_a_story_index_adds_the_storys_people_to_the_sites() -> None:
    site = PrivacyIndex([Person("Ada Finch")], ["kestrel"])
    story = site.for_story((Person("Quinton Marlow"),), ("heron",))
    text = "Ada Finch met Quinton Marlow by the Kestrel heron hide."
    assert [text[m.start : m.end] for m in story.matcher.find(text)] == [
        "Ada Finch",
        "Quinton Marlow",
    ]
    assert all(word in story.known for word in ("ada", "finch", "quinton", "kestrel", "heron"))
    assert "marlowe" not in story.known
    assert site.for_story((Person("Quinton Marlow"),), ("heron",)) is story
