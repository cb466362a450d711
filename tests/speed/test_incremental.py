"""Incremental builds (issue 14): a cached build writes exactly what a ``--no-cache``
build writes, a build that changes nothing writes nothing, and a cache that is
corrupt, foreign, older or forged is never trusted."""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import sqlite3
from pathlib import Path

import pytest
from PIL import Image
from sitekit import BASIC_CONFIG, MakeSite, read_tree, run_build, run_subprocess, story

from storysite import incremental, writing

PEOPLE = """\
people:
  - name: Bartholomew Wrenfield
    aliases: [Barty]
"""
NAMED = "people:\n  - name: Ottoline Briskwater\n    named: true\n"


def garden(count: int) -> dict[str, str]:
    return {
        f"s{n:02d}.md": story(
            title=f"Garden day {n}",
            body=f"Barty and I dug the beds on day {n}.\n\n- onions\n- beans\n",
            date=f"2021-{1 + n % 12:02d}-{1 + n % 27:02d}",
            extra=PEOPLE + f"tags: [garden, week {n % 3}]\nsummary: Day {n} outside.\n",
        )
        for n in range(count)
    }


def build(site: Path, name: str = "out", *args: str, today: str = "2026-11-27") -> str:
    result = run_build(site, "--output", str(site / name), *args, today=today)
    assert result.exit_code == 0, result.output
    return result.output


def tree(site: Path, name: str = "out") -> dict[str, bytes]:
    found = read_tree(site / name)
    found.pop(".storysite", None)
    return found


def cold(site: Path, today: str = "2026-11-27") -> dict[str, bytes]:
    build(site, "cold", "--no-cache", today=today)
    return tree(site, "cold")


