"""Names hidden by markup are still names: in the rendered page, not only the source."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest
from sitekit import MakeSite, all_text, read_tree, run_build, story

from storysite.anonymise import Anonymiser
from storysite.anonymise.names import NameIndex, NameMatcher
from storysite.anonymise.tree import TreeAnonymiser
from storysite.config import SiteConfig
from storysite.markup import MarkdownRenderer
from storysite.models import Person, SourceStory

PEOPLE = "people:\n  - name: Jane Doe\n    named: false\n"


def build(make_site: MakeSite, body: str) -> tuple[Path, str]:
    site = make_site({"a.md": story(body=body, extra=PEOPLE)})
    result = run_build(site)
    assert result.exit_code == 0, result.output
    output = site / "output"
    return output, (output / "stories/a-story/index.html").read_text()


def readable(text: str) -> str:
    """What a reader or a script could recover from a page."""
    from urllib.parse import unquote

    return unquote(html.unescape(text))


@pytest.mark.parametrize(
    "body",
    [
        "We met **Jane** Doe.",
        "We met *Jane*&nbsp;*Doe*.",
        "We met **Ja**ne.",
        "We met <b>Jane</b> <i>Doe</i>.",
        "We met &#74;ane.",
        "We met &#x4a;&#x61;ne.",
        "We met J&#97;ne D&#111;e.",
        "We met Jane%20Doe.",
        "See [the page](https://example.org/Jane%20Doe).",
        "See [the page](https://example.org/jane-doe).",
        "See [the page](https://example.org/?who=Jane+Doe).",
        '<a href="https://example.org/Jane">x</a>',
        '[A photo](https://example.org/x.png "Jane Doe")',
        '<abbr title="Jane Doe">someone</abbr> came.',
        '<abbr title="&#74;ane">someone</abbr> came.',
        "# Jane Doe\n\nText.",
        "- item\n- **Jane**\n",
        "| who |\n|---|\n| Jane Doe |\n",
        "> Jane said so.",
    ],
)
def test_no_form_reaches_the_output(make_site: MakeSite, body: str) -> None:
    site = make_site({"a.md": story(body=body, extra=PEOPLE)})
    result = run_build(site)
    assert result.exit_code == 0, result.output
    for path, content in read_tree(site / "output").items():
        text = readable(content.decode("utf-8", "replace")).replace("+", " ")
        assert "jane" not in text.lower(), (path, body)
        assert "jane" not in path.lower()


def tree_only(body: str, people: tuple[Person, ...]) -> str:
    """The parsed-tree pass on its own, over Markdown the source pass never saw."""
    config = SiteConfig(root=Path("."), title="T")
    anonymiser = Anonymiser(config)
    matcher = NameMatcher([NameIndex.of_people(people)])
    tree = TreeAnonymiser(lambda text: anonymiser.spans(matcher, text), "Names changed.")
    return MarkdownRenderer().render(body, [tree]).html


JANE = (Person("Jane Doe"),)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("We met **Jane** Doe there.", "We met <strong>[name removed]</strong> there."),
        ("We met **Ja**ne there.", "We met <strong>[name removed]</strong> there."),
        ("It was &#74;ane's idea.", "It was [name removed]"),
        ("It was O&rsquo;Doe’s idea.", "It was O"),
        ("Jane came.", "<p>[Name removed] came.</p>"),
    ],
)
def test_the_tree_pass_alone_replaces_across_elements(body: str, expected: str) -> None:
    out = tree_only(body, JANE)
    assert expected in out
    assert "jane" not in html.unescape(out).lower()
    assert "Names changed." in out  # it adds the notice when it replaced anything


def test_the_tree_pass_reads_attributes() -> None:
    out = tree_only('[x](https://e.org/Jane%20Doe "Jane Doe") ![Jane Doe](a/jane-doe.png)', JANE)
    assert "jane" not in readable(out).lower()
    assert "name-removed" in out


def test_the_tree_pass_leaves_other_text_alone() -> None:
    body = "The **Annual** review, *emphasis*, [a link](https://e.org/a) and `code`."
    out = tree_only(body, JANE)
    assert out == MarkdownRenderer().render(body).html
    assert "Names changed." not in out


def test_the_source_pass_decodes_before_matching(make_site: MakeSite) -> None:
    """The review pack shows the anonymised Markdown: entities there are gone too."""
    config = SiteConfig(root=Path("."), title="T")
    source = SourceStory(
        path=Path("a.md"), display_path="a.md", title="T", date=dt.date(2020, 1, 1),
        body="We met &#74;ane and Jane%20Doe.", body_line=5, people=JANE,
    )  # fmt: skip
    story_, _ = Anonymiser(config).story(source)
    assert story_.body == "We met [name removed] and [name removed]."


def test_a_page_with_a_replacement_carries_the_notice_once(make_site: MakeSite) -> None:
    _, page = build(make_site, "We met **Jane** Doe.")
    assert page.count("Names have been changed or removed to protect privacy.") == 1
    assert not re.search(r"jane|doe", page, re.IGNORECASE)


def test_all_output_is_clean_of_the_entity_form(make_site: MakeSite) -> None:
    output, _ = build(make_site, "J&#x61;ne D&#x6f;e wrote &#x4a;ane's part.")
    assert "jane" not in readable(all_text(output)).lower()


def test_a_name_only_the_tree_pass_sees_brings_the_notice(make_site: MakeSite) -> None:
    """Raw inline HTML splits the name in the source; the parsed page joins it again."""
    output, page = build(make_site, "Ja<span></span>ne came to the group.")
    assert "[Name removed] came to the group." in page
    assert "Names have been changed or removed to protect privacy." in page
    assert "jane" not in readable(all_text(output)).lower()
