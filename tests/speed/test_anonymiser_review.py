"""Review of the anonymiser's first-pass speed-ups: word_positions gives what a plain
loop gives on both of its paths (its cost with many keys is measured in benchmarks/,
not timed here), and names are found whatever their number."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from storysite.anonymise.names import NameIndex, NameMatcher, word_positions
from storysite.models import Person

WORDS = ["ada", "finch", "sam", "will", "hope", "may", "the", "a", "", "k", "s"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=60), st.sets(st.sampled_from(WORDS)))
def test_word_positions_are_the_plain_loops(keys: list[str], hits: set[str]) -> None:
    assert word_positions(keys, hits) == [i for i, key in enumerate(keys) if key in hits]


def test_a_long_text_with_many_names_is_still_read_whole() -> None:
    """Every protected name is found wherever it is, with hundreds of first words."""
    people = [Person(f"Given{i} Family{i}", named=i % 2 == 1) for i in range(300)]
    matcher = NameMatcher([NameIndex.of_people(people)])
    text = " ".join(f"Given{i} met Family{i}." for i in range(300)) + " Given298 Family298."
    found = matcher.find(text)
    expected = [w for i in range(0, 300, 2) for w in (f"Given{i}", f"Family{i}")]
    assert [text[m.start : m.end] for m in found] == [*expected, "Given298 Family298"]