def stats(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


def picture_bytes(colour: str, kind: str, size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, kind)
    return out.getvalue()


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


# --- the same bytes ------------------------------------------------------------------


def test_a_cached_build_writes_what_a_cold_build_writes(make_site: MakeSite) -> None:
    site = make_site(garden(6))
    build(site)
    assert (site / ".storysite-cache/build.sqlite3").is_file()
    append(site / "stories/s03.md", "\nWe also planted garlic.\n")
    build(site)
    assert tree(site) == cold(site)
    assert b"planted garlic" in tree(site)["stories/garden-day-3/index.html"]


def test_no_cache_writes_no_cache(make_site: MakeSite) -> None:
    site = make_site(garden(2))
    build(site, "out", "--no-cache")
    assert not (site / ".storysite-cache").exists()


# --- a build that changes nothing writes nothing -----------------------------------------


def test_a_build_that_changes_nothing_writes_nothing(make_site: MakeSite) -> None:
    site = make_site(garden(4))
    build(site)
    build(site)  # the second build keeps the first as out.previous
    before, previous = stats(site / "out"), stats(site / "out.previous")
    output = build(site)
    assert "nothing had changed, so nothing was written" in output
    assert stats(site / "out") == before  # not one file rewritten or relinked
    assert stats(site / "out.previous") == previous  # and the rollback site kept
    assert not [p for p in site.iterdir() if p.name.startswith(".storysite-tmp")]


@pytest.mark.parametrize("changed", ["stories/garden-day-1/index.html", "stories"])
def test_a_mode_changed_by_hand_means_a_real_build(make_site: MakeSite, changed: str) -> None:
    """A file or folder whose mode was changed in the output (a web server may no longer
    read it) is not "as that build wrote it": the next build makes the site again."""
    site = make_site(garden(3))
    build(site)
    (site / "out" / changed).chmod(0o700 if changed == "stories" else 0o600)
    output = build(site)
    assert "nothing had changed" not in output
    made = (0o777 if changed == "stories" else 0o666) & ~writing.current_umask()
    assert (site / "out" / changed).stat().st_mode & 0o777 == made


def test_the_outputs_own_record_changed_by_hand_means_a_real_build(
    make_site: MakeSite,
) -> None:
    """Red team, round 4: a line added to ``.storysite`` (the build day that check
    --output reads) survived a build that found nothing else changed."""
    site = make_site(garden(2))
    build(site)
    record = site / "out/.storysite"
    written = record.read_text()
    record.write_text(written + "Bartholomew Wrenfield\n")
    output = build(site)
    assert "nothing had changed" not in output
    assert record.read_text() == written
    assert "nothing had changed" in build(site)


def test_another_day_is_a_real_build(make_site: MakeSite) -> None:
    site = make_site(garden(2))
    build(site, today="2026-11-27")
    output = build(site, today="2026-11-28")
    assert "nothing had changed" not in output
    assert "2026-11-28" in (site / "out/.storysite").read_text()


@pytest.mark.parametrize("damage", ["edit", "remove", "add", "folder"])
def test_a_damaged_output_is_built_again(make_site: MakeSite, damage: str) -> None:
    site = make_site(garden(3))
    build(site)
    page = site / "out/stories/garden-day-1/index.html"
    if damage == "edit":
        page.write_text(page.read_text().replace("Garden day 1", "Garden day one"))
    elif damage == "remove":
        page.unlink()
    elif damage == "folder":
        (site / "out/stories/an-old-story").mkdir()
    else:
        (site / "out/extra.html").write_text("<p>added by hand</p>")
    output = build(site)
    assert "nothing had changed" not in output
    assert tree(site) == cold(site)


# --- one edit rewrites what shows it, and links the rest ---------------------------------


def test_one_edit_remakes_its_page_and_links_the_others(make_site: MakeSite) -> None:
    site = make_site(garden(8))
    build(site)
    build(site, "out")  # now out.previous exists too
    before = stats(site / "out")
    append(site / "stories/s05.md", "\nThe beans came up at last.\n")
    build(site)
    after = stats(site / "out")
    assert after["stories/garden-day-5/index.html"] != before["stories/garden-day-5/index.html"]
    # A story page far from the edited one is the same file, linked, never rewritten.
    assert after["stories/garden-day-1/index.html"] == before["stories/garden-day-1/index.html"]
    assert tree(site) == cold(site)


def test_a_new_title_reaches_the_neighbours_and_listings(make_site: MakeSite) -> None:
    site = make_site(garden(8))
    build(site)
    path = site / "stories/s05.md"
    path.write_text(path.read_text().replace("title: Garden day 5", "title: Bean harvest"))
    build(site)
    assert tree(site) == cold(site)
    text = b"".join(tree(site).values())
    assert b"Bean harvest" in text and b"Garden day 5<" not in text


# --- consent, the day and the names are decided afresh -------------------------------


def withdraw(path: Path) -> None:
    """The storyteller withdraws consent: one line added to the story's consent."""
    text = path.read_text()
    path.write_text(
        text.replace("  date: 2020-01-01\n", "  date: 2020-01-01\n  withdrawn: true\n", 1)
    )


def test_withdrawn_consent_takes_effect_on_the_next_cached_build(make_site: MakeSite) -> None:
    site = make_site(garden(3))
    build(site)
    build(site)
    withdraw(site / "stories/s01.md")
    build(site)
    assert not any("garden-day-1" in p for p in tree(site))
    assert b"Garden day 1<" not in b"".join(tree(site).values())
    assert tree(site) == cold(site)


def folders(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_dir()}


def test_a_withdrawn_story_leaves_not_even_an_empty_folder(make_site: MakeSite) -> None:
    """A build with a last build makes that build's folders and links its files ahead,
    in a child process (writing.Staging.link_ahead); those the new site does not use
    are removed. In fresh processes: inside pytest a running thread (a test server)
    stops the fork."""
    site = make_site(garden(3))
    for _ in range(2):
        assert run_subprocess("build", "--site", str(site), "--today", "2026-11-27").returncode == 0
    path = site / "stories/s01.md"
    path.write_text(path.read_text().replace("Garden day 1", "Garden day one"))
    result = run_subprocess("build", "--site", str(site), "--today", "2026-11-27")
    assert result.returncode == 0, result.stderr
    assert not (site / "output/stories/garden-day-1").exists()
    assert (site / "output/stories/garden-day-one/index.html").is_file()
    # The one story saved again was worked out in a process of its own (_start_early).
    assert tree(site, "output") == cold(site)
    assert folders(site / "output") == folders(site / "cold")


def subprocess_build(site: Path) -> None:
    result = run_subprocess("build", "--site", str(site), "--today", "2026-11-27")
    assert result.returncode == 0, result.stderr


def test_a_page_linked_ahead_is_gone_when_its_story_is_withdrawn(make_site: MakeSite) -> None:
    """Every file of the last site is linked into the new one ahead, as a guess; a
    withdrawn story's page and picture-free folder must not survive the guess."""
    site = make_site(garden(4))
    subprocess_build(site)
    subprocess_build(site)
    withdraw(site / "stories/s02.md")
    subprocess_build(site)
    assert not any("garden-day-2" in p for p in tree(site, "output"))
    assert b"Garden day 2<" not in b"".join(tree(site, "output").values())
    assert tree(site, "output") == cold(site)
    assert folders(site / "output") == folders(site / "cold")


def test_a_page_changed_by_hand_is_made_again_and_the_old_site_left_alone(
    make_site: MakeSite,
) -> None:
    """A page linked ahead whose file was changed in the output since the last build is
    not kept: it is made again, and writing it never writes through the link into the
    last site's file."""
    site = make_site(garden(4))
    subprocess_build(site)
    page = site / "output/stories/garden-day-3/index.html"
    page.write_bytes(page.read_bytes() + b"<!-- changed by hand -->")
    held = site / "held-copy.html"
    os.link(page, held)  # the last site's file itself, wherever the build moves it
    subprocess_build(site)
    assert b"changed by hand" not in (site / "output/stories/garden-day-3/index.html").read_bytes()
    assert tree(site, "output") == cold(site)
    assert held.read_bytes().endswith(b"<!-- changed by hand -->")


def test_an_expiry_takes_effect_when_today_moves_past_it(make_site: MakeSite) -> None:
    consent = "consent:\n  publish: true\n  date: 2020-01-01\n  expires: 2027-01-01\n"
    site = make_site({"a.md": story(title="Pears", body="Ripe pears.", consent=consent)})
    build(site, today="2026-12-31")
    build(site, today="2026-12-31")
    assert "stories/pears/index.html" in tree(site)
    build(site, today="2027-01-01")
    assert not any("pears" in p for p in tree(site))
    assert b"Ripe pears" not in b"".join(tree(site).values())


def test_a_new_private_name_elsewhere_holds_an_unchanged_story(make_site: MakeSite) -> None:
    """Story a names Ottoline Briskwater (named: true); story b, added later, declares
    her private. Story a's text is unchanged and cached, but its gate verdict was made
    for the old set of protected names: it is checked again, and held."""
    body = "Ottoline Briskwater led the walk along the river."
    site = make_site({"a.md": story(title="River walk", body=body, extra=NAMED)})
    build(site)
    assert b"Ottoline Briskwater" in tree(site)["stories/river-walk/index.html"]
    private = "people:\n  - name: Ottoline Briskwater\n"
    (site / "stories/b.md").write_text(story(title="Tea", body="We had tea.", extra=private))
    output = build(site)
    assert "a.md: held" in output
    assert b"Briskwater" not in b"".join(tree(site).values())
    assert tree(site) == cold(site)


def verdict_tables(site: Path) -> set[str]:
    """The keys of the cache's tables of gate verdicts (one per set of protected names)."""
    with sqlite3.connect(site / ".storysite-cache/build.sqlite3") as connection:
        rows = connection.execute("SELECT key FROM entries WHERE kind = 'verdicts'")
        return {key for (key,) in rows}


def test_only_what_the_gate_reads_of_people_makes_it_check_every_page_again(
    make_site: MakeSite,
) -> None:
    """A line added above ``people:`` moves where a person is declared, and shown_as
    changes how they are shown: neither changes what the gate looks for, so every
    other story's verdict still holds. A new alias does change it."""
    site = make_site(garden(4))
    build(site)
    tables = verdict_tables(site)
    story_file = site / "stories/s01.md"
    story_file.write_text(story_file.read_text().replace("---\n", "---\n# edited\n", 1))
    build(site)
    assert verdict_tables(site) == tables
    text = story_file.read_text().replace(
        "aliases: [Barty]", "aliases: [Barty]\n    shown_as: a gardener"
    )
    story_file.write_text(text)
    build(site)
    assert verdict_tables(site) == tables
    assert tree(site) == cold(site)
    story_file.write_text(story_file.read_text().replace("[Barty]", "[Barty, Bart]"))
    build(site)
    assert verdict_tables(site) != tables
    assert tree(site) == cold(site)


def test_a_changed_register_changes_the_next_cached_build(make_site: MakeSite) -> None:
    body = "We planted leeks with Zephyrine Maltravers, who grew the best ones."
    named = "people:\n  - name: Zephyrine Maltravers\n    named: true\n"
    site = make_site({"a.md": story(title="Leeks", body=body, extra=named)})
    build(site)
    config = site / "storysite.toml"
    config.write_text(
        config.read_text() + '\n[[anonymise.people]]\nname = "Zephyrine Maltravers"\n'
    )
    build(site)
    assert b"Maltravers" not in b"".join(tree(site).values())
    assert tree(site) == cold(site)


def test_a_changed_template_changes_the_next_cached_build(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(title="Plums", body="Dark plums.")})
    build(site)
    template = site / "templates/story.html"
    template.parent.mkdir()
    template.write_text(
        '{% extends "base.html" %}{% block content %}<p>NEW THEME</p>{{ body }}{% endblock %}'
    )
    build(site)
    assert b"NEW THEME" in tree(site)["stories/plums/index.html"]
    assert tree(site) == cold(site)


