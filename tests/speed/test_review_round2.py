"""Review of the second speed round: the build lock beside the output, the markup
cache without its text column, and the gate reading a long text in pieces.

Holes found: a build into ``out`` cleared the staging folder of a build running into
``out-2`` beside it (its leftovers were found by the glob ``.storysite-tmp-out-*``),
so that build published a site with files missing; and a folder the build cannot
write in stopped it with a traceback.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from pathlib import Path

from sitekit import BASIC_CONFIG, MakeSite, read_tree, run_subprocess, story

from storysite.audit import Gate
from storysite.config import SiteConfig
from storysite.models import OutputFile, Person

PROTECTED = "Wilhelmina Strout"
REGISTER = BASIC_CONFIG + f'\n[[anonymise.people]]\nname = "{PROTECTED}"\n'


def _build(site: Path, output: Path, *args: str) -> None:
    done = run_subprocess("build", "--site", str(site), "--output", str(output), *args)
    assert done.returncode == 0, done.stderr


# --- the build lock and leftovers -------------------------------------------------------


def test_a_build_beside_another_keeps_that_builds_staging_folder(make_site: MakeSite) -> None:
    """``out-2`` is being built (its lock held, its staging folder half full) while a
    build into ``out`` starts: the staging folder of ``out-2`` is not a leftover."""
    site = make_site({"a.md": story("A walk in the park")})
    staging = site / ".storysite-tmp-out-2-k3j9x_2a"
    staging.mkdir()
    (staging / "index.html").write_text("half written")
    lock = os.open(site / ".storysite-lock-out-2", os.O_RDWR | os.O_CREAT)
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        _build(site, site / "out")
    finally:
        os.close(lock)
    assert (staging / "index.html").read_text() == "half written"
    assert (site / "out/index.html").exists()


def test_a_build_never_takes_another_outputs_old_site_for_its_own(make_site: MakeSite) -> None:
    """``out-2``'s old site, moved aside mid-swap, is not ``out``'s to restore."""
    site = make_site({"a.md": story("A walk in the park")})
    old = site / ".storysite-old-out-2-0q8zt1mb"
    old.mkdir()
    (old / ".storysite").write_text("Built by storysite.\n")
    (old / "other.html").write_text("the other site")
    _build(site, site / "out")
    assert (old / "other.html").read_text() == "the other site"
    assert not (site / "out/other.html").exists()


def test_its_own_leftovers_are_still_cleared(make_site: MakeSite) -> None:
    site = make_site({"a.md": story("A walk in the park")})
    staging = site / ".storysite-tmp-out-abc_1234"
    staging.mkdir()
    (staging / "stale.html").write_text("from a killed build")
    _build(site, site / "out")
    assert not staging.exists()
    assert "stale.html" not in read_tree(site / "out")


def test_a_folder_that_cannot_take_the_lock_file_stops_with_a_plain_message(
    make_site: MakeSite,
) -> None:
    """Any failure to write beside the output (here: a folder where the lock file
    goes; a read-only folder fails the same way) is said in plain words."""
    site = make_site({"a.md": story("A walk in the park")})
    (site / ".storysite-lock-out").mkdir()
    done = run_subprocess("build", "--site", str(site), "--output", str(site / "out"))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert str(site) in done.stderr
    assert not (site / "out").exists()


# --- the build cache -----------------------------------------------------------------


def test_an_old_markup_cache_beside_the_new_one_is_never_read(make_site: MakeSite) -> None:
    """A cache file of an older storysite (markup.sqlite3), holding rows with a
    protected name and checksums its format accepted: the build does not read it."""
    body = f"We met {PROTECTED} at the allotment."
    site = make_site({"a.md": story("Leeks", body=body)}, config=REGISTER)
    cold = read_tree_of(site, "--no-cache")
    folder = site / ".storysite-cache"
    folder.mkdir(exist_ok=True)
    with sqlite3.connect(folder / "markup.sqlite3") as db:
        db.execute("CREATE TABLE meta (format TEXT NOT NULL)")
        db.execute("INSERT INTO meta VALUES ('storysite-markup-cache 2')")
        db.execute("CREATE TABLE markup (key TEXT PRIMARY KEY, html TEXT, checksum TEXT)")
        db.execute("INSERT INTO markup VALUES ('k', ?, 'c')", (f"<p>{PROTECTED}</p>",))
    db.close()
    assert read_tree_of(site) == cold
    assert PROTECTED not in b"".join(cold.values()).decode()


def read_tree_of(site: Path, *args: str) -> dict[str, bytes]:
    output = site / "out"
    _build(site, output, *args)
    tree = read_tree(output)
    tree.pop(".storysite", None)
    return tree


# --- the gate reads a long text in pieces ----------------------------------------------

GATE_CONFIG = SiteConfig(root=Path("."), title="T", register=(Person(PROTECTED),))


def _long_text(name: str, at: int) -> str:
    """A JSON document over 1 MiB, a break character every few characters, with
    ``name`` starting at offset ``at``."""
    head = '{"stories":[{"text":"' + "we, " * (at // 4)
    head = head[:at] + " " * (at - len(head))
    return head + name + " by the weir." + ", we" * 4096 + '"}]}'


def test_a_name_at_every_offset_around_a_piece_cut_is_found() -> None:
    """The first cut is the first break character from 1 MiB on: the name is moved
    across that point three characters at a time, as it is and JSON-escaped, in the
    search index and in a page."""
    gate = Gate(GATE_CONFIG, [])
    for shift in range(-18, 3, 3):  # the name is 17 characters long
        for name in (PROTECTED, "Wilhelmina\\u0020Strout", "Wilhelmina-Strout"):
            text = _long_text(name, (1 << 20) + shift)
            assert text.index(name) == (1 << 20) + shift
            # A page does not decode JSON escapes: the escaped name is the index's.
            paths = ["search-index.json"] + (["index.html"] if "\\" not in name else [])
            for path in paths:
                file = OutputFile(path, text.encode())
                assert gate.file_leak(file) is not None, (shift, name, path)


def test_a_large_site_with_a_name_deep_in_its_search_index_is_held(
    make_site: MakeSite,
) -> None:
    """A real build with over 1 MiB of search index: a person of one story, named in
    the summary of a later one (whose anonymiser does not know them), is not
    published anywhere."""
    summary = "A long walk along the canal towpath, talking about sleep and hope. " * 60
    stories = {
        f"s{n:03d}.md": story(
            f"Walk {n}", body="We walked a long way.\n", extra=f"summary: {summary}\n"
        )
        for n in range(300)
    }
    stories["s010.md"] = story(
        "Walk 10",
        body="We walked a long way.\n",
        extra=f"summary: {summary}\npeople:\n  - name: {PROTECTED}\n",
    )
    stories["s250.md"] = story(
        "Walk 250", body="We walked a long way.\n", extra=f"summary: {summary} {PROTECTED}.\n"
    )
    site = make_site(stories)
    done = run_subprocess("build", "--site", str(site), "--output", str(site / "out"))
    assert done.returncode == 0, done.stderr  # s250 is held, the rest published
    assert "Traceback" not in done.stderr
    assert "s250.md" in done.stdout and "held" in done.stdout  # said why
    tree = read_tree(site / "out")
    assert len(tree["search-index.json"]) > 1 << 20
    assert "stories/walk-10/index.html" in tree
    assert "Strout" not in b"".join(tree.values()).decode()
