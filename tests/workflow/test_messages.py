"""build --quiet/--verbose, plain output off a terminal, and the delayed progress bar."""

from __future__ import annotations

import io

import click
import pytest
from sitekit import MakeSite, run_build, run_subprocess, story, today

from storysite.build import build_site
from storysite.config import load_config
from storysite.progress import StoryProgress


def test_quiet_build_prints_nothing_and_still_builds(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(title="Hello")})
    result = run_build(site, "--quiet")
    assert result.exit_code == 0
    assert result.output == ""
    assert (site / "output/stories/hello/index.html").is_file()


def test_verbose_build_lists_published_stories(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(title="Hello"), "b.md": story(title="Held", consent="")})
    result = run_build(site, "--verbose")
    assert result.exit_code == 0
    assert "published: stories/hello/" in result.output
    assert "published: stories/held/" not in result.output


def test_errors_still_show_when_quiet(make_site: MakeSite) -> None:
    site = make_site({"a.md": "no front matter\n"})
    result = run_build(site, "--quiet")
    assert result.exit_code == 1
    assert "stories/a.md:1:" in result.output


def test_no_colour_or_progress_bar_off_a_terminal(make_site: MakeSite) -> None:
    site = make_site({f"s{n}.md": story(title=f"Story {n}") for n in range(30)})
    done = run_subprocess("build", "--site", str(site), "--today", "2026-11-27")
    assert done.returncode == 0, done.stderr
    assert "\x1b[" not in done.stdout + done.stderr
    assert "Building stories" not in done.stderr
    assert done.stdout.startswith("Published 30 stories, held 0")


def test_the_progress_bar_waits_before_it_appears(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site({f"s{n}.md": story(title=f"Story {n}") for n in range(5)})
    now = [0.0]

    def clock() -> float:
        now[0] += 0.3  # each story "takes" 0.3 s: the bar appears at the fourth
        return now[0]

    progress = StoryProgress(enabled=True, delay=1.0, clock=clock)
    stream = io.StringIO()
    original = click.progressbar

    def to_stream(**kwargs: object) -> object:
        kwargs["file"] = stream
        return original(**kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(click, "progressbar", to_stream)
    build_site(load_config(site), today(), site / "output", on_story=progress)
    assert progress.bar is not None and progress.done == 5
    progress.close()
    assert "Building stories" in stream.getvalue()
    quick = StoryProgress(enabled=True, delay=100.0)
    build_site(load_config(site), today(), site / "output", on_story=quick, use_cache=False)
    assert quick.bar is None and quick.done == 5
