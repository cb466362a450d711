"""The search index made from the last build's (issue 14): when a few stories' words
change, only their terms are worked out again, and every file is the same, byte for
byte, as the index made from scratch."""

from __future__ import annotations

from array import array
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from sitekit import MakeSite, run_build, story

from storysite import incremental
from storysite.build import _index_key
from storysite.cache import cache_dir
from storysite.config import load_config
from storysite.search import Entry, IndexState, build_index, index_with_state

#: A few term hashes shared by many stories (long lists), and the extremes of 32 bits.
TERMS = st.one_of(st.integers(0, 12), st.sampled_from([2**32 - 1, 2**31, 99_999]))
WEIGHTS = st.dictionaries(TERMS, st.integers(1, 40), max_size=8)


def hashed(weights: dict[int, int]) -> bytes:
    """``search.hashed_weights``'s form: (hash, weight) pairs in hash order."""
    return array("I", [n for pair in sorted(weights.items()) for n in pair]).tobytes()


def entries(count: int) -> list[Entry]:
    return [Entry(f"s{n}/", f"Story {n}", "2020-01-01", "", (), "") for n in range(count)]


def search_files(output: Path) -> dict[str, bytes]:
    return {
        p.relative_to(output).as_posix(): p.read_bytes()
        for p in output.rglob("*")
        if p.is_file() and p.name.startswith(("search-index", "terms-", "stories-"))
    }


@st.composite
def edits(draw: st.DrawFn) -> tuple[list[dict[int, int]], list[list[dict[int, int]]]]:
    """Stories' words, then a few rounds each changing some stories' words."""
    first = draw(st.lists(WEIGHTS, min_size=1, max_size=12))
    rounds = []
    current = list(first)
    for _ in range(draw(st.integers(1, 4))):
        changed = draw(st.lists(st.integers(0, len(first) - 1), max_size=4))
        for number in changed:
            current[number] = draw(WEIGHTS)
        rounds.append(list(current))
    return first, rounds


@settings(max_examples=300, deadline=None)
@given(edits())
def test_an_index_patched_round_after_round_is_the_index_made_from_scratch(
    case: tuple[list[dict[int, int]], list[list[dict[int, int]]]],
) -> None:
    first, rounds = case
    stories = entries(len(first))
    _, state = index_with_state(stories, [hashed(w) for w in first])
    for weights in rounds:
        blobs = [hashed(w) for w in weights]
        patched = index_with_state(stories, blobs, state)
        scratch = index_with_state(stories, blobs)
        assert patched[0] == scratch[0] == build_index(stories, blobs)
        assert patched[1] == scratch[1]  # the same postings for the next round
        state = patched[1]


def test_a_story_more_or_fewer_makes_the_index_from_scratch() -> None:
    stories = entries(3)
    _, state = index_with_state(stories, [hashed({1: 2}), hashed({1: 3}), hashed({2: 1})])
    four = entries(4)
    blobs = [hashed({1: 2}), hashed({5: 1}), hashed({1: 3}), hashed({2: 1})]
    assert index_with_state(four, blobs, state)[0] == build_index(four, blobs)


def test_a_word_that_leaves_every_story_leaves_the_index() -> None:
    stories = entries(2)
    _, state = index_with_state(stories, [hashed({7: 2}), hashed({8: 1})])
    index, after = index_with_state(stories, [hashed({8: 3}), hashed({8: 1})], state)
    assert after.postings == {"8": "[0,3,1,1]"}
    assert not any(b'"7"' in content for _, content in index.files)


def test_a_cached_build_after_an_edit_writes_the_search_index_of_a_fresh_build(
    make_site: MakeSite,
) -> None:
    """Through the whole build, its own process for the index included (two workers):
    words added, taken away and changed in one story, and another story's title."""
    stories = {
        f"s{n:02d}.md": story(
            title=f"Walk {n}",
            body=f"We walked by the canal {n} times.",
            date=f"2021-01-{n + 1:02d}",
        )
        for n in range(12)
    }
    site = make_site(stories)
    two = ("--workers", "2")
    assert run_build(site, "--output", str(site / "out"), *two).exit_code == 0
    store = incremental.Store(cache_dir(load_config(site).root))
    assert isinstance(store.get(_index_key()), IndexState)  # the next build starts from it
    store.close()
    before = search_files(site / "out")
    (site / "stories" / "s03.md").write_text(
        story(title="Walk 3", body="We cycled by the reservoir, twice.", date="2021-01-04"),
        encoding="utf-8",
    )
    assert run_build(site, "--output", str(site / "out"), *two).exit_code == 0
    assert run_build(site, "--output", str(site / "fresh"), "--no-cache").exit_code == 0
    after = search_files(site / "out")
    assert after == search_files(site / "fresh")
    assert after != before and after.keys() == before.keys()
