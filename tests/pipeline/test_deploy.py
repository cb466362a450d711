"""What a web host needs of the output: modes a server running as another user can
read, and the previous site kept for a rollback that never undoes a withdrawal."""

from __future__ import annotations

import io
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from PIL import Image
from sitekit import TODAY, MakeSite, kill_build_midway, read_tree, run_build, story

from storysite.cli import main

PICTURE = "image:\n  src: images/walk.png\n  alt: A path by the river\n"


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (20, 120, 60)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def umask() -> Iterator[None]:
    """Restore the test process's umask whatever a test sets."""
    old = os.umask(0o022)
    os.umask(old)
    yield
    os.umask(old)


def modes(folder: Path) -> dict[str, int]:
    """Every folder's and file's mode, the folder itself as '.'."""
    found = {".": stat.S_IMODE(folder.stat().st_mode)}
    for path in folder.rglob("*"):
        found[path.relative_to(folder).as_posix()] = stat.S_IMODE(path.lstat().st_mode)
    return found


def expected_modes(folder: Path, folder_mode: int, file_mode: int) -> dict[str, int]:
    found = {".": folder_mode}
    for path in folder.rglob("*"):
        found[path.relative_to(folder).as_posix()] = folder_mode if path.is_dir() else file_mode
    return found


def picture_site(make_site: MakeSite) -> Path:
    return make_site(
        {"a.md": story(title="Low tide", extra=PICTURE), "b.md": story(title="High water")},
        files={"images/walk.png": png()},
    )


@pytest.mark.usefixtures("umask")
@pytest.mark.parametrize(
    ("mask", "folder_mode", "file_mode"), [(0o022, 0o755, 0o644), (0o027, 0o750, 0o640)]
)
def test_every_folder_and_file_gets_the_modes_the_umask_gives(
    make_site: MakeSite, mask: int, folder_mode: int, file_mode: int
) -> None:
    """The first build writes every file; the second (a day later, so not a build with
    nothing to do) links unchanged ones from the first."""
    site = picture_site(make_site)
    os.umask(mask)
    for day in ("2026-11-27", "2026-11-28"):
        assert run_build(site, today=day).exit_code == 0
        output = site / "output"
        assert any(p.suffix == ".png" for p in output.rglob("*"))
        assert modes(output) == expected_modes(output, folder_mode, file_mode)
        assert len(modes(output)) > 20
    previous = site / "output.previous"
    assert modes(previous) == expected_modes(previous, folder_mode, file_mode)


@pytest.mark.usefixtures("umask")
def test_files_an_earlier_umask_made_private_are_written_again(make_site: MakeSite) -> None:
    """Unchanged files are hard-linked from the last build: never one with another mode."""
    site = picture_site(make_site)
    os.umask(0o077)
    assert run_build(site).exit_code == 0
    assert stat.S_IMODE((site / "output/index.html").stat().st_mode) == 0o600
    os.umask(0o022)
    assert run_build(site).exit_code == 0
    output = site / "output"
    assert modes(output) == expected_modes(output, 0o755, 0o644)


def test_a_killed_build_keeps_the_site_and_its_previous(make_site: MakeSite) -> None:
    stories = {
        f"s{i:03}.md": story(title=f"Walk {i}", body="A calm day. " * 200) for i in range(300)
    }
    site = make_site(stories)
    assert run_build(site, today="2026-11-26").exit_code == 0
    assert run_build(site).exit_code == 0
    before, previous = read_tree(site / "output"), read_tree(site / "output.previous")
    for path in (site / "stories").iterdir():  # so the next build has work to do
        path.write_text(path.read_text() + "\nA windy evening.\n")
    kill_build_midway(site)
    assert read_tree(site / "output") == before
    assert read_tree(site / "output.previous") == previous


def rollback(site: Path, today: str = TODAY) -> Result:
    return CliRunner().invoke(main, ["rollback", "--site", str(site), "--today", today])


def test_a_build_keeps_one_previous_site_and_rollback_swaps_them(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(title="Low tide")})
    output, previous = site / "output", site / "output.previous"
    assert run_build(site, today="2026-11-25").exit_code == 0
    assert not previous.exists()
    first = read_tree(output)
    (site / "stories/b.md").write_text(story(title="High water"))
    assert run_build(site, today="2026-11-26").exit_code == 0
    second = read_tree(output)
    assert read_tree(previous) == first
    (site / "stories/c.md").write_text(story(title="Slack water"))
    assert run_build(site).exit_code == 0
    third = read_tree(output)
    assert read_tree(previous) == second  # one generation only
    # The generation before is removed in the background: it goes, soon.
    deadline = time.monotonic() + 30
    while any(p.name.startswith(".storysite-trash-") for p in site.iterdir()):
        assert time.monotonic() < deadline, "the replaced site was never removed"
        time.sleep(0.05)
    assert sorted(p.name for p in site.iterdir()) == [
        ".storysite-cache",
        "output",
        "output.previous",
        "stories",
        "storysite.toml",
    ]

    result = rollback(site)
    assert result.exit_code == 0, result.output
    assert "Rolled back" in result.output and "built on 2026-11-26" in result.output
    assert read_tree(output) == second
    assert read_tree(previous) == third
    assert rollback(site).exit_code == 0
    assert read_tree(output) == third


