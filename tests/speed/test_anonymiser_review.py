"""Review of the anonymiser's first-pass speed-ups: names are found whatever their
number."""

from __future__ import annotations

from storysite.anonymise.names import NameIndex, NameMatcher
from storysite.models import Person


def test_a_long_text_with_many_names_is_still_read_whole() -> None:
    """Every protected name is found wherever it is, with hundreds of first words."""
    people = [Person(f"Given{i} Family{i}", named=i % 2 == 1) for i in range(300)]
    matcher = NameMatcher([NameIndex.of_people(people)])
    text = " ".join(f"Given{i} met Family{i}." for i in range(300)) + " Given298 Family298."
    found = matcher.find(text)
    expected = [w for i in range(0, 300, 2) for w in (f"Given{i}", f"Family{i}")]
    assert [text[m.start : m.end] for m in found] == [*expected, "Given298 Family298"]
