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

from storysite import cache
from storysite.markup import Markup
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
print("pool ok")
"""


def test_the_pool_really_uses_other_processes() -> None:
    # In a fresh interpreter: see build_in_new_process.
    result = subprocess.run(
        [sys.executable, "-c", POOL_CHECK], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "pool ok" in result.stdout


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


def test_a_cached_build_writes_what_a_cold_build_writes(make_site: MakeSite) -> None:
    site = make_site(many_stories(12), config=REGISTER)
    cold = build_into(site, "cold", "--no-cache")
    assert not (site / ".storysite-cache").exists(), "--no-cache must not write a cache"
    filling = build_into(site, "filling")
    assert (site / ".storysite-cache/markup.sqlite3").is_file()
    hit = build_into(site, "hit")
    parallel_hit = build_in_new_process(site, "parallel-hit", "--workers", "2")
    assert cold == filling == hit == parallel_hit


def _entries(site: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(site / ".storysite-cache/markup.sqlite3") as db:
        return db.execute("SELECT key, html FROM markup").fetchall()


def _rewrite(site: Path, html: str, valid_checksum: bool) -> None:
    with sqlite3.connect(site / ".storysite-cache/markup.sqlite3") as db:
        for key, _ in _entries(site):
            checksum = cache._checksum(key, Markup(html)) if valid_checksum else "0" * 64
            db.execute(
                "UPDATE markup SET html = ?, checksum = ? WHERE key = ?", (html, checksum, key)
            )


def test_the_cache_is_really_used_and_no_cache_ignores_it(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(title="Apples", body="Crisp apples.")})
    build_into(site, "output")
    assert len(_entries(site)) == 1
    # An entry with a valid checksum is trusted as the story's HTML: proof of a hit.
    _rewrite(site, "<p>From the cache.</p>", valid_checksum=True)
    assert b"From the cache." in build_into(site, "output")["stories/apples/index.html"]
    fresh = build_into(site, "output", "--no-cache")
    assert b"From the cache." not in fresh["stories/apples/index.html"]
    assert b"Crisp apples." in fresh["stories/apples/index.html"]


def test_an_entry_with_a_bad_checksum_is_ignored(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(title="Apples", body="Crisp apples.")})
    cold = build_into(site, "output")
    _rewrite(site, "<p>Tampered.</p>", valid_checksum=False)
    assert build_into(site, "output") == cold


def test_a_corrupt_cache_file_is_ignored_and_replaced(make_site: MakeSite) -> None:
    site = make_site(many_stories(3), config=REGISTER)
    cold = build_into(site, "output", "--no-cache")
    folder = site / ".storysite-cache"
    folder.mkdir()
    (folder / "markup.sqlite3").write_bytes(b"this is not a database\x00" * 200)
    assert build_into(site, "output") == cold
    assert build_into(site, "output") == cold  # and the next build has a good cache
    assert len(_entries(site)) == 3


def test_a_cache_of_another_format_is_emptied(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(title="Apples", body="Crisp apples.")})
    cold = build_into(site, "output")
    _rewrite(site, "<p>Old format.</p>", valid_checksum=True)
    with sqlite3.connect(site / ".storysite-cache/markup.sqlite3") as db:
        db.execute("UPDATE meta SET format = 'storysite-markup-cache 0'")
    assert build_into(site, "output") == cold


def test_withdrawn_consent_takes_effect_on_the_next_cached_build(make_site: MakeSite) -> None:
    site = make_site(many_stories(3), config=REGISTER)
    build_into(site, "output")
    build_into(site, "output")
    path = site / "stories/s001.md"
    path.write_text(
        path.read_text().replace("date: 2020-01-01\n", "date: 2020-01-01\n  withdrawn: true\n", 1)
    )
    tree = build_into(site, "output")
    assert not any("allotment-day-1/" in p for p in tree)
    assert b"Allotment day 1<" not in b"".join(tree.values())
    assert any("allotment-day-2/" in p for p in tree)


def test_an_expiry_takes_effect_when_today_moves_past_it(make_site: MakeSite) -> None:
    consent = "consent:\n  publish: true\n  date: 2020-01-01\n  expires: 2027-01-01\n"
    site = make_site({"a.md": story(title="Pears", body="Ripe pears.", consent=consent)})
    assert "stories/pears/index.html" in build_into(site, "output", today="2026-12-31")
    assert "stories/pears/index.html" in build_into(site, "output", today="2026-12-31")
    later = build_into(site, "output", today="2027-01-01")
    assert not any("pears" in p for p in later)
    assert b"Ripe pears" not in b"".join(later.values())


def test_a_changed_template_changes_the_next_cached_build(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(title="Plums", body="Dark plums.")})
    before = build_into(site, "output")
    assert b"Dark plums." in before["stories/plums/index.html"]
    template = site / "templates/story.html"
    template.parent.mkdir()
    template.write_text(
        '{% extends "base.html" %}{% block content %}<p>NEW THEME</p>{{ body }}{% endblock %}'
    )
    after = build_into(site, "output")
    assert b"NEW THEME" in after["stories/plums/index.html"]
    assert b"Dark plums." in after["stories/plums/index.html"]


def test_a_changed_register_changes_the_next_cached_build(make_site: MakeSite) -> None:
    body = "We planted leeks with Zephyrine Maltravers, who grew the best ones."
    named = "people:\n  - name: Zephyrine Maltravers\n    named: true\n"
    site = make_site({"a.md": story(title="Leeks", body=body, extra=named)})
    before = build_into(site, "output")
    assert b"Zephyrine Maltravers" in before["stories/leeks/index.html"]
    config = site / "storysite.toml"
    config.write_text(
        config.read_text() + '\n[[anonymise.people]]\nname = "Zephyrine Maltravers"\n'
    )
    after = build_into(site, "output")
    assert b"Zephyrine" not in b"".join(after.values())
    assert b"Maltravers" not in b"".join(after.values())


def test_a_story_removed_from_the_site_leaves_the_cache(make_site: MakeSite) -> None:
    site = make_site(many_stories(3), config=REGISTER)
    build_into(site, "output")
    assert len(_entries(site)) == 3
    (site / "stories/s002.md").unlink()
    build_into(site, "output")
    assert len(_entries(site)) == 2
