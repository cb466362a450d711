"""Unchanged files are hard-linked from the previous output, never rewritten, and the
previous site stays whole whatever happens to the build that links them."""

from __future__ import annotations

from pathlib import Path

from sitekit import MakeSite, kill_build_midway, read_tree, run_build, story

from storysite.models import OutputFile
from storysite.writing import write_site


def test_unchanged_files_are_linked_and_changed_ones_written(tmp_path: Path) -> None:
    output = tmp_path / "output"
    write_site([OutputFile("a.html", b"same"), OutputFile("b/c.html", b"old")], output)
    same, changed = (output / "a.html").stat(), (output / "b/c.html").stat()
    write_site([OutputFile("a.html", b"same"), OutputFile("b/c.html", b"new")], output)
    assert (output / "a.html").stat().st_ino == same.st_ino
    assert (output / "b/c.html").read_bytes() == b"new"
    assert (output / "b/c.html").stat().st_ino != changed.st_ino
    # Same size, other bytes: written, not linked.
    write_site([OutputFile("a.html", b"SAME"), OutputFile("b/c.html", b"new")], output)
    assert (output / "a.html").read_bytes() == b"SAME"
    assert (output / "a.html").stat().st_ino != same.st_ino


def test_a_symlink_in_the_old_output_is_never_linked(tmp_path: Path) -> None:
    output = tmp_path / "output"
    write_site([OutputFile("a.html", b"x")], output)
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"y")
    (output / "a.html").unlink()
    (output / "a.html").symlink_to(secret)
    write_site([OutputFile("a.html", b"y")], output)
    assert not (output / "a.html").is_symlink()
    assert (output / "a.html").stat().st_ino != secret.stat().st_ino


def test_a_no_change_rebuild_keeps_every_file_and_its_bytes(make_site: MakeSite) -> None:
    site = make_site({f"s{n}.md": story(title=f"Story {n}") for n in range(5)})
    assert run_build(site).exit_code == 0
    before = read_tree(site / "output")
    inodes = {p: (site / "output" / p).stat().st_ino for p in before}
    assert run_build(site, "--no-cache").exit_code == 0  # a real build, not "nothing to do"
    assert read_tree(site / "output") == before
    linked = [p for p in before if (site / "output" / p).stat().st_ino == inodes[p]]
    assert len(linked) == len(before) - 1  # all but the marker file, written anew
    # With the cache, a build with nothing new does not even link: nothing is touched.
    assert run_build(site).exit_code == 0
    assert run_build(site).exit_code == 0
    inodes = {p: (site / "output" / p).stat().st_ino for p in before}
    assert run_build(site).exit_code == 0
    assert {p: (site / "output" / p).stat().st_ino for p in before} == inodes


def test_sigkill_while_linking_leaves_the_previous_site_whole(make_site: MakeSite) -> None:
    body = "A paragraph of ordinary words about a workshop. " * 30
    stories = {
        f"s{n:05d}.md": story(title=f"Story {n}", body=body, date="2020-01-01") for n in range(600)
    }
    site = make_site(stories)
    assert run_build(site, "--no-cache").exit_code == 0
    before = read_tree(site / "output")
    # One story in ten changes: the rest of the new tree is linked from the old one.
    for n in range(0, 600, 10):
        path = site / f"stories/s{n:05d}.md"
        path.write_text(path.read_text().replace("workshop", "garden"))
    kill_build_midway(site, "stories/*/*")
    assert read_tree(site / "output") == before
    result = run_build(site)
    assert result.exit_code == 0, result.output
    assert not list(site.glob(".storysite-tmp-*")) and not list(site.glob(".storysite-old-*"))
    assert "garden" in (site / "output/stories/story-10/index.html").read_text()
    assert "garden" not in (site / "output/stories/story-11/index.html").read_text()
    # The linked files of the new tree have the old tree's bytes where nothing changed.
    after = read_tree(site / "output")
    assert after["stories/story-11/index.html"] == before["stories/story-11/index.html"]
