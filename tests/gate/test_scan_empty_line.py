"""The compiled pass reads what html.parser reads, down to a last line whose text is an
entity that decodes to nothing (an invalid character reference): html.parser ends it
as an empty block, and so does the pass (found by a differential review)."""

from __future__ import annotations

import pytest

from storysite import views
from storysite.models import OutputFile

DOCUMENTS = [
    "&#1;",
    "<p>x</p>&#1;",
    "<p>Ja</p>&#1;&#2;",
    "<b>x</b>&#x7f;",
    "x&#0;",
    "<p>a</p><p>b</p>&#11;",
    "<div>x</div>&#x9f;<p>y</p>",
]


def parser_blocks(text: str, every_tag_a_block: bool = False) -> list[str]:
    reader = views._Reader(every_tag_a_block)
    reader.feed(text)
    reader.close()
    return reader.blocks


@pytest.mark.parametrize("text", DOCUMENTS)
def test_the_compiled_pass_reads_as_html_parser(text: str) -> None:
    for every_tag_a_block in (False, True):
        assert views._scan(text, every_tag_a_block) == parser_blocks(text, every_tag_a_block)


@pytest.mark.parametrize("text", DOCUMENTS)
def test_a_page_read_in_parts_reads_as_html_parser(text: str) -> None:
    page = f"<html><body><header><p>Menu</p></header>{text}</body></html>"
    runs = views.file_runs(OutputFile("a.html", page.encode()))
    blocks = [block for run in runs for block in run]
    assert blocks[1:] == parser_blocks(page)
