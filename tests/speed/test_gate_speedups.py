"""The gate's shortcuts must be sound: each fast path gives what the slow one gives,
and the remembered clean lines, the story lines a page may skip, the JSON strings left
unread and the tag-joined words read alone never let a hidden name through."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storysite.anonymise.folding import fold
from storysite.anonymise.names import _keys, holds_key, key_set
from storysite.audit import (
    _LONG_DATE_RE,
    Gate,
    drop_long_dates,
    line_by_line,
    readable_views,
    search_tag_address,
)
from storysite.build import _FOREIGN_LOAD_BYTES, FOREIGN_LOAD_RE
from storysite.config import SiteConfig
from storysite.markup import Markup
from storysite.models import OutputFile, Person

CONFIG = SiteConfig(
    root=Path("."),
    title="T",
    register=(Person("Ximena Quayle"), Person("Bo Li", aliases=("B.L.",))),
    allow=("Quayle Street",),
)

# Characters that fold in every way the tokeniser knows: ASCII, accents written whole
# and as combining marks, hidden characters, U+0001 (JOINER itself), full-width
# letters, curly quotes, a Unicode digit, a no-break space.
WORDY = "XximenaQuyleBoLi .-_'’“\u0301\u200b\x01é\uff38\u0661\u00a0\t\n<>&#;%=\"/:0123"


def new_gate() -> Gate:
    return Gate(CONFIG, [])


def reference(text: str, path: str = "index.html") -> bool:
    """The gate with no shortcut at all: every view of the page, dates dropped."""
    matcher = new_gate().site_matcher()
    dated = _LONG_DATE_RE.sub(" ", text)
    return any(matcher.find(view) for view in readable_views(dated))


def page(text: str, path: str = "index.html") -> OutputFile:
    return OutputFile(path, text.encode())


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=WORDY, max_size=80))
def test_key_set_and_holds_key_read_words_as_the_matcher_does(text: str) -> None:
    expected = set(_keys(fold(text))) - {""}
    assert key_set(text) == expected
    for key in [*expected, "ximena", "xim", "li"]:
        keys = frozenset({key})
        ascii_keys = frozenset({key.encode()}) if key.isascii() else frozenset()
        assert holds_key(text, keys, ascii_keys) == (key in expected)


DATES = st.text(alphabet="0123456789 JuneMayx\u0661\u0301-", max_size=30).map(
    lambda s: s.replace("x", " 12 June 2020").replace("M", " May 1999 ")
)


@settings(max_examples=400, deadline=None)
@given(DATES)
def test_dropping_dates_is_the_regular_expression(text: str) -> None:
    assert drop_long_dates(text) == _LONG_DATE_RE.sub(" ", text)


def test_dropping_dates_respects_word_boundaries() -> None:
    for text in ["123 June 2020", "a1 June 2020", "1 June 20201", "\u0661 June 2020", "x"]:
        assert drop_long_dates(text) == _LONG_DATE_RE.sub(" ", text), text
    assert drop_long_dates("On 3 May 2021, 15 June 2020.") == "On  ,  ."


TAGS = st.lists(
    st.sampled_from(
        [
            "<img ",
            "<link rel=x ",
            "<a ",
            "src",
            "href",
            "data",
            "=",
            " = ",
            '"',
            "'",
            "https:",
            "//",
            "\\\\",
            "\u212attp:",
            ">",
            "<",
            " ",
            "x",
            "/a.png",
        ]
    ),
    max_size=14,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(TAGS)
def test_the_foreign_load_search_is_the_regular_expression(text: str) -> None:
    assert search_tag_address(FOREIGN_LOAD_RE, text) == bool(FOREIGN_LOAD_RE.search(text))
    data = text.encode()
    assert search_tag_address(_FOREIGN_LOAD_BYTES, data) == bool(_FOREIGN_LOAD_BYTES.search(data))


NAMES = ["Ximena Quayle", "Ximena", "Quayle", "Bo Li", "B.L."]
HIDINGS: list[Callable[[str], str]] = [
    lambda n: n,
    lambda n: f"<p>{n}</p>",
    lambda n: f"{n[0]}<b>{n[1:]}</b>",
    lambda n: f"{n[:2]}<i></i><em>{n[2:]}</em>",
    lambda n: f"&lt;p&gt;{n}&lt;/p&gt;",
    lambda n: f"{n[:2]}&lt;b&gt;{n[2:]}",
    lambda n: f'<a href="/search?q={n}">s</a>',
    lambda n: f"<span title='{n}'>x</span>",
    lambda n: f"{n[:3]}&#8203;{n[3:]}",
]
CLEAN_LINES = [
    "<!DOCTYPE html>",
    '<meta http-equiv="x" content="default-src &#39;self&#39;">',
    "<li><a href='../'>Latest stories</a></li>",
    '<a rel="prev" href="/a/">Newer: Tea</a><a rel="next" href="/b/">Older: Xi</a>',
    "<p>We met on 15 June 2020 at the café.</p>",
    "mena",
    "<b",
    ">",
    "&lt;b",
    "&gt;",
    "&#62 June 2020",
    "Xi<b",
    ">mena said",
    "",
]


@st.composite
def pages_with_a_name(draw: st.DrawFn) -> tuple[list[str], str]:
    """Lines of a page, and a name hidden among them (maybe split over two lines)."""
    name = draw(st.sampled_from(NAMES))
    hidden = draw(st.sampled_from(HIDINGS))(name)
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(hidden)))
        hidden = hidden[:cut] + "\n" + hidden[cut:]
    lines = draw(st.lists(st.sampled_from(CLEAN_LINES), max_size=6))
    return lines, hidden


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pages_with_a_name())
def test_remembered_lines_never_hide_a_name(case: tuple[list[str], str]) -> None:
    lines, hidden = case
    gate = new_gate()
    matcher = gate.site_matcher()
    # Warm the memory with every line around the name, and each piece of it alone:
    # whatever is clean on its own is remembered, and must not hide the whole.
    for warm in [*lines, *hidden.split("\n")]:
        gate.scan_file(matcher, page(warm))
    text = "\n".join([*lines[:2], hidden, *lines[2:]])
    assert gate.scan_file(matcher, page(text)) == reference(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*CLEAN_LINES, "Xi", "mena", "<i>", "</i>", "\n"]), max_size=10))
def test_remembered_lines_give_the_same_verdict_on_any_page(parts: list[str]) -> None:
    gate = new_gate()
    matcher = gate.site_matcher()
    for part in parts:
        gate.scan_file(matcher, page(part))
    text = "".join(parts)
    assert gate.scan_file(matcher, page(text)) == reference(text)


def test_a_tag_spanning_lines_is_read_whole_even_when_each_line_is_clean() -> None:
    gate = new_gate()
    matcher = gate.site_matcher()
    for clean in ["<p>Xi<b", ">mena</p>", "<p>Xi&lt;b", "&gt;mena</p>"]:
        assert not gate.scan_file(matcher, page(clean))
    assert not line_by_line("<p>Xi<b\n>mena</p>")
    assert not line_by_line("<p>Xi&lt;b\n&gt;mena</p>")
    assert gate.scan_file(matcher, page("<p>Xi<b\n>mena</p>"))
    assert gate.scan_file(matcher, page("<p>Xi&lt;b\n&gt;mena</p>"))


def test_a_date_that_breaks_an_entity_is_not_read_line_by_line() -> None:
    # Decoded, "&#62" closes the tag "&lt;b" opens; with the date dropped it does not.
    text = "<p>Xi&lt;b &#62 June 2020\n&gt;mena</p>"
    assert line_by_line(text)
    assert not line_by_line(text, dated=True)
    gate = new_gate()
    assert gate.scan_file(gate.site_matcher(), page(text)) == reference(text)


def test_words_joined_by_tags_are_read() -> None:
    gate = new_gate()
    matcher = gate.site_matcher()
    template = "<li><a href='/'>Latest</a></li>"
    assert not gate.scan_file(matcher, page(template))
    for joined, named in [
        ("<p>Xi<b>mena</b> was here</p>", True),
        ("<p>X<i>i</i>m<b>ena</b></p>", True),  # a chain of joins: read whole
        ("<p>" + "a" * 150 + "<b>Xi</b>mena</p>", False),  # a long word: read whole
        ("<p>" + "a" * 150 + " Xi<b>mena</b></p>", True),
        ("<p>Xi<b>mena" + "a" * 150 + "</b></p>", False),
        ("<p>Older: Xim</a><a href='/'>ena Quayle</a></p>", True),
    ]:
        text = template + "\n" + joined
        assert reference(text) == named, joined
        assert gate.scan_file(matcher, page(text)) == named, joined


def test_a_story_page_skips_only_lines_of_its_own_clean_html() -> None:
    gate = new_gate()
    matcher = gate.site_matcher()
    markup = Markup("<p>ena said hello</p>\n<p>and left.</p>")
    assert not gate.may_hold_name(matcher, [markup.html])
    gate.remember_clean(matcher, markup)
    known = gate.clean_lines_of(markup)
    assert known == (markup.html,)
    # The theme's text and the story's first line meet on one line: read.
    straddling = "<main><p>Xim" + markup.html.removeprefix("<p>") + "</main>"
    assert gate.scan_file(matcher, page(straddling), known=known)
    around = "<main>\n" + markup.html + "\n</main>"
    assert not gate.scan_file(matcher, page(around), known=known)
    # A name after the story's lines, on the page only, is still found.
    assert gate.scan_file(matcher, page(around + "\n<p>Ximena</p>"), known=known)


def test_story_html_with_a_date_or_a_name_is_not_remembered() -> None:
    gate = new_gate()
    matcher = gate.site_matcher()
    dated = Markup("<p>On 1 June 2020 we met.</p>")
    gate.remember_clean(matcher, dated)
    assert gate.clean_lines_of(dated) == ()
    named = Markup("<p>Ximena was there.</p>")
    assert gate.may_hold_name(matcher, [named.html])


def test_json_strings_are_read_when_escapes_can_hide_a_name() -> None:
    gate = new_gate()
    matcher = gate.site_matcher()
    plain = '{"text": "we met in the cafe", "tags": ["tea"]}'
    assert not gate.scan_file(matcher, page(plain, "search-index.json"))
    for hidden in [
        '{"text": "Xim\\u0065na was there"}',
        '{"text": "X\\u0069mena"}',
        '{"text": "Xi<b>mena</b>"}',
        '{"text": "Xi&#109;ena"}',
        '{"a": "<", "b": "x>Ximena"}',
    ]:
        assert gate.scan_file(matcher, page(hidden, "search-index.json")), hidden


def test_paths_are_still_checked_for_every_part() -> None:
    gate = new_gate()
    matcher = gate.site_matcher(for_paths=True)
    assert gate.path_leaks(matcher, "stories/ximena-s-day/")
    assert gate.path_leaks(matcher, "stories/x%69mena/")
    assert not gate.path_leaks(matcher, "stories/a-quiet-day/")


def test_the_theme_line_cache_is_bounded() -> None:
    gate = new_gate()
    matcher = gate.site_matcher()
    for number in range(50):
        gate.scan_file(matcher, page(f"<p>line {number}</p>\n" + "x" * 5000))
    remembered = gate._pre.lines[True]
    assert "<p>line 49</p>" in remembered
    assert all(len(line) <= 4096 for line in remembered)


def test_a_name_in_a_remembered_line_of_another_page_is_impossible() -> None:
    # A line is remembered only once it has passed: the same line with a name never is.
    gate = new_gate()
    matcher = gate.site_matcher()
    assert gate.scan_file(matcher, page("<p>Ximena</p>"))
    assert gate.scan_file(matcher, page("<h1>Tea</h1>\n<p>Ximena</p>"))
    assert not re.search("ximena", " ".join(gate._pre.lines[True]), re.IGNORECASE)


def test_a_plus_on_another_line_still_decodes_the_last_layer() -> None:
    # Four times %-encoded, '<' and '>' appear only when '+' is read as a space, which
    # the gate does when the page holds a '+' anywhere: here on a line of its own.
    gate = new_gate()
    matcher = gate.site_matcher()
    for clean in ["Xi%2525253Cb", "%2525253Emena", "a+b"]:
        assert not gate.scan_file(matcher, page(clean))
    text = "a+b\nXi%2525253Cb\n%2525253Emena"
    assert reference(text)
    assert gate.scan_file(matcher, page(text))
