"""A cached story's pictures: their files are kept from the last site on the word of
the picture cache entry's signed first lines, without reading the derivatives' bytes;
the bytes are read, and checked against their SHA-256, only when a file must be
written again. A damaged entry found then is removed, and the picture is made
again from its source in that build."""

from __future__ import annotations

from pathlib import Path

from sitekit import MakeSite, story
from test_incremental import append, build, cold, picture_bytes, tree


def two_stories(make_site: MakeSite) -> Path:
    """A story with a picture, and a story without one to edit."""
    return make_site(
        {
            "a.md": story(title="Field", body="![A field in June](field.png)\n"),
            "b.md": story(title="Kitchen", body="We cooked on Tuesdays.\n"),
        },
        files={"stories/field.png": picture_bytes("green", "PNG", (400, 300))},
    )


def entry_of(site: Path) -> Path:
    (entry,) = (site / ".storysite-cache/images").iterdir()
    return entry


def damage_bytes(entry: Path) -> bytes:
    """Flip a byte of the last derivative (its first two lines stay as signed)."""
    data = bytearray(entry.read_bytes())
    data[-5] ^= 0xFF
    entry.write_bytes(bytes(data))
    return bytes(data)


def pictures(files: dict[str, bytes]) -> dict[str, bytes]:
    return {path: data for path, data in files.items() if path.startswith("images/")}


def test_an_unchanged_story_keeps_its_picture_files_without_reading_their_bytes(
    make_site: MakeSite,
) -> None:
    site = two_stories(make_site)
    build(site)
    first = pictures(tree(site))
    assert len(first) >= 2
    inodes = {p: (site / "out" / p).stat().st_ino for p in first}
    damaged = damage_bytes(entry_of(site))
    append(site / "stories/b.md", "\nAnd on Thursdays.\n")
    build(site)
    # The files are the last site's own, and the entry's bytes were never read: a
    # read would have found the damage and removed the entry.
    assert pictures(tree(site)) == first
    assert {p: (site / "out" / p).stat().st_ino for p in first} == inodes
    assert entry_of(site).read_bytes() == damaged


def test_a_picture_file_gone_from_the_output_is_written_from_the_cache(
    make_site: MakeSite,
) -> None:
    site = two_stories(make_site)
    build(site)
    first = pictures(tree(site))
    gone = sorted(first)[0]
    (site / "out" / gone).unlink()
    append(site / "stories/b.md", "\nAnd on Thursdays.\n")
    build(site)
    assert pictures(tree(site)) == first == pictures(cold(site))


def test_a_damaged_entry_a_build_must_read_is_made_again_from_its_picture(
    make_site: MakeSite,
) -> None:
    """Red team, round 4: a damaged entry found only when a file had to be written
    stopped that build, so a withdrawal elsewhere waited a build. The picture is made
    again from its source instead, and the entry put right."""
    site = two_stories(make_site)
    build(site)
    gone = sorted(pictures(tree(site)))[-1]
    (site / "out" / gone).unlink()
    damaged = damage_bytes(entry_of(site))
    append(site / "stories/b.md", "\nAnd on Thursdays.\n")
    build(site)
    assert tree(site) == cold(site)
    assert entry_of(site).read_bytes() != damaged
    # And the entry is whole again: a file deleted again is written from it.
    (site / "out" / gone).unlink()
    append(site / "stories/b.md", "\nAnd on Fridays.\n")
    build(site)
    assert tree(site) == cold(site)
