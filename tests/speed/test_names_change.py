"""When only the protected names change (a person declared in one story's front
matter), the pages the last build made that show the same things are not made again:
each is judged for the new names from what the gate read of it then, kept in the cache
by its path and bytes. The verdicts are the ones a cold build gives."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sitekit import MakeSite, read_tree, run_build, story
from test_incremental import garden

from storysite.incremental import Store
from storysite.render import Renderer

GUEST = "Wanjiru Kamau"
#: A story page template that names a guest on one story's page only: a name the
#: templates show, which no story's own text holds.
SHARE = '{% if story.slug == "garden-day-0" %}<p>Thanks to Wanjiru Kamau.</p>{% endif %}\n'
PAGE = "stories/garden-day-0/index.html"


def declare(site: Path, name: str, n: int = 5) -> None:
    """Story ``n`` declares ``name`` private too (it holds no such name in its text)."""
    path = site / f"stories/s{n:02d}.md"
    path.write_text(path.read_text().replace("people:\n", f"people:\n  - name: {name}\n", 1))


def cache_rows(site: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(site / ".storysite-cache/build.sqlite3") as connection:
        return connection.execute(sql).fetchall()


def tree(site: Path, name: str = "out") -> dict[str, bytes]:
    found = read_tree(site / name)
    found.pop(".storysite", None)
    return found


def spoil_readings(site: Path) -> None:
    """Every reading in the cache replaced by bytes that are no reading, signed as the
    build signs its entries (as a bug in the code that packs them would leave them)."""
    keys = [
        key for (key,) in cache_rows(site, "SELECT key FROM entries WHERE kind LIKE '%reading'")
    ]
    store = Store(site / ".storysite-cache")
    try:
        store.put_many("reading", [(str(key), b"not a reading") for key in keys])
    finally:
        store.close()


@pytest.mark.parametrize("readings", ["kept", "lost", "unreadable"])
def test_a_name_made_private_is_found_in_a_page_kept_from_before(
    make_site: MakeSite, readings: str
) -> None:
    """The guest the templates name on one story's page is declared private in
    another story: that page shows the same as before, so it is kept, not made again;
    judged for the new names from what the gate read of it, it stops the build. With
    the readings lost from the cache, the page is made and read again; with readings
    that cannot be read back, the kept file is read: the same stop."""
    site = make_site(garden(6), files={"templates/_share.html": SHARE})
    out = str(site / "out")
    assert run_build(site, "--output", out).exit_code == 0
    before = tree(site)
    assert GUEST.encode() in before[PAGE]
    assert cache_rows(site, "SELECT count(*) FROM entries WHERE kind = 'reading'")[0][0] > 6
    if readings == "lost":
        with sqlite3.connect(site / ".storysite-cache/build.sqlite3") as connection:
            connection.execute("DELETE FROM entries WHERE kind LIKE '%reading'")
    elif readings == "unreadable":
        spoil_readings(site)
    declare(site, GUEST)
    result = run_build(site, "--output", out)
    assert result.exit_code == 1, result.output
    assert f"a name that must stay private appears in {PAGE}" in result.output
    assert tree(site) == before  # the last site, untouched
    cold = run_build(site, "--output", str(site / "cold"), "--no-cache")
    assert cold.exit_code == 1
    assert f"appears in {PAGE}" in cold.output


def test_pages_that_show_the_same_are_judged_again_not_made_again(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new private name in one story: only that story's page and its neighbour's
    (which shows its title) are made again; the build is the cold build, byte for
    byte, and the cache keeps a reading of every file of the new site."""
    site = make_site(garden(6))
    out = str(site / "out")
    assert run_build(site, "--output", out).exit_code == 0
    made: list[str] = []
    make_page = Renderer.story_page

    def counted(renderer: Renderer, *args: object) -> object:
        made.append(args[1].slug)  # type: ignore[attr-defined]
        return make_page(renderer, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Renderer, "story_page", counted)
    declare(site, GUEST)
    assert run_build(site, "--output", out).exit_code == 0
    assert made and set(made) <= {"garden-day-5", "garden-day-4"}, made
    monkeypatch.undo()
    cold = run_build(site, "--output", str(site / "cold"), "--no-cache")
    assert cold.exit_code == 0
    assert tree(site) == tree(site, "cold")
    files = [p for p in (site / "out").rglob("*") if p.is_file() and p.name != ".storysite"]
    kept = cache_rows(site, "SELECT count(*) FROM entries WHERE kind = 'reading'")[0][0]
    pictures = [p for p in files if p.suffix in {".png", ".jpg", ".webp", ".avif"}]
    assert kept == len(files) - len(pictures)


def test_a_named_guest_made_private_holds_the_story_that_names_her(
    make_site: MakeSite,
) -> None:
    """Story 0 names its guest (named: true); a later story declares her private.
    Story 0's verdict is judged again from what the gate read of it, and it is held;
    declared named again, it comes back: each build is the cold build."""
    stories = garden(6)
    stories["s00.md"] = story(
        title="Garden day 0",
        body=f"{GUEST} led the walk along the river.",
        date="2021-01-01",
        extra=f"tags: [garden]\npeople:\n  - name: {GUEST}\n    named: true\n",
    )
    site = make_site(stories)
    out = str(site / "out")
    assert run_build(site, "--output", out).exit_code == 0
    assert GUEST.encode() in tree(site)[PAGE]
    declare(site, GUEST)
    result = run_build(site, "--output", out)
    assert result.exit_code == 0, result.output
    assert "s00.md: held" in result.output
    assert GUEST.encode() not in b"".join(tree(site).values())
    assert run_build(site, "--output", str(site / "cold"), "--no-cache").exit_code == 0
    assert tree(site) == tree(site, "cold")
    path = site / "stories/s05.md"
    path.write_text(path.read_text().replace(f"  - name: {GUEST}\n", "", 1))
    assert run_build(site, "--output", out).exit_code == 0
    assert GUEST.encode() in tree(site)[PAGE]
    assert run_build(site, "--output", str(site / "cold2"), "--no-cache").exit_code == 0
    assert tree(site) == tree(site, "cold2")
