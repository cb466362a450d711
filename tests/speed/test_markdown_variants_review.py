"""Leaving out Markdown processors never changes the HTML: numeric character
references written without their ';' ("&#97"), which Python-Markdown's raw-HTML
preprocessor completes, in documents with no '<'."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_markdown_variants import PIECES, both_ways

from storysite.markup import MarkdownRenderer

CHARREFS = ["&#97", "&#x61", "&#X61", "&#128512", "&#1114112", "&#xD800", "&#0", "&#", "&#;"]


@pytest.mark.parametrize("document", ["J&#97ne", "x &#65 y", "&#x61", "end &#128512"])
def test_a_reference_without_its_semicolon_renders_as_before(document: str) -> None:
    full, lean = both_ways(document)
    assert lean == full


def test_the_same_reference_renders_alike_with_or_without_a_tag_elsewhere() -> None:
    """Whether a document holds '<' somewhere else must not change how a reference in
    it is read."""
    renderer = MarkdownRenderer()
    plain = renderer.render("J&#97ne came.").html
    tagged = renderer.render("J&#97ne came. <b>x</b>").html
    assert tagged.startswith(plain.removesuffix("</p>"))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES + CHARREFS * 3), max_size=30).map("".join))
def test_documents_with_references_render_the_same_both_ways(document: str) -> None:
    full, lean = both_ways(document)
    assert lean == full
