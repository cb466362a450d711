"""The staging folder that workers write into: a failed build never changes the old
site or leaves its files in the output, in one process or several."""

from __future__ import annotations

from pathlib import Path

import pytest
from sitekit import BASIC_CONFIG, MakeSite, read_tree, run_subprocess, story

from storysite.errors import StorySiteError
from storysite.models import OutputFile
from storysite.writing import Staging, write_site


def test_a_path_written_twice_never_changes_the_previous_site(tmp_path: Path) -> None:
    """The first file is hard-linked from the old site (same bytes); writing the second
    over it would write into the old site's file through the link."""
    output = tmp_path / "output"
    write_site([OutputFile("robots.txt", b"old\n")], output)
    with pytest.raises(StorySiteError, match="two pages want the same path"):
        write_site([OutputFile("robots.txt", b"old\n"), OutputFile("robots.txt", b"new\n")], output)
    assert read_tree(output) == {
        ".storysite": read_tree(output)[".storysite"],
        "robots.txt": b"old\n",
    }
    assert not list(tmp_path.glob(".storysite-tmp-*"))


def test_a_second_put_of_one_path_fails_at_once(tmp_path: Path) -> None:
    """Workers cannot see each other's paths: the file system refuses the second."""
    with Staging(tmp_path / "output") as staging:
        staging.put(OutputFile("a/b.html", b"one"))
        with pytest.raises(StorySiteError, match="two pages want the same path"):
            staging.put(OutputFile("a/b.html", b"two"))
        assert (staging.root / "a/b.html").read_bytes() == b"one"
    assert not (tmp_path / "output").exists()


LEAK = "<footer>Thanks to J&#97;ne D&#111;e</footer>"
REGISTER = BASIC_CONFIG + '[[anonymise.people]]\nname = "Jane Doe"\n'


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_leak_found_late_by_any_worker_publishes_nothing(
    make_site: MakeSite, workers: str
) -> None:
    """Enough stories that the pool is used; the template leaks into every page, so
    workers have already written good files into staging when the problem is found."""
    stories = {f"s{i:03}.md": story(title=f"Walk {i}", body="A calm day.") for i in range(60)}
    site = make_site(stories, config=REGISTER)
    args = ("build", "--site", str(site), "--today", "2026-11-27", "--workers", workers)
    first = run_subprocess(*args)
    assert first.returncode == 0, first.stderr
    before = read_tree(site / "output")
    (site / "templates").mkdir()
    (site / "templates/footer.html").write_text(LEAK)
    failed = run_subprocess(*args)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "does not come from one story" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert read_tree(site / "output") == before
    assert not list(site.glob(".storysite-tmp-*"))


def test_a_staging_folder_missing_a_written_file_is_never_published(tmp_path: Path) -> None:
    output = tmp_path / "output"
    write_site([OutputFile("index.html", b"old\n")], output)
    before = read_tree(output)
    with pytest.raises(StorySiteError, match="went missing"), Staging(output) as staging:
        paths = [staging.put(OutputFile(p, b"new\n")) for p in ("index.html", "a/b.html")]
        (staging.root / "a" / "b.html").unlink()  # as another process clearing it would
        staging.publish(paths)
    assert read_tree(output) == before
    assert not list(tmp_path.glob(".storysite-tmp-*"))
