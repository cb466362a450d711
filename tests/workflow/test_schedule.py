"""Consent ends and scheduled stories take effect only when the site is built: every
build and check names the next such day, and check --output catches a missed build."""

from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner, Result
from sitekit import MakeSite, read_tree, run_build, story

from storysite.cli import main

ENDS = "consent:\n  publish: true\n  date: 2020-01-01\n  expires: {day}\n"
JANE = "people:\n  - name: Jane Doe\n    named: false\n    shown_as: a carer\n"


def check(site: Path, today: str, *args: str) -> Result:
    return CliRunner().invoke(main, ["check", "--site", str(site), "--today", today, *args])


def check_json(site: Path, today: str, *args: str) -> tuple[int, dict[str, object]]:
    result = check(site, today, "--format", "json", *args)
    return result.exit_code, json.loads(result.output)


def schedule_site(make_site: MakeSite) -> Path:
    return make_site(
        {
            "a.md": story(title="Low tide"),
            "b.md": story(
                title="Jane Doe at the shore", extra=JANE, consent=ENDS.format(day="2026-12-10")
            ),
            "c.md": story(title="Spring walk", date="2026-12-20"),
            "d.md": story(title="Also on the tenth", consent=ENDS.format(day="2026-12-10")),
            "e.md": story(title="Ended long ago", consent=ENDS.format(day="2025-01-01")),
        }
    )


def test_a_build_ends_with_the_next_change_and_never_a_private_name(make_site: MakeSite) -> None:
    site = schedule_site(make_site)
    result = run_build(site)
    assert result.exit_code == 0
    tail = result.output.splitlines()[-4:]
    assert tail == [
        "Next change: on 2026-12-10 (in 13 days), when the site is built that day:",
        '  "A carer at the shore" (stories/a-carer-at-the-shore/) comes off the website',
        '  "Also on the tenth" (stories/also-on-the-tenth/) comes off the website',
        "  Build the site every day so this happens on time (docs/hosting.md).",
    ]
    assert "Jane" not in result.output


def test_the_next_change_after_that_is_a_story_going_on(make_site: MakeSite) -> None:
    site = schedule_site(make_site)
    result = run_build(site, today="2026-12-10")
    assert result.output.splitlines()[-3:] == [
        "Next change: on 2026-12-20 (in 10 days), when the site is built that day:",
        '  "Spring walk" (stories/spring-walk/) goes on the website',
        "  Build the site every day so this happens on time (docs/hosting.md).",
    ]


def test_a_consent_date_still_to_come_is_a_change_but_a_date_that_changes_nothing_is_not(
    make_site: MakeSite,
) -> None:
    """b's date passes on 12-01 but its consent starts only on 12-05; c is a draft, so
    its date changes nothing; d is held by a finding, so no date publishes it."""
    later = "consent:\n  publish: true\n  date: 2026-12-05\n"
    site = make_site(
        {
            "b.md": story(title="Waiting", date="2026-12-01", consent=later),
            "c.md": story(title="Draft", date="2026-11-30", extra="draft: true\n"),
            "d.md": story(title="Tomorrow", date="2026-11-28", body="Then Mrs Quellworth waved."),
        }
    )
    code, data = check_json(site, "2026-11-27")
    assert code == 1  # the finding
    assert data["next_change"] == {
        "date": "2026-12-05",
        "stories": [{"slug": "waiting", "title": "Waiting", "change": "on"}],
    }


def test_nothing_scheduled_is_said_plainly(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(title="Low tide")})
    result = run_build(site)
    assert result.output.splitlines()[-1] == (
        "Next change: none scheduled — no consent ends and no story is waiting for its date."
    )
    code, data = check_json(site, "2026-11-27")
    assert code == 0 and data["next_change"] is None and data["output"] is None


def test_check_names_the_next_change_in_text_and_json(make_site: MakeSite) -> None:
    site = schedule_site(make_site)
    text = check(site, "2026-11-27")
    assert (
        "Next change: on 2026-12-10 (in 13 days), when the site is built that day:" in text.output
    )
    code, data = check_json(site, "2026-11-27")
    assert code == 0
    assert data["next_change"] == {
        "date": "2026-12-10",
        "stories": [
            {"slug": "a-carer-at-the-shore", "title": "A carer at the shore", "change": "off"},
            {"slug": "also-on-the-tenth", "title": "Also on the tenth", "change": "off"},
        ],
    }


