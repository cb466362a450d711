"""Property tests of the gate against an independent reference: what html5lib (the
browsers' parsing algorithm) gets from the page (reference.py), never the gate's own
views. A page whose browser text shows a protected name is always stopped; a page
made of ordinary words, however it is marked up, never is."""

from __future__ import annotations

import re

from gatekit import leak, make_gate
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from reference import html_blocks, shows

NAMES = ["Jane Quarrington", "Joe Cox", "Gordon Pryce", "Siobhan O'Neill", "Ann Lee"]
WORDS = """the a we it and then walk walked garden group helped coffee morning river team
said told wrote nurse worker recovery college sleep hope doe lee shore annual singing happily
heartily trellis quarry cox rowed plain jane town market fair tuesday spring notes minutes 12 3
2020 of on at to with by from our my""".split()  # noqa: SIM905
INLINE = ["span", "b", "em", "i", "a", "strong", "small", "x-note", "font", "code"]
BLOCK = ["p", "div", "li", "h2", "td", "blockquote"]
#: 100 examples (hypothesis's default), or the mutation profile's (conftest.py).
SLOW = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def marked_up(draw: st.DrawFn, text: str) -> str:
    """``text`` split at random points, the pieces wrapped in random inline elements
    or separated by empty images, some letters written as character references."""
    cuts = sorted(draw(st.sets(st.integers(1, max(1, len(text) - 1)), max_size=4)))
    pieces = [text[i:j] for i, j in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    out = []
    for piece in pieces:
        written = "".join(
            f"&#{ord(c)};" if c.isalpha() and draw(st.booleans()) and draw(st.booleans()) else c
            for c in piece
        )
        how = draw(st.sampled_from(["plain", "wrap", "image", "nested"]))
        if how == "wrap":
            tag = draw(st.sampled_from(INLINE))
            written = f"<{tag}>{written}</{tag}>"
        elif how == "image":
            written = f'<img src="dot.png" alt="">{written}'
        elif how == "nested":
            outer, inner = draw(st.sampled_from(INLINE)), draw(st.sampled_from(INLINE))
            written = f"<{outer}><{inner}>{written}</{inner}></{outer}>"
        out.append(written)
    return "".join(out)


def sentence(draw: st.DrawFn) -> str:
    return " ".join(draw(st.lists(st.sampled_from(WORDS), max_size=8)))


@st.composite
def pages_with_a_name(draw: st.DrawFn) -> tuple[str, str]:
    name = draw(st.sampled_from(NAMES))
    shown = draw(st.sampled_from([name, name.upper(), name.replace(" ", ""), name.lower()]))
    if name == "Ann Lee" and shown == name.lower():
        shown = name  # "ann lee" is vocabulary in lower case: only the full name counts
    block = draw(st.sampled_from(BLOCK))
    body = f"{sentence(draw)} {draw(marked_up(shown))} {sentence(draw)}"
    return name, f"<{block}>{body}</{block}>"


@SLOW
@given(pages_with_a_name())
def test_a_name_the_browser_shows_is_always_found(case: tuple[str, str]) -> None:
    name, page = case
    assume(shows(html_blocks(page), name))
    assert leak(make_gate(), page) == "name", page


@st.composite
def name_free_pages(draw: st.DrawFn) -> str:
    blocks = []
    for _ in range(draw(st.integers(1, 5))):
        words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=12))
        marked = []
        for word in words:
            wrapped = draw(marked_up(word)) if draw(st.booleans()) else word
            marked.append(wrapped)
        tag = draw(st.sampled_from(BLOCK))
        blocks.append(f"<{tag}>{' '.join(marked)}</{tag}>")
    return "\n".join(blocks)


@SLOW
@given(name_free_pages())
def test_ordinary_words_never_stop_the_gate(page: str) -> None:
    assume(not shows(html_blocks(page), *NAMES))
    # "12 2020 2020" is ten digits with a valid NHS check digit: the gate stops it, as
    # it should (a number written in any grouping). Words, not such numbers, are tested.
    assume(not _TEN_DIGITS_RE.search(re.sub(r"<[^>]*>|\s", "", page)))
    assert leak(make_gate(), page) is None, page


_TEN_DIGITS_RE = re.compile(r"[0-9]{10}")
