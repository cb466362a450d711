"""Leaving out Markdown processors a document cannot use never changes its HTML.

markup.py renders each story with a Python-Markdown instance from which the
processors that cannot match it are removed (footnotes without "[^", tables
without "|", ...). These tests render documents both ways and compare."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from storysite.markup import _NEEDS, MarkdownRenderer, _unused

# Pieces that start or end every construct the processors look for, and plain words.
PIECES = [
    "Ana", "walked", "in", "*", "**", "_", "__", "[", "]", "(", ")", "![", "[^1]", "[^1]:",
    "|", "| a | b |", "|---|---|", "`", "``", "```", "~~~", "&", "&amp;", "&#74;", "<", ">",
    "<b>", "</b>", "<span>", "</span>", "<http://example.org>", "<a@example.org>", "\\",
    "\\*", "\\'", "*[HTML]:", "HTML", "[id]:", "http://example.org", "'", '"', "--", "...",
    ":", "    ", "\t", "  \n", "\n", "\n\n", "# ", "> ", "- ", "1. ", "---", "{: #x}",
]  # fmt: skip

documents = st.lists(st.sampled_from(PIECES), max_size=40).map(" ".join) | st.lists(
    st.sampled_from(PIECES), max_size=40
).map("".join)


def both_ways(document: str) -> tuple[str, str]:
    renderer = MarkdownRenderer()
    full, _ = renderer._variant(frozenset())
    lean, _ = renderer._variant(_unused(document))
    full.reset()
    lean.reset()
    return full.convert(document), lean.convert(document)


@settings(max_examples=400, deadline=None)
@given(documents)
def test_leaving_out_unusable_processors_changes_nothing(document: str) -> None:
    full, lean = both_ways(document)
    assert lean == full


def test_every_construct_still_renders_when_present() -> None:
    """The lean instance is not the full one with everything removed: each construct
    in _NEEDS still works when its document holds it."""
    document = (
        "Ana[^1] used `code` and &amp; and <b>bold</b> and \\* and ![a picture](p.png).\n\n"
        "[^1]: A note.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n*[HTML]: Hypertext\n\n"
        "HTML here.\n\n```\nfenced\n```\n\nSee <http://example.org> and [a link][id].\n\n"
        "[id]: http://example.org\n\nTerm\n:   Its definition\n\n"
        '<div markdown="1">*inside*</div>\n\nA paragraph with an id.\n{: #para }\n'
        "\nA line  \nbroken.\n"
    )
    assert _unused(document) == frozenset()
    html = MarkdownRenderer().render(document).html
    for expected in ("footnote", "<code>code</code>", "&amp;", "<b>bold</b>", "<img",
                     "<table>", "<abbr", "fenced", 'href="http://example.org"', "<dd>",
                     'id="para"', "<em>inside</em>", "<br"):  # fmt: skip
        assert expected in html
    assert len(_NEEDS) > 10


def test_a_plain_document_leaves_out_every_unusable_processor() -> None:
    assert _unused("Just words, a dash -- and quotes 'here'.") == frozenset(
        (kind, name) for kind, name, _ in _NEEDS
    )
