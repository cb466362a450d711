"""Names, as an outsider reads contract section 2: every form must be replaced or held,
and nothing else may be touched."""

from __future__ import annotations

import re
import unicodedata

import pytest
from advkit import people, png, story_body, story_pages, traces
from sitekit import BASIC_CONFIG, MakeSite, all_text, run_build, story

JANE = people("Jane Doe")

# (body, needles that must not appear anywhere in the output)
REPLACED = {
    "spaces": ("Jane   Doe went.", ["Jane", "Doe"]),
    "line-break": ("She said Jane\nDoe went.", ["Jane", "Doe"]),
    "hyphen": ("jane-doe went.", ["jane doe"]),
    "underscore": ("user jane_doe went.", ["jane doe"]),
    "dot": ("mail jane.doe went.", ["jane doe"]),
    "all-caps": ("JANE DOE went. DOE slept. JANE woke.", ["Jane", "Doe"]),
    "possessive-straight": ("Jane's cat and Doe's dog.", ["Jane", "Doe"]),
    "possessive-curly": ("Jane’s cat and Doe’s dog.", ["Jane", "Doe"]),
    "entity-decimal": ("&#74;ane Doe went.", ["Jane", "Doe"]),
    "entity-hex": ("&#x4A;ane went.", ["Jane"]),
    "url-encoded-target": ("[link](https://example.org/Jane%20Doe)", ["Jane"]),
    "link-text-and-target": ("[Jane Doe](https://example.org/jane-doe)", ["Jane", "Doe"]),
    "headings": ("# Jane Doe\n\n## About Doe\n", ["Jane", "Doe"]),
    "table": ("| a | b |\n|---|---|\n| Jane | Doe |\n", ["Jane", "Doe"]),
    "code-span": ("Run `Jane Doe` now.", ["Jane"]),
    "fenced-code": ("```\nJane Doe\n```\n", ["Jane"]),
    "indented-code": ("Para.\n\n    Jane Doe code\n", ["Jane"]),
    "blockquote": ("> Jane Doe said.\n", ["Jane"]),
    "raw-html-title": ('<span title="Jane Doe">x</span>', ["Jane"]),
    "html-comment": ("<!-- Jane Doe -->Hi.", ["Jane"]),
    "link-title": ('[x](https://example.org/ "Jane Doe")', ["Jane"]),
    "autolink": ("<https://example.org/jane-doe>", ["jane doe"]),
    "br-split": ("Jane<br>Doe went.", ["Jane", "Doe"]),
    "bold-split": ("**Ja**ne went.", ["Jane"]),
    "empty-tag-split": ("Ja<b></b>ne went.", ["Jane"]),
    "nbsp": ("Jane\u00a0Doe went.", ["Jane"]),
    "em-space": ("Jane\u2003Doe went.", ["Jane"]),
    "tab": ("Jane\tDoe went.", ["Jane"]),
    "footnote": ("Text[^1].\n\n[^1]: Jane Doe said so.\n", ["Jane"]),
    "doctor-title": ("Dr Doe explained. Then Dr. Jane Doe left.", ["Doe"]),
}


@pytest.mark.parametrize("case", sorted(REPLACED))
def test_every_written_form_is_replaced(make_site: MakeSite, case: str) -> None:
    body, needles = REPLACED[case]
    site = make_site({"a.md": story(title="A day", body=body, extra=JANE)})
    result = run_build(site)
    assert result.exit_code == 0, result.output
    for needle in needles:
        assert traces(site / "output", needle) == []


@pytest.mark.parametrize(
    ("declared", "written"),
    [
        ("Zoë Quill", "Zoe Quill came. ZOE left. Zoë too. Zoe\u0308 also."),
        ("Zoe Quill", "Zoë Quill came. Zoë left. Zoe\u0308 Quill also."),
        ("Rory O’Neill", "Rory O'Neill came. O'Neill left. O’Neill's bag. O'NEILL."),
        ("Rory O'Neill", "Rory O’Neill came. O’Neill’s bag."),
    ],
)
def test_accents_and_apostrophes_both_ways(
    make_site: MakeSite, declared: str, written: str
) -> None:
    site = make_site({"a.md": story(body=written, extra=people(declared))})
    assert run_build(site).exit_code == 0
    out = site / "output"
    assert story_pages(out) == ["a-story"]
    for needle in ("Zoe", "Zoë", "Zoe\u0308", "Quill", "O'Neill", "O’Neill"):
        assert traces(out, needle) == []


