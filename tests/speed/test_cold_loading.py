"""Loading's quicker ways give the answers of the plain ones they replace: the control
character check (two small character classes before the one with the astral
noncharacters) and the display path (the site's folder resolved once per build)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from sitekit import MakeSite, run_build

from storysite.errors import display_path
from storysite.loading import CONTROL_RE, _display_path, has_control_characters

#: Each character CONTROL_RE names, and its neighbours, among ordinary text.
NAMED = [ord(c) for c in CONTROL_RE.findall("".join(map(chr, range(sys.maxunicode + 1))))]
EDGES = sorted({chr(n) for c in NAMED for n in (c - 1, c, c + 1) if 0 <= n <= sys.maxunicode})
texts = st.text(
    alphabet=st.sampled_from(EDGES) | st.characters(codec=None) | st.sampled_from("Ana é\n\t"),
    max_size=40,
)


def test_the_edges_cover_every_plane() -> None:
    assert len(NAMED) > 60 and chr(0x10FFFF) in EDGES and chr(0x1FFFD) in EDGES


@settings(max_examples=2000, deadline=None)
@given(texts)
def test_control_check_answers_as_the_pattern_does(text: str) -> None:
    assert has_control_characters(text) == (CONTROL_RE.search(text) is not None)


def test_each_character_alone_is_judged_as_the_pattern_does() -> None:
    for char in EDGES:
        expected = CONTROL_RE.search(char) is not None
        assert has_control_characters(f"Ana{char}é") == expected, hex(ord(char))


def test_display_path_is_the_errors_one(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "stories" / "deep").mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere.md"
    elsewhere.write_text("x")
    (site / "stories" / "a.md").write_text("x")
    os.symlink(elsewhere, site / "stories" / "linked.md")
    os.symlink(site, tmp_path / "through-a-link")
    paths = [
        site / "stories" / "a.md",
        site / "stories" / "deep" / ".." / "a.md",
        site / "stories" / "linked.md",
        site / "stories" / "missing.md",
        elsewhere,
        tmp_path / "through-a-link" / "stories" / "a.md",
    ]
    for root in (site, tmp_path / "through-a-link", tmp_path):
        for path in paths:
            assert _display_path(path, root) == display_path(path, root), (path, root)


def test_a_boolean_tag_on_another_word_is_a_problem_not_a_crash(make_site: MakeSite) -> None:
    front = "title: A\ndate: 2020-01-01\ndraft: !!bool maybe\n"
    consent = "consent:\n  publish: true\n  date: 2020-01-01\n"
    site = make_site({"stories/a.md": f"---\n{front}{consent}---\nHello.\n"})
    result = run_build(site)
    assert result.exit_code == 1
    assert "stories/a.md: the front matter has a value its '!!' tag cannot be ('maybe')" in (
        result.output
    )
    assert "Traceback" not in result.output
