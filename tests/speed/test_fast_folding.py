"""The fast paths of folding and tokenising give exactly what the slow ones gave."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from storysite.anonymise.folding import _TABLE, JOINER, PLAIN_WORD_RE, WORD_RE, fold, fold_char


def test_every_folded_character_is_one_character_lower_leaves_alone() -> None:
    # fold() lowers the whole text after folding its non-ASCII runs: sound only if so.
    for code in range(0x80, 0x110000):
        if 0xD800 <= code < 0xE000:
            continue
        folded = fold_char(chr(code))
        assert len(folded) == 1 and folded.lower() == folded, hex(code)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_fold_equals_the_table(text: str) -> None:
    assert fold(text) == text.translate(_TABLE)


@given(st.text(alphabet="aZ`\u1fef\u2019 İé\u200bﬁＪ-_.9", max_size=40))
def test_fold_equals_the_table_on_tricky_characters(text: str) -> None:
    assert fold(text) == text.translate(_TABLE)
    assert len(fold(text)) == len(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_plain_words_are_the_same_words_without_joiners(text: str) -> None:
    folded = fold(text).replace(JOINER, " ")
    assert PLAIN_WORD_RE.findall(folded) == WORD_RE.findall(folded)
