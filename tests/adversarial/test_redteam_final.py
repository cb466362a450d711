"""Leaks a last red team found with only the docs and the tool: letters Unicode names
as Latin ones (small, squared and circled capitals, regional indicators), an HTML
comment inside an address or a date of birth, and a name cut by hyphens in a slug."""

from __future__ import annotations

import html
import re
import unicodedata

import pytest
from sitekit import MakeSite, read_tree, run_build, story

from storysite.anonymise.identifiers import find_identifiers

PERSON = "people:\n  - {name: Jane Quarrington, named: false, shown_as: a service user}\n"


def skeleton(data: bytes) -> str:
    text = html.unescape(data.decode("utf-8", "replace"))
    text = unicodedata.normalize("NFKD", text)
    named = []
    for char in text:
        name = unicodedata.name(char, "")
        found = re.search(r"LETTER (?:SMALL |CAPITAL )*([A-Z])\b", name)
        named.append(found.group(1) if found and ("LATIN" in name or "REGIONAL" in name) else char)
    return re.sub(r"[^a-z]", "", "".join(named).lower())


def test_disguised_letters_comments_and_cut_slugs_never_publish(make_site: MakeSite) -> None:
    bodies = {
        "small": "ᴊᴀɴᴇ ǫᴜᴀʀʀɪɴɢᴛᴏɴ came to the clinic.",
        "squared": "🅹🅰🅽🅴 🆀🆄🅰🆁🆁🅸🅽🅶🆃🅾🅽 came to the clinic.",
        "flags": "🇶 🇺 🇦 🇷 🇷 🇮 🇳 🇬 🇹 🇴 🇳 came.",
        "comment": "<div>Write to janeq@<!-- x -->example.net. Born on 3 March<!-- --> 1987.</div>",
    }
    stories = {
        f"{key}.md": story(title=key.title(), body=body, extra=PERSON)
        for key, body in bodies.items()
    }
    stories["slug.md"] = story(title="Slug", body="Hello.", extra=PERSON + "slug: quarr-ington\n")
    site = make_site(stories)
    result = run_build(site)
    assert result.exit_code == 0, result.output
    assert "Published 5 stories" in result.output, result.output
    tree = read_tree(site / "output")
    for path, data in tree.items():
        assert "quarrington" not in skeleton(path.encode()), path
        assert "quarrington" not in skeleton(data), path
        assert b"janeq" not in data and b"1987" not in data, path
    page = tree["stories/comment/index.html"].decode()
    assert "[email address removed]" in page and "[date of birth removed]" in page
    assert "A service user came" in tree["stories/squared/index.html"].decode()
    assert not any(p.startswith("stories/quarr") for p in tree)


def test_circled_digits_are_read_as_digits(make_site: MakeSite) -> None:
    body = "Call ⓿❼❼⓿⓿ ❾⓿⓿➊➋➌ now. NHS no ➒➍➌ ➍➐➏ ➎➒➊➒."
    site = make_site({"a.md": story(title="Digits", body=body), "b.md": story(title="Other")})
    result = run_build(site)
    assert result.exit_code == 0, result.output
    assert "stories/a.md: held — an NHS number was still in the finished page" in result.output
    assert not any(p.startswith("stories/digits") for p in read_tree(site / "output"))


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Write to janeq at example dot net please.", "email"),
        ("Write to janeq@example。net please.", "email"),
        ("Write to janeq@*example*.net please.", "email"),
        ("Write to janeq @ example . net please.", "email"),
        ("Write to janeq[@]example[.]net please.", "email"),
        ("Write to janeq﹫example.net please.", "email"),
        ("Write to janeq@\nexample.net please.", "email"),
        ("Write to janeq (@) example (.) net please.", "email"),
        (
            "I was born, as my mum always tells everyone at every party, on 3 March 1987.",
            "date_of_birth",
        ),
        ("I came into the world on 3 March 1987.", "date_of_birth"),
        ("My bday is 3 March 1987.", "date_of_birth"),
    ],
)
def test_disguised_addresses_and_birthdays_are_found(text: str, kind: str) -> None:
    assert kind in {i.kind for i in find_identifiers(text)}


@pytest.mark.parametrize(
    "text", ["I looked at example.com today.", "See us at nhs.uk for more.", "We met at noon."]
)
def test_a_web_address_after_at_is_not_an_email(text: str) -> None:
    assert find_identifiers(text) == []
