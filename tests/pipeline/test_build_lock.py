"""Two builds into one output: the second stops at once, with a plain message,
and the first one's site is published whole."""

from __future__ import annotations

import fcntl
import os
import subprocess
from pathlib import Path

from sitekit import MakeSite, run_subprocess, story


def build_while_locked(site: Path, output: Path) -> subprocess.CompletedProcess[str]:
    """A build into ``output`` while its lock is held, as a running build would hold
    it (a real lock on the file, not our own code)."""
    lock = os.open(site / f".storysite-lock-{output.name}", os.O_RDWR | os.O_CREAT)
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        return run_subprocess("build", "--site", str(site), "--output", str(output))
    finally:
        os.close(lock)


def test_a_second_build_into_the_same_output_stops_and_says_why(make_site: MakeSite) -> None:
    site = make_site({"a.md": story("A walk in the park")})
    output = site / "output"
    done = build_while_locked(site, output)
    assert done.returncode == 1
    assert "another storysite build is writing" in done.stderr
    assert "Traceback" not in done.stderr
    assert not output.exists()
    after = run_subprocess("build", "--site", str(site), "--output", str(output))
    assert after.returncode == 0, after.stderr
    assert (output / "index.html").exists()
    assert not (site / ".storysite-lock-output").exists()  # taken over, then removed


def test_a_build_into_another_output_beside_it_is_not_held_up(make_site: MakeSite) -> None:
    site = make_site({"a.md": story("A walk in the park")})
    lock = os.open(site / ".storysite-lock-output", os.O_RDWR | os.O_CREAT)
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        done = run_subprocess("build", "--site", str(site), "--output", str(site / "preview"))
    finally:
        os.close(lock)
    assert done.returncode == 0, done.stderr
    assert (site / "preview" / "index.html").exists()
    assert not (site / ".storysite-lock-preview").exists()


def test_a_build_that_would_change_nothing_still_stops_for_a_running_build(
    make_site: MakeSite,
) -> None:
    """Whether nothing changed is decided under the lock too: a build that holds it may
    be about to replace the site with one made from other story files (the red team's
    finding: a cached build said nothing had changed, exit 0, while another build was
    publishing a name the story files had made private since)."""
    site = make_site({"a.md": story("A walk in the park")})
    output = site / "output"
    first = run_subprocess("build", "--site", str(site), "--output", str(output))
    assert first.returncode == 0, first.stderr
    done = build_while_locked(site, output)
    assert done.returncode == 1, done.stdout
    assert "another storysite build is writing" in done.stderr
    again = run_subprocess("build", "--site", str(site), "--output", str(output))
    assert again.returncode == 0, again.stderr
    assert "nothing had changed" in again.stdout
    assert not (site / ".storysite-lock-output").exists()
