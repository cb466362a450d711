"""storysite review: the pack shows what readers will see, and never what was removed."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner, Result
from sitekit import TODAY, MakeSite, run_build, run_subprocess, story, today

from storysite.anonymise.identifiers import DEFAULT_REPLACEMENTS
from storysite.build import decide
from storysite.cli import main
from storysite.config import load_config
from storysite.markup import MarkdownRenderer
from storysite.models import plain_text
from storysite.plaintext import plain_story
from storysite.review import KINDS, STORY_END, STORY_START

PEOPLE = """\
people:
  - name: Jane Doe
    named: false
    aliases: [Janey]
    shown_as: a service user
  - name: Sam Rivera
    named: true
"""
BODY = """\
# Where it began

Jane Doe came to her first workshop in 2019. Janey was nervous, and said so.

Sam Rivera ran the session. *Janey's* question about notes changed how we
work — see [the notes](https://example.org/notes).

- one
- two
"""


def review(site: Path, target: str, *args: str) -> Result:
    return CliRunner().invoke(
        main, ["review", target, "--site", str(site), "--today", TODAY, *args]
    )


def body_between_markers(pack: str) -> str:
    start = pack.index(STORY_START) + len(STORY_START)
    return pack[start : pack.index(STORY_END)]


def page_body_html(page: str) -> str:
    match = re.search(r'<div class="story-body">(.*?)</div>\s*(?:<p class|<aside|<nav)', page, re.S)
    assert match, "the story page has no story-body"
    return match.group(1)


def words(text: str) -> list[str]:
    """The words of a text, whatever the spacing and the tags around them."""
    return re.findall(r"\w[\w’]*", text)


def test_the_pack_shows_the_published_text(make_site: MakeSite) -> None:
    site = make_site(
        {
            "a.md": story(
                title="Jane Doe finds her voice",
                body=BODY,
                extra=PEOPLE + "summary: Janey tells it.\ntags: [Jane Doe, voice]\n",
            )
        }
    )
    result = review(site, "stories/a.md")
    assert result.exit_code == 0, result.output
    pack = result.output
    built = run_build(site)
    assert built.exit_code == 0, built.output
    page = (site / "output/stories/a-service-user-finds-her-voice/index.html").read_text()
    shown = body_between_markers(pack).strip()
    assert shown == plain_story(page_body_html(page)).text
    assert words(shown) == words(plain_text(page_body_html(page)))
    assert MarkdownRenderer().render(shown).text.split() == shown.split()
    assert "Janey" not in shown and "*" not in shown and "](" not in shown
    assert "- the notes: https://example.org/notes" in pack
    assert "Title: A service user finds her voice" in pack
    assert "Summary: A service user tells it." in pack
    assert "Tags: a service user, voice" in pack
    assert "Names have been changed or removed to protect privacy." in pack
    # example.org is kept for examples: the storyteller never sees a made-up address
    assert "stories.example.org" not in pack
    assert (
        "It will be at stories/a-service-user-finds-her-voice/ on the website (the\n"
        "website's own address is not set yet)."
    ) in pack
    assert "Sam Rivera ran the session" in pack


def test_the_pack_never_shows_a_removed_name(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(title="Jane Doe finds her voice", body=BODY, extra=PEOPLE)})
    pack = review(site, "a-service-user-finds-her-voice").output
    assert not re.search(r"jane|doe|janey", pack, re.IGNORECASE)
    changes = pack[pack.index("## 5.") : pack.index("## 6.")]
    items = re.findall(r"^\d+\. (.*)$", changes, re.MULTILINE)
    assert len(items) == 4  # the title, Jane Doe, Janey, Janey's
    assert items[0].startswith("Line 2 of the story file, in the title: a name")
    assert 'now reads "a service user"' in items[1]
    lines = (site / "stories/a.md").read_text().splitlines()
    line = next(n for n, text in enumerate(lines, start=1) if text.startswith("Jane Doe came"))
    assert f"Line {line} of the story file, in the story" in items[1]


def test_the_pack_explains_consent_and_asks_the_questions(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(title="Held one", consent="")})
    pack = review(site, "a").output
    assert "It is not published" in pack
    assert "consent to publish is not recorded" in pack
    assert "Consent given on: not recorded" in pack
    assert "Is there anything here that could identify you or someone else?" in pack
    assert "Are you happy with how you are described?" in pack
    assert "Nothing was changed." in pack
    assert all(len(line) <= 78 for line in pack.splitlines() if "http" not in line)


def test_no_pack_for_a_story_with_findings(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(body="Dr Okonkwo listened, and Margaret helped.\n")})
    decisions, _ = decide(load_config(site), today())
    result = review(site, "stories/a.md")
    assert decisions[0].findings  # Okonkwo after "Dr" and Margaret are undeclared names
    assert result.exit_code == 1
    assert "no review pack was made" in result.output
    assert "Dr Okonkwo listened" not in result.output


def test_no_pack_when_another_storys_private_name_is_in_it(make_site: MakeSite) -> None:
    site = make_site(
        {
            "a.md": story(title="First", body="Jane Doe spoke.", extra=PEOPLE),
            "b.md": story(title="Second", body="Later I met Jane Doe again."),
        }
    )
    result = review(site, "stories/b.md")
    assert result.exit_code == 1
    assert "no review pack was made" in result.output
    assert "Later I met" not in result.output


def test_pack_to_a_file_and_unknown_story(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site({"a.md": story(title="Hello")})
    target = tmp_path / "pack.md"
    result = review(site, "hello", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_text().startswith("# Review pack: Hello\n")
    missing = review(site, "nope")
    assert missing.exit_code == 1
    assert "nope: there is no story" in missing.output
    assert "Traceback" not in missing.output


def test_review_as_a_subprocess(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(title="Jane Doe finds her voice", body=BODY, extra=PEOPLE)})
    done = run_subprocess("review", "stories/a.md", "--site", str(site), "--today", TODAY)
    assert done.returncode == 0, done.stderr
    assert "# Review pack: A service user finds her voice" in done.stdout
    assert "Jane" not in done.stdout


def test_every_kind_of_change_is_named_in_words(make_site: MakeSite) -> None:
    body = (
        "Write to ola.fenwick@example.org or ring 07700 900123. My NHS number is "
        "943 476 5919, I live at SW1A 1AA and was born on 12/03/1980.\n"
    )
    site = make_site({"a.md": story(title="Details", body=body)})
    result = review(site, "stories/a.md")
    assert result.exit_code == 0, result.output
    changes = result.output[result.output.index("## 5.") : result.output.index("## 6.")]
    kinds = {r.kind for d in decide(load_config(site), today())[0] for r in d.story.replacements}
    assert kinds == set(DEFAULT_REPLACEMENTS)  # the story exercises every identifier kind
    assert "something that could identify someone" not in changes
    for words_for_kind in KINDS.values():
        if words_for_kind != "a name":
            assert f"{words_for_kind} now reads" in " ".join(changes.split())