def test_aliases_and_shown_as(make_site: MakeSite) -> None:
    extra = (
        "people:\n  - name: Jane Doe\n    named: false\n    aliases: [Janey, JD]\n"
        "    shown_as: the doctor\n"
    )
    body = "Dr Jane Doe came. Janey left. JD too. Doe's car."
    site = make_site({"a.md": story(body=body, extra=extra)})
    assert run_build(site).exit_code == 0
    out = site / "output"
    for needle in ("Jane", "Janey", "JD", "Doe"):
        assert traces(out, needle) == []
    assert "The doctor came" in story_body(out, "a-story")


def test_register_person_in_every_field_and_path(make_site: MakeSite) -> None:
    config = BASIC_CONFIG + '\n[[anonymise.people]]\nname = "Quill Marsh"\nnamed = false\n'
    extra = (
        "summary: Marsh’s story\ntags: [Quill Marsh group]\n"
        "image: {src: images/pic.png, alt: Quill smiling}\n"
    )
    site = make_site(
        {"a.md": story(title="Quill Marsh day", body="Quill Marsh came.", extra=extra)},
        config=config,
        files={"stories/images/pic.png": png()},
    )
    assert run_build(site).exit_code == 0, "build"
    out = site / "output"
    assert len(story_pages(out)) == 1
    for needle in ("Quill", "Marsh"):
        assert traces(out, needle) == []


@pytest.mark.parametrize("slug", ["jane-doe-story", "meeting-jane"])
def test_name_in_explicit_slug_is_not_in_any_path(make_site: MakeSite, slug: str) -> None:
    site = make_site({"a.md": story(body="x", extra=f"slug: {slug}\n" + JANE)})
    assert run_build(site).exit_code == 0
    assert traces(site / "output", "jane") == []


def test_name_in_image_file_name_is_not_published(make_site: MakeSite) -> None:
    extra = "image: {src: images/jane-doe.png, alt: A picture}\n" + JANE
    body = "![Jane Doe](images/jane-doe.png)\n"
    site = make_site(
        {"a.md": story(body=body, extra=extra)}, files={"stories/images/jane-doe.png": png()}
    )
    assert run_build(site).exit_code == 0
    assert traces(site / "output", "jane") == []


@pytest.mark.parametrize(
    "body",
    [
        "Ja\u200bne Doe went.",
        "Jane\u200dDoe went.",
        "Ja\u00adne went.",
        "\u202eeoD enaJ went.",
        "J\u0430ne went.",  # Cyrillic a
        "\u0405am went.",  # Cyrillic S
    ],
)
def test_hidden_letters_hold_the_story(make_site: MakeSite, body: str) -> None:
    site = make_site({"a.md": story(body=body, extra=JANE), "b.md": story(title="Other")})
    result = run_build(site)
    assert result.exit_code == 0
    assert "stories/a.md" in result.output and "held" in result.output
    assert story_pages(site / "output") == ["other"]


def test_a_name_never_touches_a_longer_word(make_site: MakeSite) -> None:
    body = "Ann Lee went to the Annual meeting. Annabel's planner is Ann."
    extra = people("Ann Lee") + "\n"
    config = BASIC_CONFIG + '\n[anonymise]\nallow = ["Annabel"]\n'
    site = make_site({"a.md": story(body=body, extra=extra)}, config=config)
    assert run_build(site).exit_code == 0
    body_html = story_body(site / "output", "a-story")
    assert "Annual meeting" in body_html and "Annabel" in body_html
    assert traces(site / "output", "Ann") == []


def test_protected_full_name_in_another_story_is_held(make_site: MakeSite) -> None:
    site = make_site(
        {
            "a.md": story(title="Walk", body="x", extra=people("Quill Marsh")),
            "b.md": story(title="Other", body="Then quill marsh came along."),
        }
    )
    assert run_build(site).exit_code == 0
    assert story_pages(site / "output") == ["walk"]
    assert traces(site / "output", "Quill Marsh") == []


def test_named_true_in_one_story_false_in_another_never_leaks(make_site: MakeSite) -> None:
    site = make_site(
        {
            "a.md": story(
                title="A", body="Quill Marsh came to A.", extra=people("Quill Marsh|true")
            ),
            "b.md": story(title="B", body="Quill Marsh came to B.", extra=people("Quill Marsh")),
        }
    )
    assert run_build(site).exit_code == 0
    assert traces(site / "output", "Quill Marsh") == []
    assert "b" in story_pages(site / "output")


