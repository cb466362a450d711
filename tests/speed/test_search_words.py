"""A story's search words, worked out more cheaply (issue 14), exactly as before: the
folding of ASCII text, and the weight of a word met several times."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from storysite.search import WEIGHTS, Entry, fold, terms, weights


def fold_as_before(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return (
        re.sub("[\u0300-\u036f]", "", decomposed)
        .replace("\u2018", "'")
        .replace("\u2019", "'")
        .lower()
    )


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_text_folds_as_before(text: str) -> None:
    assert fold(text) == fold_as_before(text)


@given(st.text())
def test_any_text_folds_as_before(text: str) -> None:
    assert fold(text) == fold_as_before(text)


def test_a_words_weight_from_its_count_is_as_before() -> None:
    for count in [*range(1, 5000), 2**20 - 1, 2**20, 2**40 + 1]:
        assert min(4, count.bit_length()) == 1 + min(3, int(math.log2(count)))


def weights_as_before(entry: Entry) -> Counter[str]:
    found: Counter[str] = Counter()
    for field, weight in WEIGHTS.items():
        value = " ".join(entry.tags) if field == "tags" else getattr(entry, field)
        for term in set(terms(value)):
            found[term] += weight
    for term, count in Counter(terms(entry.text)).items():
        found[term] += 1 + min(3, int(math.log2(count)))
    return found


WORDS = st.sampled_from(["care", "carers", "caring", "Ward", "café", "naïve", "it's", "the", "a"])
PROSE = st.lists(st.one_of(WORDS, st.text(max_size=8)), max_size=40).map(" ".join)
#: Text that says some words again and again (weights 1 to 4 by how often).
REPEATED = st.lists(WORDS, min_size=20, max_size=80).map(" ".join)


@given(PROSE, PROSE, st.one_of(REPEATED, PROSE), st.lists(PROSE, max_size=3))
def test_a_storys_word_weights_are_as_before(
    title: str, summary: str, text: str, tags: list[str]
) -> None:
    entry = Entry("s/", title, "2020-01-01", summary, tuple(tags), text)
    assert weights(entry) == weights_as_before(entry)
