"""Bad input: every problem as path:line, exit 1, no traceback, previous output untouched."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sitekit import (
    BASIC_CONFIG,
    MakeSite,
    read_tree,
    run_build,
    run_subprocess,
    story,
    write_files,
)

GOOD = story(title="Good story")


def break_and_rebuild(
    make_site: MakeSite, bad: dict[str, str | bytes], config: str = BASIC_CONFIG
) -> str:
    site = make_site({"good.md": GOOD})
    assert run_build(site).exit_code == 0
    before = read_tree(site / "output")
    write_files(site, bad)
    if config != BASIC_CONFIG:
        (site / "storysite.toml").write_text(config)
    result = run_subprocess("build", "--site", str(site), "--today", "2026-11-27")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert read_tree(site / "output") == before
    leftovers = [
        p.name
        for p in site.iterdir()
        if p.name.startswith(".storysite-") and p.name != ".storysite-cache"
    ]
    assert leftovers == []
    return result.stderr


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("---\ntitle: [unclosed\ndate: 2020-01-01\n---\nx", r"stories/bad\.md:2: the front matter"),
        ("---\ntitle: A\ndate: 2020-01-01\n  bad: indent\n---\nx", r"stories/bad\.md:\d+: "),
        ("---\ndate: 2020-01-01\n---\nx", r"stories/bad\.md:\d*:? ?'title' is required"),
        ("---\ntitle: ''\ndate: 2020-01-01\n---\nx", r"stories/bad\.md:2: 'title' is required"),
        ("---\ntitle: A\ndate: 2020-13-45\n---\nx", r"stories/bad\.md:3: 'date' is not a real"),
        ("---\ntitle: A\ndate: last tuesday\n---\nx", r"stories/bad\.md:3: 'date' is not a real"),
        ("---\ntitle: A\ndate: 2020-01-01\nslug: Bad Slug!\n---\nx", r"bad\.md:4: 'slug' may"),
        ("---\ntitle: A\ndate: 2020-01-01\ntags: 5\n---\nx", r"bad\.md:4: 'tags' must be"),
        ("---\ntitle: A\ndate: 2020-01-01\ndraft: maybe\n---\nx", r"bad\.md:4: 'draft' must"),
        ("---\ntitle: 7\ndate: 2020-01-01\n---\nx", r"stories/bad\.md:2: 'title'"),
        (
            "---\ntitle: A\ndate: 2020-01-01\nconsent:\n  publsh: true\n  date: 2020-01-01\n---\nx",
            r"bad\.md:5: unknown field 'consent\.publsh'",
        ),
        ("---\ntitle: A\ndate: 2020-01-01\nauthors: [Nobody]\n---\nx", r"bad\.md:4: author"),
        (
            "---\ntitle: A\ndate: 2020-01-01\nauthors: [Jo Bloggs]\npeople:\n"
            "  - name: Jo Bloggs\n    named: false\n---\nx",
            r"bad\.md:4: author 'Jo Bloggs' is not a person with named: true",
        ),
        (
            "---\ntitle: A\ndate: 2020-01-01\npeople:\n  - name: Jo\n    named: 'no'\n---\nx",
            r"bad\.md:5: people: named must be true or false",
        ),
        (
            "---\ntitle: A\ndate: 2020-01-01\nconsent:\n  withdrawn: true\n"
            "  withdrawn: false\n---\n",
            r"bad\.md:6: the front matter cannot be read \('withdrawn' is written twice \(also on "
            r"line 5\)",
        ),
        ("no front matter at all", r"stories/bad\.md:1: has no front matter"),
        (b"---\ntitle: Caf\xe9\ndate: 2020-01-01\n---\n", r"stories/bad\.md:2: is not UTF-8"),
    ],
)
def test_story_errors(make_site: MakeSite, content: str | bytes, expected: str) -> None:
    stderr = break_and_rebuild(make_site, {"stories/bad.md": content})
    assert re.search(expected, stderr), stderr


def test_two_stories_with_one_slug(make_site: MakeSite) -> None:
    stderr = break_and_rebuild(
        make_site,
        {"stories/x.md": story(title="Same"), "stories/y.md": story(title="Same!")},
    )
    assert "stories/x.md:2: two stories would have the address stories/same/" in stderr
    assert "stories/y.md:2:" in stderr


def test_every_problem_is_reported_at_once(make_site: MakeSite) -> None:
    stderr = break_and_rebuild(
        make_site,
        {
            "stories/a.md": "---\ntitle: A\ndate: nope\n---\n",
            "stories/b.md": "---\ntitle: B\ndate: 2020-01-01\nslug: B!\n---\n",
        },
    )
    assert "stories/a.md:3:" in stderr
    assert "stories/b.md:4:" in stderr
    assert "2 problems" in stderr


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ('[site]\ntitle = "T"\ncolour = "red"\n', r"storysite\.toml:3: unknown key 'colour'"),
        ('[site]\ntitle = "T"\n[anonymise]\nalow = ["X"]\n', r"storysite\.toml:4: unknown key"),
        ('[site]\nlanguage = "en"\n', r"storysite\.toml: \[site\] title is required"),
        ('[site]\ntitle = "T"\nper_page = "ten"\n', r"storysite\.toml:3: \[site\] per_page"),
        ('[site]\ntitle = "T\n', r"storysite\.toml:2: this is not valid TOML"),
        ('[site]\ntitle = "T"\n[extras]\nx = 1\n', r"storysite\.toml:3: unknown section"),
        (
            '[site]\ntitle = "T"\n[[anonymise.people]]\nname = "A B"\nnamed = "no"\n',
            r"storysite\.toml:3: \[\[anonymise\.people\]\] named must be true or false",
        ),
    ],
)
def test_config_errors(make_site: MakeSite, config: str, expected: str) -> None:
    stderr = break_and_rebuild(make_site, {}, config=config)
    assert re.search(expected, stderr), stderr


def test_wrong_usage_exits_2(make_site: MakeSite) -> None:
    site = make_site({"a.md": GOOD})
    result = run_subprocess("build", "--site", str(site), "--today", "tomorrow")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert run_subprocess("build", "--no-such-option").returncode == 2


def test_files_starting_with_underscore_or_dot_are_ignored(make_site: MakeSite) -> None:
    site = make_site({"a.md": GOOD, "_notes.md": "not a story", ".hidden.md": "nor this"})
    result = run_build(site)
    assert result.exit_code == 0, result.output


def test_a_linked_folder_of_stories_is_named_not_silently_skipped(
    make_site: MakeSite, tmp_path: Path
) -> None:
    """Stories are not read through a folder that is a link (a linked file is read):
    the build says which folder and what to do, even when nothing else changed."""
    site = make_site({"a.md": story(title="Pears", body="Ripe pears.")})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "b.md").write_text(story(title="Plums", body="Dark plums."))
    first = run_build(site, "--output", str(site / "out"))
    assert first.exit_code == 0 and "link to a folder" not in first.output
    (site / "stories/shared").symlink_to(elsewhere, target_is_directory=True)
    result = run_build(site, "--output", str(site / "out"))
    assert result.exit_code == 0, result.output
    assert "warning: stories/shared is a link to a folder" in result.output
    assert "nothing had changed" not in result.output
    assert not any("plums" in path for path in read_tree(site / "out"))
