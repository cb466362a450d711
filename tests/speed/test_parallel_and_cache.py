"""Speed work (issue 7) never changes what is published: parallel and cached builds
write the same bytes as a serial cold build, and the cache never keeps a story that
consent, the day or the register now hold back."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from sitekit import (
    BASIC_CONFIG,
    MakeSite,
    all_text,
    read_tree,
    run_build,
    run_subprocess,
    story,
)

from storysite.parallel import map_ordered

REGISTER = BASIC_CONFIG + (
    '\n[[anonymise.people]]\nname = "Tamsin Quillfeather"\n'
    '\n[[anonymise.people]]\nname = "Odile Farrowmere"\nnamed = true\n'
)
PEOPLE = """\
people:
  - name: Bartholomew Wrenfield
    aliases: [Barty]
  - name: Odile Farrowmere
    named: true
"""


def many_stories(count: int) -> dict[str, str]:
    body = (
        "## A day at the allotment\n\nBarty and *Tamsin Quillfeather* dug the beds "
        "while **Odile Farrowmere** made tea. We talked about sleep, and about the "
        "&#66;arty who never came back.\n\n- onions\n- beans\n\n> A quiet hour.\n"
    )
    return {
        f"s{n:03d}.md": story(
            title=f"Allotment day {n}",
            body=body + f"\nDay number {n}.\n",
            date=f"2021-{1 + n % 12:02d}-{1 + n % 27:02d}",
            extra=PEOPLE + f"tags: [garden, week {n % 5}]\n",
        )
        for n in range(count)
    }


def build_into(site: Path, name: str, *args: str, today: str = "2026-11-27") -> dict[str, bytes]:
    result = run_build(site, "--output", str(site / name), *args, today=today)
    assert result.exit_code == 0, result.output
    return read_tree(site / name)


def build_in_new_process(site: Path, name: str, *args: str) -> dict[str, bytes]:
    """A build in a fresh interpreter: inside pytest other tests' threads (servers,
    browsers) may be running, and the pool then runs serially, which would make a
    serial-versus-parallel comparison prove nothing."""
    out = site / name
    result = run_subprocess(
        "build", "--site", str(site), "--output", str(out), "--today", "2026-11-27", *args
    )
    assert result.returncode == 0, result.stderr
    return read_tree(out)


POOL_CHECK = """
import os, sys, time
from storysite.parallel import map_ordered

def slow_pid(_):
    time.sleep(0.02)  # long enough that one worker cannot take every chunk
    return os.getpid()

pids = map_ordered(slow_pid, 40, workers=2)
assert len(pids) == 40, pids
assert len(set(pids)) == 2 and os.getpid() not in pids, pids
assert map_ordered(lambda i: i * i, 30, workers=3) == [i * i for i in range(30)]

# ``each`` sees every result here, in order, a few at a time, and what it gives back is
# kept in their place: in the pool and when the work runs here.
def slow_index(i):
    time.sleep(0.01)
    return i

for workers in (2, 1):
    seen = []
    def each(results):
        assert results and len(results) < 40
        seen.append((os.getpid(), results))
        return [-r for r in results]
    assert map_ordered(slow_index, 40, workers, each) == [-i for i in range(40)]
    assert [i for _, results in seen for i in results] == list(range(40))
    assert {pid for pid, _ in seen} == {os.getpid()}
print("pool ok")
"""


def run_fresh(script: str) -> str:
    """``script`` run in a fresh interpreter (see build_in_new_process); its output."""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_pool_really_uses_other_processes() -> None:
    assert "pool ok" in run_fresh(POOL_CHECK)


BACKGROUND_CHECK = """
import os, time
from storysite.parallel import InBackground

PARENT = os.getpid()
results = InBackground(lambda i: (i * i, os.getpid()), 4).results()
assert [square for square, _ in results] == [0, 1, 4, 9], results
assert PARENT not in {pid for _, pid in results}, results

def dies_in_the_child(i):
    if os.getpid() != PARENT:
        os._exit(3)
    return i

# A child that fails: the work is done here instead, and an error raised here.
assert InBackground(dies_in_the_child, 3).results() == [0, 1, 2]

def bad(i):
    raise ValueError("a bad story")

try:
    InBackground(bad, 1).results()
except ValueError as error:
    assert str(error) == "a bad story"
else:
    raise AssertionError("the error was lost")
assert InBackground(lambda i: os.getpid(), 2, fork=False).results() == [PARENT, PARENT]
slow = InBackground(lambda i: time.sleep(60), 1)
started = time.monotonic()
slow.cancel()
assert time.monotonic() - started < 5
print("background ok")
"""


def test_work_in_the_background_comes_back_in_order_or_is_done_here() -> None:
    assert "background ok" in run_fresh(BACKGROUND_CHECK)


def test_the_pool_keeps_order_when_it_runs_here() -> None:
    assert map_ordered(lambda i: i * i, 30, workers=3) == [i * i for i in range(30)]


def test_serial_and_parallel_builds_write_the_same_bytes(make_site: MakeSite) -> None:
    site = make_site(many_stories(60), config=REGISTER)
    serial = build_in_new_process(site, "serial", "--no-cache", "--workers", "1")
    parallel = build_in_new_process(site, "parallel", "--no-cache", "--workers", "2")
    assert len(serial) > 60
    assert serial == parallel
    text = all_text(site / "serial")
    assert "Quillfeather" not in text and "Wrenfield" not in text and "Barty" not in text
    assert "Odile Farrowmere" in text


def test_a_bad_file_among_many_read_across_the_cores_stops_the_build_with_its_line(
    make_site: MakeSite,
) -> None:
    """A first build reads its stories across the cores: a file with broken front
    matter still stops it, before anything is written, with its path and line."""
    stories = many_stories(60)
    stories["s041.md"] = stories["s041.md"].replace("tags: [garden", "tags: [garden: [", 1)
    site = make_site(stories, config=REGISTER)
    out = site / "out"
    result = run_subprocess(
        "build", "--site", str(site), "--output", str(out), "--today", "2026-11-27",
        "--no-cache", "--workers", "2",
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "stories/s041.md:" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_a_cached_build_writes_what_a_cold_build_writes(make_site: MakeSite) -> None:
    site = make_site(many_stories(12), config=REGISTER)
    cold = build_into(site, "cold", "--no-cache")
    assert not (site / ".storysite-cache").exists(), "--no-cache must not write a cache"
    filling = build_into(site, "filling")
    assert (site / ".storysite-cache/build.sqlite3").is_file()
    hit = build_into(site, "hit")
    parallel_hit = build_in_new_process(site, "parallel-hit", "--workers", "2")
    assert cold == filling == hit == parallel_hit


def test_a_story_removed_from_the_site_leaves_the_cache(make_site: MakeSite) -> None:
    site = make_site(many_stories(3), config=REGISTER)
    build_into(site, "output")
    assert _stories_cached(site) == 3
    (site / "stories/s002.md").unlink()
    build_into(site, "output")
    assert _stories_cached(site) == 2


def _stories_cached(site: Path) -> int:
    with sqlite3.connect(site / ".storysite-cache/build.sqlite3") as db:
        (count,) = db.execute("SELECT count(*) FROM entries WHERE kind = 'story'").fetchone()
    db.close()
    return int(count)
