"""A long text is matched piece by piece (names.match_pieces): the gate must find a
protected name in the pieces exactly when it finds one in the whole text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from storysite.anonymise.names import NameIndex, NameMatcher, match_pieces
from storysite.models import Person

PEOPLE = (
    Person(name="Jane Doe", named=False, aliases=("JD",)),
    Person(name="Anna Jane Smith", named=True),
    Person(name="Tomás O'Neill", named=False),
)
PIECES = [
    "Jane Doe", "Anna Jane Smith", "Anna Jane\n*Smith*",
    "Jane", "Doe", "jane", "Anna", "Smith", "Tomás", "O'Neill", "JD", "Dr", " ", "  ",
    "\n", "-", ".", "'s", "*", "~", "_", '"', ",", ":", "{", "}", "[", "]", "<b>", "</b>",
    "&", "#", "/", "\u2019", "\u200b", "xy",
]  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join), st.integers(1, 12))
def test_a_text_in_pieces_holds_a_protected_name_when_the_whole_does(text: str, size: int) -> None:
    matcher = NameMatcher([NameIndex.of_people(PEOPLE)])
    parts = list(match_pieces(text, size))
    assert "".join(parts) == text
    assert bool(matcher.find(text)) == any(matcher.find(part) for part in parts)


def test_a_long_search_index_is_cut_only_between_names() -> None:
    entry = '{"title": "A day with Jane Doe", "summary": "Jane\\u00a0Doe said so"},'
    text = "[" + entry * 40_000 + "]"
    parts = list(match_pieces(text))
    assert len(parts) > 1 and "".join(parts) == text
    matcher = NameMatcher([NameIndex.of_people(PEOPLE)])
    assert all(matcher.find(part) for part in parts)