def test_a_template_that_shows_story_html_on_a_listing_is_kept_current(
    make_site: MakeSite,
) -> None:
    """A listing page is reused while the stories it lists keep their fields; a site
    whose own templates show a story's HTML there makes it again when the HTML changes."""
    # The template reaches the text without writing its name (a red team's case):
    # what a page reads is noticed as it is made, whatever the template says.
    card = (
        '<article class="card"><h2>{{ item.story.title }}</h2>'
        "{{ item['mar' ~ 'kup'].html | safe }}</article>\n"
    )
    site = make_site(garden(3), files={"templates/_story_card.html": card})
    build(site)
    append(site / "stories/s01.md", "\nThe courgettes were enormous.\n")
    build(site)
    assert b"courgettes were enormous" in tree(site)["index.html"]
    assert tree(site) == cold(site)


def sky_site(make_site: MakeSite, kind: str) -> Path:
    """One story showing stories/sky.KIND, a blue picture, built once."""
    name = f"sky.{kind.lower()}"
    site = make_site(
        {"a.md": story(title="Sky", body=f"![The sky]({name})\n")},
        files={f"stories/{name}": picture_bytes("blue", kind)},
    )
    build(site)
    return site


def test_a_changed_picture_changes_the_next_cached_build(make_site: MakeSite) -> None:
    site = sky_site(make_site, "PNG")
    first = {p for p in tree(site) if p.startswith("images/")}
    (site / "stories/sky.png").write_bytes(picture_bytes("red", "PNG"))
    os.utime(site / "stories/sky.png", ns=(1, 1))
    build(site)
    assert {p for p in tree(site) if p.startswith("images/")} != first
    assert tree(site) == cold(site)