# ---------------------------------------------------------------- defects found earlier


def test_words_of_two_stories_side_by_side_do_not_stop_the_build(make_site: MakeSite) -> None:
    site = make_site(
        {
            "a.md": story(
                title="Walk",
                date="2020-02-01",
                body="x",
                extra="summary: we lost all hope\n" + people("Hope Wood"),
            ),
            "b.md": story(title="wood carving", date="2020-01-01", body="y"),
        }
    )
    result = run_build(site)
    assert result.exit_code == 0, result.output
    assert story_pages(site / "output") == ["walk", "wood-carving"]


def test_adjacent_tags_spelling_a_name_hold_at_most_that_story(make_site: MakeSite) -> None:
    site = make_site(
        {
            "a.md": story(title="A", body="x", extra="tags: [jane, doe-group]\n" + JANE),
            "b.md": story(title="Other", body="y"),
        }
    )
    result = run_build(site)
    assert result.exit_code == 0, result.output
    assert "other" in story_pages(site / "output")
    assert traces(site / "output", "Jane Doe") == []


@pytest.mark.parametrize(
    ("name", "date"), [("June Smith", "2020-06-15"), ("May Lin", "2020-05-01")]
)
def test_a_month_in_the_page_date_is_not_a_name(make_site: MakeSite, name: str, date: str) -> None:
    body = f"{name} came to the group."
    site = make_site({"a.md": story(date=date, body=body, extra=people(name))})
    result = run_build(site)
    assert result.exit_code == 0, result.output
    assert story_pages(site / "output") == ["a-story"]


def test_conflicting_author_holds_the_story_not_the_site(make_site: MakeSite) -> None:
    site = make_site(
        {
            "a.md": story(
                title="A",
                body="Hello.",
                extra="authors: [Quill Marsh]\n" + people("Quill Marsh|true"),
            ),
            "b.md": story(title="B", body="Quill Marsh came to B.", extra=people("Quill Marsh")),
            "c.md": story(title="C", body="Plain."),
        }
    )
    result = run_build(site)
    assert result.exit_code == 0, result.output
    assert "c" in story_pages(site / "output")
    assert traces(site / "output", "Quill Marsh") == []


def test_one_letter_name_does_not_stop_the_build(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(body="I went to see X there.", extra=people("X"))})
    result = run_build(site)
    assert result.exit_code == 0, result.output
    assert "see X " not in story_body(site / "output", "a-story")


def test_full_width_letters_do_not_hide_a_name(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(body="Ｊａｎｅ Ｄｏｅ went.", extra=JANE)})
    result = run_build(site)
    assert result.exit_code == 0, result.output
    out = site / "output"
    # Held or replaced are both safe; either way no form of the name may be left.
    assert story_pages(out) == ["a-story"] or "stories/a.md: held" in result.output
    folded = unicodedata.normalize("NFKC", all_text(out)).lower()
    assert not re.search(r"\b(jane|doe)\b", folded)


def test_footnote_text_gets_the_reader_replacement(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(body="Text[^1].\n\n[^1]: Jane Doe said so.\n", extra=JANE)})
    assert run_build(site).exit_code == 0
    body = story_body(site / "output", "a-story")
    assert "name-removed said so" not in body
    assert "[Name removed] said so" in body


@pytest.mark.parametrize(
    "shown", ['"[click](javascript:alert(1))"', '"<img src=x onerror=alert(1)>"']
)
def test_shown_as_is_text_not_markup(make_site: MakeSite, shown: str) -> None:
    extra = f"people:\n  - name: Jane Doe\n    named: false\n    shown_as: {shown}\n"
    site = make_site({"a.md": story(body="Jane Doe came.", extra=extra)})
    assert run_build(site).exit_code == 0
    body = story_body(site / "output", "a-story")
    assert "<a " not in body and "<img" not in body


def test_protected_surname_alone_in_another_story(make_site: MakeSite) -> None:
    site = make_site(
        {
            "a.md": story(title="Walk", body="x", extra=people("Quill Marsh")),
            "b.md": story(title="Other", body="Then Marsh came along."),
        }
    )
    assert run_build(site).exit_code == 0
    assert traces(site / "output", "Marsh") == []
