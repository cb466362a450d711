"""The output is swapped in whole: a failed or killed build leaves the previous site."""

from __future__ import annotations

from pathlib import Path

import pytest
from sitekit import MakeSite, kill_build_midway, read_tree, run_build, story

from storysite.errors import StorySiteError
from storysite.writing import safe_relative_path


@pytest.mark.parametrize("bad", ["../escape.html", "/etc/passwd", "a/../../b", ""])
def test_paths_outside_the_output_are_refused(bad: str) -> None:
    with pytest.raises(StorySiteError):
        safe_relative_path(bad)


def test_a_folder_of_someone_elses_files_is_never_replaced(make_site: MakeSite) -> None:
    site = make_site({"a.md": story()})
    precious = site / "output" / "thesis.docx"
    precious.parent.mkdir()
    precious.write_text("years of work")
    result = run_build(site)
    assert result.exit_code == 1
    assert "did not write" in result.output
    assert precious.read_text() == "years of work"


def test_files_that_no_longer_belong_are_removed(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(title="First"), "b.md": story(title="Second")})
    assert run_build(site).exit_code == 0
    (site / "stories/b.md").unlink()
    assert run_build(site).exit_code == 0
    assert not (site / "output/stories/second").exists()
    assert (site / "output/stories/first/index.html").exists()


def big_site(make_site: MakeSite, count: int, marker: str) -> Path:
    body = "A paragraph of ordinary words about a workshop. " * 30
    stories = {
        f"s{n:05d}.md": story(title=f"Story {n} {marker}", body=body, date="2020-01-01")
        for n in range(count)
    }
    return make_site(stories)


def test_sigkill_mid_write_leaves_the_previous_site_whole(make_site: MakeSite) -> None:
    site = big_site(make_site, 600, "old")
    assert run_build(site).exit_code == 0
    before = read_tree(site / "output")
    for path in (site / "stories").iterdir():
        path.write_text(path.read_text().replace(" old\n", " new\n"))
    kill_build_midway(site)
    assert read_tree(site / "output") == before
    result = run_build(site)
    assert result.exit_code == 0, result.output
    leftovers = [p for p in site.glob(".storysite-*") if p.name != ".storysite-cache"]
    assert not leftovers, "leftovers of the killed build remain"
    assert "Story 7 new" in (site / "output/stories/story-7-new/index.html").read_text()
