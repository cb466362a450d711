"""Contract section 2, declared names: each rule, checked here as the anonymiser's own."""

from __future__ import annotations

import pytest
from cases import ANN, JANE, OKON, SAM, ZOE, Case
from evaluate import run_case
from sitekit import BASIC_CONFIG, MakeSite, all_text, run_build, story

NOTICE = "Names have been changed or removed to protect privacy."
EVERYONE = (JANE, ZOE, ANN, OKON, SAM)


@pytest.mark.parametrize(
    ("rule", "text", "expected"),
    [
        ("any case", "We met jAnE dOe.", "We met [name removed]."),
        ("runs of spaces", "We met Jane    Doe.", "We met [name removed]."),
        ("line break", "We met Jane\nDoe.", "We met [name removed]."),
        ("hyphen", "We met Jane-Doe.", "We met [name removed]."),
        ("underscore", "We met Jane_Doe.", "We met [name removed]."),
        ("dot", "We met Jane.Doe.", "We met [name removed]."),
        ("accents dropped", "We met Zoe O'Neill.", "We met a service user."),
        ("accents added", "We met Jäne Döe.", "We met [name removed]."),
        ("typographic apostrophe", "We met Zoë O’Neill.", "We met a service user."),
        ("possessive", "It was Jane's idea.", "It was [name removed]’s idea."),  # smarty
        ("typographic possessive", "It was Zoë’s idea.", "It was a service user’s idea."),
        ("alias", "Janey waved.", "[Name removed] waved."),
        ("part, capitalised", "Then Doe waved.", "Then [name removed] waved."),
        ("part, all capitals", "Then DOE waved.", "Then [name removed] waved."),
        ("part in lower case stays", "the doe waved.", "the doe waved."),
        ("word boundary", "The Annual review with Ann.", "The Annual review with [name removed]."),
        ("sentence start", "It rained. Zoë came.", "It rained. A service user came."),
        ("title goes with the name", "Then Dr Okonkwo explained.", "Then the doctor explained."),
        ("title at sentence start", "Dr. Okonkwo explained.", "The doctor explained."),
        ("named people stay", "Sam Rivera and Sam talked.", "Sam Rivera and Sam talked."),
        ("heading", "# Jane Doe\n\nHi.", "<h2>[Name removed]</h2>"),
        ("link text", "Ask [Jane Doe](https://e.org/a).", ">[name removed]</a>"),
        ("link target", "[a](https://e.org/jane-doe)", 'href="https://e.org/name-removed"'),
        ("image alt", "![Jane Doe smiling](https://e.org/a.png)", 'alt="[Name removed] smiling"'),
    ],
)
def test_declared_names(rule: str, text: str, expected: str) -> None:
    outcome = run_case(Case(text, people=EVERYONE))
    assert expected in outcome.published, rule


def test_all_fields_the_slug_and_the_notice_in_a_real_build(make_site: MakeSite) -> None:
    extra = (
        "people:\n  - name: Jane Doe\n    aliases: [Janey]\n"
        "summary: Janey's week.\ntags: [Jane Doe, recovery]\n"
        "image:\n  src: a.png\n  alt: Jane Doe waving\n"
    )
    body = "# About Jane Doe\n\n[Jane Doe](https://example.org/jane-doe) wrote this."
    from test_images import png_with_metadata

    site = make_site(
        {"a.md": story(title="Jane Doe's week", body=body, extra=extra)},
        files={"stories/a.png": png_with_metadata()},
    )
    result = run_build(site)
    assert result.exit_code == 0, result.output
    text = all_text(site / "output").lower()
    assert "jane" not in text and "doe" not in text
    page = (site / "output/stories/name-removed-s-week/index.html").read_text()
    assert page.count(NOTICE) == 1
    assert page.index(NOTICE) > page.index("wrote this")


def test_no_replacement_no_notice(make_site: MakeSite) -> None:
    site = make_site(
        {"a.md": story(body="Nothing to hide.", extra="people:\n  - name: Jane Doe\n")}
    )
    assert run_build(site).exit_code == 0
    assert NOTICE not in all_text(site / "output")


def test_identifiers_alone_bring_the_notice(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(body="Ring 07700 900123.")})
    assert run_build(site).exit_code == 0
    page = (site / "output/stories/a-story/index.html").read_text()
    assert "Ring [phone number removed]." in page and NOTICE in page


def test_a_slug_written_with_a_name_loses_it(make_site: MakeSite) -> None:
    extra = "slug: doe-family-day\npeople:\n  - name: Jane Doe\n"
    site = make_site({"a.md": story(extra=extra)})
    assert run_build(site).exit_code == 0
    assert (site / "output/stories/name-removed-family-day/index.html").exists()


def test_other_names_that_begin_alike_are_findings_not_replacements(make_site: MakeSite) -> None:
    config = BASIC_CONFIG + '[anonymise]\nallow = ["Anne", "Annie"]\n'
    extra = "people:\n  - name: Ann Lee\n"
    site = make_site({"a.md": story(body="Anne and Annie came.", extra=extra)}, config=config)
    assert run_build(site).exit_code == 0
    assert "Anne and Annie came." in (site / "output/stories/a-story/index.html").read_text()
    site = make_site({"a.md": story(body="Anne and Annie came.", extra=extra)})
    result = run_build(site)
    assert "'Anne' — is a common first name" in result.output
    assert "Published 0 stories" in result.output