def test_rollback_refuses_a_story_withdrawn_since(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(title="Low tide"), "b.md": story(title="High water")})
    assert run_build(site).exit_code == 0
    (site / "stories/b.md").write_text(
        story(
            title="High water",
            consent="consent:\n  publish: true\n  date: 2020-01-01\n  withdrawn: true\n",
        )
    )
    assert run_build(site).exit_code == 0
    before = read_tree(site / "output"), read_tree(site / "output.previous")
    result = rollback(site)
    assert result.exit_code == 1
    assert "stories/b.md: held today — consent was withdrawn" in result.output
    assert "Rollback refused" in result.output and "Nothing was changed" in result.output
    assert (read_tree(site / "output"), read_tree(site / "output.previous")) == before
    assert "high-water" not in "".join(read_tree(site / "output"))


def test_rollback_refuses_a_consent_that_has_ended_since(make_site: MakeSite) -> None:
    ends = "consent:\n  publish: true\n  date: 2020-01-01\n  expires: 2026-11-28\n"
    site = make_site(
        {"a.md": story(title="Low tide"), "b.md": story(title="High water", consent=ends)}
    )
    assert run_build(site, today="2026-11-26").exit_code == 0
    assert run_build(site, today="2026-11-27").exit_code == 0
    assert rollback(site, today="2026-11-27").exit_code == 0  # still in date: allowed
    assert rollback(site, today="2026-11-27").exit_code == 0
    result = rollback(site, today="2026-11-28")
    assert result.exit_code == 1
    assert "stories/b.md: held today — consent expired on 2026-11-28" in result.output


def test_rollback_refuses_a_name_protected_since(make_site: MakeSite) -> None:
    """Nothing is held today, but the previous site names someone now kept private."""
    people = "people:\n  - name: Kim Lowe\n    named: {named}\n    shown_as: a nurse\n"
    site = make_site(
        {
            "a.md": story(
                title="Low tide", body="Kim Lowe listened.", extra=people.format(named="true")
            )
        }
    )
    assert run_build(site).exit_code == 0
    (site / "stories/a.md").write_text(
        story(title="Low tide", body="Kim Lowe listened.", extra=people.format(named="false"))
    )
    assert run_build(site).exit_code == 0
    assert "Kim" not in (site / "output/stories/low-tide/index.html").read_text()
    result = rollback(site)
    assert result.exit_code == 1
    assert (
        "stories/low-tide/index.html in the previous site shows a name that must stay private today"
        in result.output
    )
    assert "Kim" not in result.output
    assert "Kim" not in (site / "output/stories/low-tide/index.html").read_text()


def test_rollback_refuses_a_story_whose_file_was_removed(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(title="Low tide"), "b.md": story(title="High water")})
    assert run_build(site).exit_code == 0
    (site / "stories/b.md").unlink()
    assert run_build(site).exit_code == 0
    result = rollback(site)
    assert result.exit_code == 1
    assert (
        "stories/high-water/ is in the previous site, but no story file makes that page today"
        in result.output
    )


def test_rollback_without_a_previous_site_changes_nothing(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(title="Low tide")})
    assert run_build(site).exit_code == 0
    before = read_tree(site / "output")
    result = rollback(site)
    assert result.exit_code == 1
    assert "output.previous: there is no site here that storysite built" in result.output
    assert "Traceback" not in result.output
    assert read_tree(site / "output") == before


def test_a_previous_folder_storysite_did_not_make_is_never_replaced(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(title="Low tide")}, files={"output.previous/notes.txt": "mine"})
    assert run_build(site).exit_code == 0
    result = run_build(site, today="2026-11-28")
    assert result.exit_code == 1
    assert "output.previous already holds files that storysite did not write" in result.output
    assert (site / "output.previous/notes.txt").read_text() == "mine"


def test_clean_removes_the_previous_site_too(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(title="Low tide")})
    assert run_build(site).exit_code == 0
    assert run_build(site, today="2026-11-28").exit_code == 0
    result = CliRunner().invoke(main, ["clean", "--site", str(site)])
    assert result.exit_code == 0
    assert f"Removed {site / 'output.previous'}" in result.output.splitlines()
    assert not (site / "output").exists() and not (site / "output.previous").exists()


def test_an_output_named_by_a_link_is_built_where_the_link_points(make_site: MakeSite) -> None:
    """A web root that is a link to the built site keeps showing the newest build: a
    story withdrawn later leaves it too."""
    site = make_site({"a.md": story(title="Low tide"), "b.md": story(title="High water")})
    (site / "real").mkdir()
    (site / "webroot").symlink_to(site / "real")
    assert run_build(site, "--output", str(site / "webroot")).exit_code == 0
    assert (site / "webroot").is_symlink()
    assert (site / "real/stories/high-water/index.html").is_file()
    path = site / "stories/b.md"
    path.write_text(
        path.read_text().replace(
            "  date: 2020-01-01\n", "  date: 2020-01-01\n  withdrawn: true\n", 1
        )
    )
    assert run_build(site, "--output", str(site / "webroot"), today="2026-11-28").exit_code == 0
    assert (site / "webroot").is_symlink()
    assert not (site / "webroot/stories/high-water").exists()
    assert "High water" not in (site / "webroot/index.html").read_text()
