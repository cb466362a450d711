"""Two builds into one folder: the second stops at once, with a plain message,
and the first one's site is published whole."""

from __future__ import annotations

import fcntl
import os

from sitekit import MakeSite, run_subprocess, story


def test_a_second_build_into_the_same_output_stops_and_says_why(make_site: MakeSite) -> None:
    site = make_site({"a.md": story("A walk in the park")})
    output = site / "output"
    # Hold the lock as a running build would (a real process, not our own code).
    lock = os.open(site, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        done = run_subprocess("build", "--site", str(site), "--output", str(output))
    finally:
        os.close(lock)
    assert done.returncode == 1
    assert "another storysite build is writing" in done.stderr
    assert "Traceback" not in done.stderr
    assert not output.exists()
    after = run_subprocess("build", "--site", str(site), "--output", str(output))
    assert after.returncode == 0, after.stderr
    assert (output / "index.html").exists()