# --- a cache that cannot be trusted is not used --------------------------------------


def _rows(site: Path) -> list[tuple[str, str, bytes, str]]:
    with sqlite3.connect(site / ".storysite-cache/build.sqlite3") as db:
        rows = db.execute("SELECT key, kind, blob, checksum FROM entries").fetchall()
    db.close()
    return rows


def _forge(site: Path, change: object) -> None:
    """Rewrite every story entry with a plausible signature that is not the key's."""
    with sqlite3.connect(site / ".storysite-cache/build.sqlite3") as db:
        for key, kind, _blob, _ in _rows(site):
            if kind == "story":
                forged = pickle.dumps(change)
                db.execute(
                    "UPDATE entries SET blob = ?, checksum = ? WHERE key = ?",
                    (forged, incremental.digest(key, forged), key),
                )
    db.close()


def test_a_corrupt_cache_file_is_ignored_and_replaced(make_site: MakeSite) -> None:
    site = make_site(garden(3))
    expected = cold(site)
    folder = site / ".storysite-cache"
    folder.mkdir()
    (folder / "build.sqlite3").write_bytes(b"this is not a database\x00" * 200)
    build(site)
    assert tree(site) == expected
    append(site / "stories/s00.md", "\nRain.\n")
    build(site)
    assert tree(site) == cold(site)
    assert [k for _, k, _, _ in _rows(site)].count("story") == 3


