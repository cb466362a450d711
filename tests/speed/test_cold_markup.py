"""markup.py's quicker ways render exactly as the plain ones: Python-Markdown with its
processors in settled registries (and more processors left out of documents that
cannot use them), smart punctuation that skips texts without a dash, the h1 pass
that skips HTML without one, and nh3's settings made into a sanitiser once."""

from __future__ import annotations

import html
import re
import sys

import markdown
import nh3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_markdown_variants import PIECES

from storysite import markup, models
from storysite.markup import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    URL_SCHEMES,
    MarkdownRenderer,
    _demote_h1,
    _new_markdown,
    _SmartPunctuation,
    _unused,
    sanitise,
)
from storysite.models import plain_text

#: What Python-Markdown changes before reading (tabs, carriage returns, its own
#: placeholder marks), raw HTML blocks, and the adversarial pieces of names.
MORE = [
    "\r", "\r\n", "\x02", "\x03", " \t\n", "a\t\n", "  \r", " \x02 \n", "*", "_", "***",
    "<div>", "</div>", "<p>x</p>", "<!-- c -->", "Zoë's", "O\u2019Brien", "J<b>a</b>ne",
    "Ja&#110;e", "J%61ne", "Jo\u200bhn", "\u0410na", "# Heading", "#", "=====", "-----",
    "  \n", "\n    code", "1) ", "+ ", "Term\n:   Def", "<h1>x</h1>", "h1",
]  # fmt: skip
documents = st.lists(st.sampled_from(PIECES + MORE), max_size=40).map("".join) | st.lists(
    st.sampled_from(PIECES + MORE), max_size=40
).map(" ".join)


def plain_markdown() -> markdown.Markdown:
    """Every processor, in the registries Python-Markdown made (not settled)."""
    md, _ = _new_markdown(frozenset())
    return md


@settings(max_examples=1500, deadline=None)
@given(documents)
def test_settled_lean_converter_renders_as_the_plain_full_one(document: str) -> None:
    plain = plain_markdown()
    settled, _ = MarkdownRenderer()._variant(_unused(document))
    settled.reset()
    assert settled.convert(document) == plain.convert(document)


@pytest.mark.parametrize(
    "document",
    [
        "a\t\nb",
        "a  \rb",
        "a \x02 \nb",
        "a \x03 \r\nb",
        "[\x02^1]\n\n[^1]: n",
        "a *b* c",
        "_a_",
        "<h1>x</h1> Ana &amp; \r Ana",
        "<b>x</b> &#42;a&#42; &#95;b&#95; \\*",
        "<h1>x</h1> !&amp;[x](y.png)",
        "<h1>x</h1> [&amp;^1] and ``&amp;`x`` and ~&amp;~~ and *&amp;[HTML]: H\n\nHTML",
    ],
)
def test_what_markdown_changes_first_is_read_as_it_reads_it(document: str) -> None:
    settled, _ = MarkdownRenderer()._variant(_unused(document))
    settled.reset()
    assert settled.convert(document) == plain_markdown().convert(document)


def test_a_line_break_and_emphasis_still_render() -> None:
    html = MarkdownRenderer().render("Ana  \ncame *in* and _out_.\tb").html
    assert "<br" in html and "<em>in</em>" in html and "<em>out</em>" in html
    assert ("inline", "linebreak") in _unused("No break here.")
    assert ("inline", "linebreak") not in _unused("Tab then end\t\nnext")
    assert plain_markdown().tab_length == markup.TAB_LENGTH


def test_a_settled_registry_refuses_changes() -> None:
    md, _ = MarkdownRenderer()._variant(frozenset())
    with pytest.raises(TypeError):
        md.inlinePatterns.deregister("em_strong")
    with pytest.raises(TypeError):
        md.parser.blockprocessors.register(object(), "x", 1)


def old_smarten(smarts: _SmartPunctuation, text: str) -> str:
    """_SmartPunctuation._smarten as it was: both dash patterns on every text."""
    text = text.replace("...", "\u2026")
    for pattern, dash in markup._DASHES:
        text = pattern.sub(dash, text)
    previous = smarts._previous
    smarts._previous = text[-1]
    if "'" not in text and '"' not in text:
        return text
    return markup._QUOTE_RE.sub(lambda m: markup._curly(m, text, previous), text)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.text(alphabet="-.'\" aZ\u2014(", min_size=1, max_size=12), max_size=6))
def test_smart_punctuation_is_as_before(texts: list[str]) -> None:
    md = markdown.Markdown()
    new, old = _SmartPunctuation(md), _SmartPunctuation(md)
    new._previous = old._previous = " "
    for text in texts:
        assert new._smarten(text) == old_smarten(old, text)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["<h1>", "</h1>", "<h1 id=x>", "<h1x>", "h1", "<h", "a"])))
def test_headings_are_demoted_as_before(pieces: list[str]) -> None:
    raw = "".join(pieces)
    assert _demote_h1(raw) == re.sub(r"<(/?)h1(\s|>)", r"<\1h2\2", raw)


HTML_PIECES = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '<a href="javascript:x">',
    '<a href="https://e.org" title="t">', "</a>", "<!-- Jane -->", "<style>p{}</style>",
    "&lt;", "&amp;", "&#74;ane", "<h2 id=x>", "</h2>", "<iframe src=x>", "<p>", "</p>",
    '<img src="p.png" alt="Jane" width="3">', "<table><tr><td colspan=2>x</td></tr></table>",
    "<ol start=3><li>", "Jane", "Zoë", "\u200b", "<em>", "</em", "<", ">", '"', "'",
]  # fmt: skip


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(HTML_PIECES) | st.text(max_size=5), max_size=20).map("".join))
def test_the_sanitiser_made_once_cleans_as_nh3_clean_does(html: str) -> None:
    expected = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    assert sanitise(html) == expected


def old_plain_text(fragment: str) -> str:
    """plain_text as it was: every run of whitespace replaced, then stripped."""
    return re.sub(r"\s+", " ", html.unescape(models._TAG_RE.sub(" ", fragment))).strip()


#: Every character that is whitespace to Python, the near misses, and entities for them.
SPACES = [chr(c) for c in range(0x3100) if chr(c).isspace()] + [
    "\u200b", "\u2060", "\ufeff", "\x1c", "\x85", "&nbsp;", "&#x2028;", "&#133;", "&#12288;",
]  # fmt: skip


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(SPACES + HTML_PIECES) | st.text(max_size=4), max_size=25))
def test_plain_text_is_as_before(pieces: list[str]) -> None:
    fragment = "".join(pieces)
    assert plain_text(fragment) == old_plain_text(fragment)
    assert plain_text(sanitise(fragment)) == old_plain_text(sanitise(fragment))


def test_every_unicode_space_folds_as_before() -> None:
    for char in SPACES:
        fragment = f" Ana{char}{char}<b>Jane</b>{char}"
        assert plain_text(fragment) == old_plain_text(fragment), hex(ord(char[0]))


def test_str_split_and_backslash_s_agree_on_every_code_point() -> None:
    """What plain_text relies on: ``str.split()`` breaks where ``\\s`` matches."""
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    assert re.findall(r"\s", every) == [c for c in every if c.isspace()]
