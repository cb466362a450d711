"""Peak memory does not grow with the size of the site's pages: each page is made,
checked and written by one process, then let go; no process holds the whole site.

Every story page here is padded (through a template override) to ~200 KB while its
text stays a few words, so a build that kept every page until the end would need
~60 MB more for 300 more stories. The peak is the kernel's figure for the build
process and its waited-for workers (os.wait4), as benchmarks/run.py reads it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sitekit import TODAY, MakeSite, story

PAD = 200_000
#: A story page extended by ~PAD bytes of template output (no name in it).
PADDED_STORY = (
    '{% extends "theme/story.html" %}'
    '{% block meta %}{{ super() }}<meta name="pad" content="{{ "x" * '
    f"{PAD}"
    ' }}">{% endblock %}'
)


def padded_site(make_site: MakeSite, count: int) -> Path:
    stories = {
        f"s{n:04d}.md": story(title=f"Walk {n}", body=f"We walked {n} miles.", date="2021-03-04")
        for n in range(count)
    }
    return make_site(stories, files={"templates/story.html": PADDED_STORY})


def peak_mib(site: Path, workers: int) -> float:
    """Build ``site`` in a fresh process; its peak resident memory in MiB."""
    env = {**os.environ, "STORYSITE_WORKERS": str(workers)}
    command = [sys.executable, "-m", "storysite", "build", "--site", str(site)]
    process = subprocess.Popen(
        [*command, "--today", TODAY, "--no-cache", "-q"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(process.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, process.stderr.read() if process.stderr else ""
    return usage.ru_maxrss / 1024


@pytest.mark.parametrize("workers", [1, 2])
def test_peak_memory_does_not_grow_with_the_pages(make_site: MakeSite, workers: int) -> None:
    small, large = padded_site(make_site, 100), padded_site(make_site, 400)
    small_peak, large_peak = peak_mib(small, workers), peak_mib(large, workers)
    pages = sorted((large / "output" / "stories").glob("*/index.html"))
    assert len(pages) == 400  # not vacuous: every padded page was really written
    assert all(page.stat().st_size > PAD for page in pages[:5])
    extra_pages_mib = 300 * PAD / 2**20  # what holding the 300 extra pages costs
    growth = large_peak - small_peak
    assert growth < extra_pages_mib / 4, (
        f"peak grew {growth:.0f} MiB for 300 more stories ({small_peak:.0f} -> "
        f"{large_peak:.0f} MiB): pages are being kept ({extra_pages_mib:.0f} MiB of them)"
    )
