"""The output gate (audit.py): every file, every way a reader or a program can read it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sitekit import BASIC_CONFIG, MakeSite, all_text, read_tree, run_build, story

from storysite.audit import Gate
from storysite.config import SiteConfig
from storysite.models import OutputFile, Person

REGISTER = BASIC_CONFIG + '[[anonymise.people]]\nname = "Jane Doe"\n'


def gate() -> Gate:
    config = SiteConfig(
        root=Path("."), title="T", register=(Person("Jane Doe"), Person("Sam Rivera", named=True))
    )
    return Gate(config, [])


@pytest.mark.parametrize(
    ("path", "content"),
    [
        ("index.html", "<p>We met Jane Doe.</p>"),
        ("index.html", "<p>We met <b>Ja</b>ne.</p>"),
        ("index.html", "<p>We met J&#97;ne.</p>"),
        ("index.html", "<p>We met J&amp;#97;ne.</p>"),
        ("index.html", '<a href="https://e.org/Jane%20Doe">x</a>'),
        ("index.html", '<a href="https://e.org/?q=Jane+Doe">x</a>'),
        ("index.html", '<a href="https://e.org/?q=jane+doe">x</a>'),
        ("index.html", '<a href="https://e.org/Jane%2520Doe">x</a>'),
        ("index.html", '<img alt="x" title="J&#x61;ne">'),
        ("index.html", "<p>We met Ja\u200bne.</p>"),
        ("index.html", "<p>We met JANE.</p>"),
        ("index.html", "<p>We met Jäne Döe.</p>"),
        ("index.html", "<p>We met jane<br>doe.</p>"),
        ("feed.xml", "<content type='html'>&lt;p&gt;J&amp;#97;ne Doe&lt;/p&gt;</content>"),
        ("feed.xml", "<content><![CDATA[<p>Jane Doe</p>]]></content>"),
        ("sitemap.xml", "<loc>https://x.org/stories/jane-doe/</loc>"),
        ("search-index.json", json.dumps([{"title": "Jane Doe"}], ensure_ascii=True)),
        ("search-index.json", '[{"t": "J\\u0061ne D\\u006fe"}]'),
        ("search-index.json", '{"Jane": 1}'),
        ("index.html", "<p>We met the Doe family.</p>"),
        ("stories/janedoe/index.html", "<p>nothing</p>"),
        ("stories/x/index.html", "<p>We met Jane&#8217;s friend.</p>"),
    ],
)
def test_the_gate_finds_every_form(path: str, content: str) -> None:
    found = gate().file_leak(OutputFile(path, content.encode()))
    assert found is not None and found.kind == "name"


@pytest.mark.parametrize(
    "content",
    [
        "<p>The Annual review.</p>",
        "<p>Sam Rivera and Sam led it.</p>",
        "<p>the doe and the jane street market</p>",
        json.dumps({"t": "A story about recovery"}),
    ],
)
def test_the_gate_passes_clean_text(content: str) -> None:
    assert gate().file_leak(OutputFile("index.html", content.encode())) is None


def test_ordinary_parts_in_a_path_are_not_names() -> None:
    # Paths are lower case whatever the text was: "doe" and "jane" are ordinary words.
    assert gate().file_leak(OutputFile("stories/doe-family/index.html", b"<p>x</p>")) is None
    assert gate().file_leak(OutputFile("tags/jane/index.html", b"<p>x</p>")) is None


def test_an_image_is_checked_by_its_path_only() -> None:
    picture = OutputFile("images/0a1b2c.png", b"\x89PNG Jane Doe", kind="image")
    assert gate().file_leak(picture) is None
    named = OutputFile("images/jane-doe.png", b"\x89PNG", kind="image")
    assert gate().file_leak(named) is not None


def test_a_template_that_shows_a_name_stops_the_build(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(title="Fine")}, config=REGISTER)
    assert run_build(site).exit_code == 0
    before = read_tree(site / "output")
    (site / "templates").mkdir()
    (site / "templates/footer.html").write_text("<footer>Thanks to J&#97;ne D&#111;e</footer>")
    result = run_build(site)
    assert result.exit_code == 1
    assert "does not come from one story" in result.output
    assert read_tree(site / "output") == before  # nothing written, the old site intact


def test_a_name_another_story_protects_holds_the_story(make_site: MakeSite) -> None:
    protecting = story(
        title="First", extra="people:\n  - name: Quorra Vantablack\n    named: false\n"
    )
    mentioning = story(title="Second", body="We met Quorra Vantablack at the fair.")
    site = make_site({"a.md": protecting, "b.md": mentioning})
    result = run_build(site)
    assert result.exit_code == 0, result.output
    assert "stories/b.md: held" in result.output
    assert "vantablack" not in all_text(site / "output").lower()
    assert "second" not in all_text(site / "output").lower()
