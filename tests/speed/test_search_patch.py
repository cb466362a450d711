"""The search index made from the last build's (issue 14): when a few stories' words
change, only their terms are worked out again, and every file is the same, byte for
byte, as the index made from scratch."""

from __future__ import annotations

from array import array
from collections.abc import Callable
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from sitekit import MakeSite, run_build, run_subprocess, story

from storysite import incremental
from storysite.cache import cache_dir
from storysite.config import load_config
from storysite.search import (
    Before,
    Entry,
    IndexState,
    _patched,
    build_index,
    changed_stories,
    index_with_state,
)

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


def before_of(
    state: IndexState, blobs: list[bytes]
) -> Callable[[tuple[bytes, ...]], Before | None]:
    """What a build's cache gives: the last state, and each changed story's words then."""

    def before(now: tuple[bytes, ...]) -> Before | None:
        changed = changed_stories(state, now)
        return None if changed is None else Before(state, {n: blobs[n] for n in changed})

    return before


@settings(max_examples=300, deadline=None)
@given(edits())
def test_an_index_patched_round_after_round_is_the_index_made_from_scratch(
    case: tuple[list[dict[int, int]], list[list[dict[int, int]]]],
) -> None:
    first, rounds = case
    stories = entries(len(first))
    last = [hashed(w) for w in first]
    _, state = index_with_state(stories, last)
    for weights in rounds:
        blobs = [hashed(w) for w in weights]
        patched = index_with_state(stories, blobs, before_of(state, last))
        scratch = index_with_state(stories, blobs)
        assert patched[0] == scratch[0] == build_index(stories, blobs)
        assert patched[1] == scratch[1]  # the same postings for the next round
        # ... and made by patching, not from scratch:
        before = before_of(state, last)(tuple(blobs))
        assert before is not None and _patched(before, tuple(blobs)) == scratch[1].postings
        state, last = patched[1], blobs


def test_a_story_more_or_fewer_makes_the_index_from_scratch() -> None:
    three = [hashed({1: 2}), hashed({1: 3}), hashed({2: 1})]
    _, state = index_with_state(entries(3), three)
    four = [hashed({1: 2}), hashed({5: 1}), hashed({1: 3}), hashed({2: 1})]
    assert before_of(state, three)(tuple(four)) is None
    made = index_with_state(entries(4), four, before_of(state, three))[0]
    assert made == build_index(entries(4), four)


def test_words_that_are_not_the_last_builds_are_never_patched_in() -> None:
    """A cache that gives a changed story's words wrongly (another story's) is not
    used: the index is made from scratch."""
    old = [hashed({1: 2}), hashed({3: 3})]
    _, state = index_with_state(entries(2), old)
    new = (hashed({1: 2}), hashed({4: 1}))
    wrong = Before(state, {1: old[0]})
    assert _patched(wrong, new) is None
    index, _ = index_with_state(entries(2), new, lambda _: wrong)
    assert index == build_index(entries(2), list(new))


def test_a_word_that_leaves_every_story_leaves_the_index() -> None:
    old = [hashed({7: 2}), hashed({8: 1})]
    _, state = index_with_state(entries(2), old)
    new = [hashed({8: 3}), hashed({8: 1})]
    index, after = index_with_state(entries(2), new, before_of(state, old))
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
    kept = store.get(incremental.index_key())
    assert isinstance(kept[1], IndexState)  # the next build starts from it
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


def test_a_build_that_works_out_no_story_keeps_its_cache(make_site: MakeSite) -> None:
    """The search index's process writes the cache while the build's own process holds
    its connection: that connection must not still be reading (a transaction left open
    made its next write fail, and the whole cache was thrown away). A new file among the
    templates remakes every page and works out no story. In fresh processes, two
    workers: inside pytest a running thread can stop the fork."""
    site = make_site(
        {f"s{n}.md": story(title=f"Walk {n}", date=f"2021-02-{n + 1:02d}") for n in range(6)}
    )
    args = ("build", "--site", str(site), "--today", "2026-11-27", "--workers", "2")
    assert run_subprocess(*args).returncode == 0
    (site / "templates").mkdir()
    (site / "templates" / "notes.txt").write_text("a note for the team\n", encoding="utf-8")
    assert run_subprocess(*args).returncode == 0
    store = incremental.Store(cache_dir(load_config(site).root))
    kinds = {kind for (kind,) in store._connection.execute("SELECT kind FROM entries")}  # type: ignore[union-attr]
    store.close()
    assert {"story", "manifest", "index"} <= kinds
    again = run_subprocess(*args)
    assert "nothing had changed" in again.stdout, again.stdout
