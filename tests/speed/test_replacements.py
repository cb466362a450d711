"""A story's replacements are kept as plain rows (models.Replacements): read from a
build's cache without making 100,000 objects, and the same to everything that reads
them as the tuple of Replacement they were."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from storysite.incremental import dumps, loads
from storysite.models import Replacement, Replacements

ROWS = st.lists(
    st.builds(
        Replacement,
        st.sampled_from(["body", "title", "summary"]),
        st.one_of(st.none(), st.integers(1, 500)),
        st.sampled_from(["name", "email", "phone"]),
        st.text(max_size=12),
    ),
    max_size=30,
)


@given(ROWS)
def test_replacements_read_as_the_tuple_they_were_made_from(found: list[Replacement]) -> None:
    kept = Replacements.of(found)
    assert list(kept) == found and len(kept) == len(found) and bool(kept) == bool(found)
    assert kept == tuple(found) and kept == Replacements.of(found)
    assert [kept[i] for i in range(len(found))] == found
    assert list(kept[1:]) == found[1:]
    assert hash(kept) == hash(Replacements.of(found))


@given(ROWS)
def test_replacements_come_back_from_the_cache_whole(found: list[Replacement]) -> None:
    back = loads(dumps(Replacements.of(found)))
    assert isinstance(back, Replacements) and list(back) == found