def test_an_older_format_is_emptied(make_site: MakeSite) -> None:
    site = make_site(garden(2))
    build(site)
    with sqlite3.connect(site / ".storysite-cache/build.sqlite3") as db:
        db.execute("UPDATE meta SET format = 'storysite-build-cache 2'")
    db.close()
    append(site / "stories/s00.md", "\nRain.\n")
    output = build(site)
    assert "nothing had changed" not in output
    assert tree(site) == cold(site)


def test_a_forged_entry_is_never_used(make_site: MakeSite) -> None:
    """Entries are signed with a key outside the site folder: one rewritten by someone
    who can write the cache (here with the checksum a naive cache would accept) is
    ignored, and the story is worked out again."""
    protected = BASIC_CONFIG + '\n[[anonymise.people]]\nname = "Wilhelmina Strout"\n'
    site = make_site({"a.md": story("Leeks", body="We dug the leeks.")}, config=protected)
    build(site)
    _forge(site, "<p>Dug with Wilhelmina Strout.</p>")
    append(site / "stories/a.md", "\n")  # and not the no-change path either
    build(site)
    assert b"Strout" not in b"".join(tree(site).values())
    assert tree(site) == cold(site)


def test_a_cache_from_another_account_is_not_trusted(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(garden(2))
    build(site)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "someone-else"))
    output = build(site)
    assert "nothing had changed" not in output  # the other key reads nothing
    assert tree(site) == cold(site)


def test_the_unpickler_makes_only_storysite_data() -> None:
    class Evil:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, ("echo pwned",))

    with pytest.raises(pickle.UnpicklingError):
        incremental.loads(pickle.dumps(Evil()))
    assert incremental.loads(incremental.dumps((1, "a", Path("x")))) == (1, "a", Path("x"))


def test_a_verdict_on_an_unchanged_page_is_not_reused_when_the_site_file_changes(
    make_site: MakeSite,
) -> None:
    """A number the site file publishes on purpose passes the gate. Once it is taken
    out of the site file, a file that still holds it (the site's own stylesheet, made
    on every build, byte for byte the same) is checked again: the build stops."""
    helpline = '[support]\nlines = ["Ring our crisis line on 0800 014 9876."]\n'
    site = make_site(
        garden(2),
        config=BASIC_CONFIG + helpline,
        files={"templates/assets/site.css": "/* crisis line 0800 014 9876 */\n"},
    )
    build(site)
    build(site, today="2026-11-28")  # the cache and the manifest are full now
    (site / "storysite.toml").write_text(BASIC_CONFIG + '[support]\nlines = ["Ring us."]\n')
    result = run_build(site, "--output", str(site / "out"), today="2026-11-28")
    assert result.exit_code == 1, result.output
    assert "a phone number appears in" in result.output


