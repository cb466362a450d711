"""feeds.printable returns a printable text as it is: sound because every code point
it removes (and the form feed it turns into a space) is unprintable."""

from __future__ import annotations

import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from storysite.feeds import FORBIDDEN, printable


def test_no_forbidden_code_point_is_printable() -> None:
    forbidden = [chr(c) for c in range(sys.maxunicode + 1) if FORBIDDEN.match(chr(c))]
    assert len(forbidden) > 60  # C0, C1 and the noncharacters of every plane
    assert not any(char.isprintable() for char in [*forbidden, "\x0c"])


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.characters(codec=None), max_size=30))
def test_printable_removes_exactly_what_the_pattern_names(text: str) -> None:
    assert printable(text) == FORBIDDEN.sub("", text.replace("\x0c", " "))