def test_the_output_records_its_build_day(make_site: MakeSite) -> None:
    site = schedule_site(make_site)
    assert run_build(site, today="2026-11-27").exit_code == 0
    assert (site / "output/.storysite").read_text() == (
        "Built by storysite. This folder is replaced on every build.\n"
        "built: 2026-11-27\n"
        "next change: 2026-12-10\n"
    )


def test_check_output_fails_once_a_change_is_due_and_a_daily_build_fixes_it(
    make_site: MakeSite,
) -> None:
    """The done-when: a second daily build takes an expired story down."""
    site = schedule_site(make_site)
    output = site / "output"
    assert run_build(site, today="2026-12-09").exit_code == 0
    assert "stories/also-on-the-tenth/index.html" in read_tree(output)

    fresh = check(site, "2026-12-09", "--output", str(output))
    assert fresh.exit_code == 0, fresh.output
    assert f"{output}: up to date (built on 2026-12-09)." in fresh.output

    stale = check(site, "2026-12-10", "--output", str(output))
    assert stale.exit_code == 1
    assert (
        f'{output}: built on 2026-12-09, but "Also on the tenth" (stories/also-on-the-tenth/) '
        "came off the website on 2026-12-10 — build the site now, and every day "
        "(see docs/hosting.md)"
    ) in stale.output
    assert "Jane" not in stale.output
    assert stale.output.splitlines()[-1].endswith("the built site is out of date.")
    code, data = check_json(site, "2026-12-10", "--output", str(output))
    assert code == 1 and data["ok"] is False
    output_keys = data["output"]
    assert isinstance(output_keys, dict)
    assert output_keys["built"] == "2026-12-09" and output_keys["up_to_date"] is False
    assert [d["slug"] for d in output_keys["due"]] == ["a-carer-at-the-shore", "also-on-the-tenth"]

    assert run_build(site, today="2026-12-10").exit_code == 0
    tree = read_tree(output)
    assert "stories/also-on-the-tenth/index.html" not in tree
    assert not any(b"Also on the tenth" in content for content in tree.values())
    assert check(site, "2026-12-10", "--output", str(output)).exit_code == 0


def test_check_output_catches_a_withdrawal_nobody_built(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(title="Low tide"), "b.md": story(title="High water")})
    output = site / "output"
    assert run_build(site).exit_code == 0
    withdrawn = "consent:\n  publish: true\n  date: 2020-01-01\n  withdrawn: true\n"
    (site / "stories/b.md").write_text(story(title="High water", consent=withdrawn))
    result = check(site, "2026-11-27", "--output", str(output))
    assert result.exit_code == 1
    assert f'{output}: shows "High water", which a build today would not publish' in result.output


def test_check_output_of_a_folder_without_a_record_fails(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(title="Low tide")}, files={"elsewhere/index.html": "<p>hi</p>"})
    result = check(site, "2026-11-27", "--output", str(site / "elsewhere"))
    assert result.exit_code == 1
    assert "no record of when this site was built" in result.output


def test_check_output_reads_every_file_as_it_is_on_disk(make_site: MakeSite) -> None:
    """Red team, round 4: a page changed in the output by hand, its size and time kept,
    is kept by later builds unread; check --output (a daily monitoring job) reads every
    file and names it. A site as built passes."""
    site = make_site({"a.md": story(title="Low tide", extra=JANE, body="Jane Doe came.\n")})
    output = site / "output"
    assert run_build(site).exit_code == 0
    assert check(site, "2026-11-27", "--output", str(output)).exit_code == 0
    page = output / "stories/low-tide/index.html"
    before = page.stat()
    text = page.read_bytes()
    page.write_bytes(text.replace(b"Low tide", b"Jane Doe", 1))  # the same size
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    result = check(site, "2026-11-27", "--output", str(output))
    assert result.exit_code == 1
    assert f"{output}/stories/low-tide/index.html: shows a name that must stay private" in (
        result.output
    )
    code, data = check_json(site, "2026-11-27", "--output", str(output))
    assert code == 1
    assert data["output"]["files_stopped"] == [  # type: ignore[index]
        {"path": "stories/low-tide/index.html", "shows": "a name that must stay private"}
    ]