def test_a_picture_replaced_with_the_same_size_and_time_is_published_new(
    make_site: MakeSite,
) -> None:
    """touch -d, cp -p: the modification time is set back, but not the change time."""
    site = sky_site(make_site, "BMP")
    picture = site / "stories/sky.bmp"
    before = picture.stat()
    picture.write_bytes(picture_bytes("red", "BMP"))
    os.utime(picture, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert picture.stat().st_size == before.st_size
    output = build(site)
    assert "nothing had changed" not in output
    assert tree(site) == cold(site)


def test_a_planted_picture_cache_entry_is_never_published(make_site: MakeSite) -> None:
    """Picture cache entries are signed too: one rewritten by someone who can write the
    site folder (here a derivative swapped for other bytes, its checksum fixed) is made
    again from the source picture."""
    site = make_site(
        {"a.md": story(title="Field", body="![A field](field.png)\n")},
        files={"stories/field.png": picture_bytes("green", "PNG", (400, 300))},
    )
    build(site)
    expected = cold(site)
    (entry,) = (site / ".storysite-cache/images").iterdir()
    signature, _, body = entry.read_bytes().partition(b"\n")
    head, _, rest = body.partition(b"\n")
    header = json.loads(head)
    planted = b"Wilhelmina Strout was here"
    path, length, _ = header["files"][0]
    header["files"][0] = [path, len(planted), hashlib.sha256(planted).hexdigest()]
    forged = json.dumps(header).encode() + b"\n" + planted + rest[length:]
    entry.write_bytes(signature + b"\n" + forged)
    append(site / "stories/a.md", "\nA windy day.\n")
    build(site)
    assert b"Strout" not in b"".join(tree(site).values())
    assert {p for p in tree(site) if p.startswith("images/")} == {
        p for p in expected if p.startswith("images/")
    }


def test_a_linked_folder_of_templates_is_watched(make_site: MakeSite, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "contact.txt").write_text("Contact: Jo on ward 3")
    header = (
        '{% extends "theme/header.html" %}{% block tagline %}<p>{% include '
        '"partials/contact.txt" %}</p>{% endblock %}'
    )
    site = make_site(garden(2), files={"templates/header.html": header})
    (site / "templates/partials").symlink_to(shared)
    build(site)
    (shared / "contact.txt").write_text("Contact: the duty desk")
    output = build(site)
    assert "nothing had changed" not in output
    assert b"Jo on ward" not in b"".join(tree(site).values())
    assert tree(site) == cold(site)


def test_a_cache_another_process_is_writing_is_not_thrown_away(make_site: MakeSite) -> None:
    """A write that finds the cache held by another process for longer than the wait
    (the search index's process, another build) is simply not kept: the cache stays,
    and what it held is still read. A file that cannot be read is still removed."""
    site = make_site(garden(2))
    build(site)
    folder = site / ".storysite-cache"
    store = incremental.Store(folder)
    assert store.enabled and store._connection is not None
    store._connection.execute("PRAGMA busy_timeout = 50")  # not 5 s: a test
    held = sqlite3.connect(folder / "build.sqlite3")
    held.execute("BEGIN EXCLUSIVE")
    try:
        store.put_many("story", [("a key", "a value")])
        store.keep_only("story", [])
    finally:
        held.rollback()
        held.close()
    assert store.enabled
    assert store.get("a key") is None
    store.put_many("story", [("a key", "a value")])
    assert store.get("a key") == "a value"
    store.close()
    assert "nothing had changed" in build(site)
