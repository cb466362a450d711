"""Findings hold a story until a person decides, and say where and how to fix them."""

from __future__ import annotations

import pytest
from sitekit import BASIC_CONFIG, MakeSite, all_text, run_build, story

from storysite.anonymise.signals import Words, person_context

FIX = (
    "declare the person in the story's `people` with `named: true` or `named: false`, "
    "or, if it is not a person, add the word to the story's `allow:` list or to "
    "`[anonymise] allow` in storysite.toml"
)


def test_an_undeclared_name_holds_the_story_and_is_reported(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(title="Tea", body="A quiet day.\n\nI sat with Priya.")})
    result = run_build(site)
    assert result.exit_code == 0, result.output
    line = f"stories/a.md:10: 'Priya' — is a common first name that nobody declared — {FIX}"
    assert line in result.output
    assert "stories/a.md: held" in result.output
    text = all_text(site / "output")
    assert "Priya" not in text and "stories/tea" not in text


def test_declaring_or_allowing_resolves_a_finding(make_site: MakeSite) -> None:
    named = story(body="I sat with Priya.", extra="people:\n  - name: Priya\n    named: true\n")
    hidden = story(title="B", body="I sat with Tobias.", extra="people:\n  - name: Tobias\n")
    config = BASIC_CONFIG + '[anonymise]\nallow = ["Devon", "Priya Court"]\n'
    allowed = story(title="C", body="We walked from Priya Court to Devon.")
    site = make_site({"a.md": named, "b.md": hidden, "c.md": allowed}, config=config)
    result = run_build(site)
    assert result.exit_code == 0, result.output
    assert "Published 3 stories, held 0" in result.output
    assert "I sat with Priya." in (site / "output/stories/a-story/index.html").read_text()
    assert "I sat with [name removed]." in (site / "output/stories/b/index.html").read_text()


def test_findings_in_front_matter_fields_carry_their_line(make_site: MakeSite) -> None:
    extra = "summary: Dr Okafor helped us.\ntags: [Tobias]\n"
    site = make_site({"a.md": story(title="Talking with Mrs Adeyemi", extra=extra)})
    result = run_build(site)
    assert "stories/a.md:2: 'Adeyemi' — follows the title 'Mrs'" in result.output
    assert "stories/a.md:7: 'Okafor' — follows the title 'Dr'" in result.output
    assert "stories/a.md:8: 'Tobias' — is a common first name" in result.output


def test_hidden_letters_hold_the_story(make_site: MakeSite) -> None:
    site = make_site(
        {
            "a.md": story(title="A", body="We met Ma\u200brk's team."),
            "b.md": story(title="B", body="The \u0405ervice was good."),
            "c.md": story(title="C\u00adC", body="Fine."),
        }
    )
    result = run_build(site)
    assert "stories/a.md:8: 'Mark's' — has a hidden character (U+200B ZERO WIDTH SPACE)" in (
        result.output
    )
    assert "stories/b.md:8: 'Ѕervice' — mixes letters of different alphabets" in result.output
    assert "stories/c.md:2: 'CC' — has a hidden character (U+00AD SOFT HYPHEN)" in result.output
    assert "Published 0 stories, held 3" in result.output


def test_initials_of_a_declared_person_are_flagged(make_site: MakeSite) -> None:
    extra = "people:\n  - name: Jane Doe\n"
    site = make_site({"a.md": story(body="J.D. and J. D. and JD came.", extra=extra)})
    result = run_build(site)
    for initials in ("J.D.", "J. D.", "JD"):
        assert f"'{initials}' — may be the initials of a person declared" in result.output
    with_alias = "people:\n  - name: Jane Doe\n    aliases: [JD, J.D.]\n"
    site = make_site({"a.md": story(body="J.D. and JD came.", extra=with_alias)})
    result = run_build(site)
    assert "may be the initials" not in result.output
    page = (site / "output/stories/a-story/index.html").read_text()
    assert "[Name removed] and [name removed] came." in page


def test_everyday_words_that_are_names_are_not_findings_on_their_own(
    make_site: MakeSite,
) -> None:
    body = (
        "May is busy. Will it rain? Hope so. Grace under fire.\n\n"
        "We met in May, by June we were done. Mark my words.\n\n"
        "## Hope and Faith\n\nmay will hope grace mark bill faith joy\n"
    )
    site = make_site({"a.md": story(title="Hope and Joy", body=body)})
    result = run_build(site)
    assert "held 0" in result.output, result.output


def test_register_people_and_named_people_are_never_findings(make_site: MakeSite) -> None:
    config = BASIC_CONFIG + '[[anonymise.people]]\nname = "Gwen Harlow"\n'
    extra = "people:\n  - name: Sam Rivera\n    named: true\n"
    site = make_site({"a.md": story(body="Gwen and Sam talked.", extra=extra)}, config=config)
    result = run_build(site)
    assert "held 0" in result.output, result.output
    assert "[Name removed] and Sam talked." in all_text(site / "output")


def test_replacement_texts_are_configurable(make_site: MakeSite) -> None:
    config = BASIC_CONFIG + (
        '[anonymise.replacements]\nphone = "[number taken out]"\nemail = "[address taken out]"\n'
    )
    body = "Ring 07700 900123 or write to someone@example.org."
    site = make_site({"a.md": story(body=body)}, config=config)
    result = run_build(site)
    assert result.exit_code == 0, result.output
    page = (site / "output/stories/a-story/index.html").read_text()
    assert "Ring [number taken out] or write to [address taken out]." in page
    assert "Names have been changed" in page


def test_an_unknown_replacement_key_is_an_error(make_site: MakeSite) -> None:
    config = BASIC_CONFIG + '[anonymise.replacements]\nfax = "[gone]"\n'
    result = run_build(make_site({"a.md": story()}, config=config))
    assert result.exit_code == 1
    assert "unknown key 'fax'" in result.output


@pytest.mark.parametrize("text", ["my friend ngozi-", "said ngozi-", "Ngozi-", "we met Woo-"])
def test_a_text_ending_in_a_hyphen_is_judged_not_a_crash(text: str) -> None:
    """A hyphen after the last word (a title or summary cut short) is no hyphenated
    name: the word is judged like any other, and nothing raises."""
    words = Words(text)
    for index in range(len(words.words)):
        person_context(words, index)  # raised IndexError before
