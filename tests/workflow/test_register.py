"""storysite consent: one row per story, every consent rule, and no private name."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from sitekit import TODAY, MakeSite, run_subprocess, story

from storysite.cli import main

PEOPLE = """\
people:
  - name: Jane Doe
    named: false
    aliases: [Janey]
  - name: Oluwaseun Adeyemi
    named: false
    shown_as: a nurse
  - name: Sam Rivera
    named: true
"""
BODY = "Jane Doe and Oluwaseun Adeyemi met Sam Rivera. Janey laughed.\n"


def consent(*lines: str) -> str:
    return "consent:\n" + "".join(f"  {line}\n" for line in lines)


OK = ("publish: true", "date: 2020-01-01")
#: file -> (story file, expected status, expected words in the reason)
CASES: dict[str, tuple[str, str, str]] = {
    "ok.md": (story(title="Ok", consent=consent(*OK)), "published", ""),
    "draft.md": (story(title="Draft", consent=consent(*OK), extra="draft: true\n"), "held",
                 "draft"),
    "future.md": (story(title="Future", date="2027-01-01", consent=consent(*OK)), "held",
                  "after today"),
    "none.md": (story(title="None", consent=""), "held", "not recorded"),
    "yes.md": (story(title="Yes", consent=consent('publish: "yes"', "date: 2020-01-01")),
               "held", "not recorded"),
    "nodate.md": (story(title="Nodate", consent=consent("publish: true")), "held", "missing"),
    "later.md": (story(title="Later", consent=consent("publish: true", "date: 2027-01-01")),
                 "held", "after today"),
    "expired.md": (story(title="Expired", consent=consent(*OK, "expires: 2026-11-27")), "held",
                   "expired on 2026-11-27"),
    "wdate.md": (story(title="Wdate", consent=consent(*OK, "withdrawn: 2026-01-05")), "held",
                 "withdrawn on 2026-01-05"),
    "wtrue.md": (story(title="Wtrue", consent=consent(*OK, "withdrawn: true")), "held",
                 "withdrawn"),
    "jane-doe-story.md": (
        story(title="Jane Doe and friends", body=BODY, consent=consent(*OK), extra=PEOPLE),
        "published", ""),
}  # fmt: skip


def register(site: Path, fmt: str, *more: str) -> Result:
    return CliRunner().invoke(
        main, ["consent", "--site", str(site), "--today", TODAY, "--format", fmt, *more]
    )


def rows_by_file(site: Path) -> dict[str, dict[str, Any]]:
    result = register(site, "json")
    assert result.exit_code == 0, result.output
    return {row["file"]: row for row in json.loads(result.output)}


def test_every_consent_rule_gives_its_status_and_reason(make_site: MakeSite) -> None:
    site = make_site({name: text for name, (text, _, _) in CASES.items()})
    rows = rows_by_file(site)
    assert len(rows) == len(CASES)
    for name, (_, status, reason) in CASES.items():
        file = "stories/[name removed]-story.md" if name.startswith("jane") else f"stories/{name}"
        row = rows[file]
        assert row["status"] == status, name
        assert reason in row["reason"], (name, row["reason"])
        assert bool(row["reason"]) == (status == "held"), name
    assert rows["stories/expired.md"]["expires"] == "2026-11-27"
    assert rows["stories/wdate.md"]["withdrawn"] == "2026-01-05"
    assert rows["stories/wtrue.md"]["withdrawn"] == "yes"
    assert rows["stories/ok.md"]["consent_date"] == "2020-01-01"
    assert rows["stories/nodate.md"]["consent_date"] == ""


def test_people_appear_as_readers_see_them(make_site: MakeSite) -> None:
    site = make_site({"jane-doe-story.md": CASES["jane-doe-story.md"][0]})
    rows = rows_by_file(site)
    [row] = rows.values()
    assert row["people"] == "[name removed]; a nurse; Sam Rivera"
    assert row["title"] == "[Name removed] and friends"
    assert row["replacements"] == 4
    for fmt in ("table", "csv", "json"):
        out = register(site, fmt, "--wide").output
        assert not re.search(r"jane|doe|oluwaseun|adeyemi", out, re.IGNORECASE), fmt
        assert "Sam Rivera" in out


def test_csv_has_one_row_per_story_with_the_documented_columns(make_site: MakeSite) -> None:
    site = make_site({name: text for name, (text, _, _) in CASES.items()})
    result = register(site, "csv")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert len(rows) == len(CASES)
    assert list(rows[0]) == [
        "file", "title", "status", "reason", "consent_date", "expires", "withdrawn",
        "people", "replacements", "reference",
    ]  # fmt: skip
    table = register(site, "table", "--wide").output.splitlines()
    assert table[0].split()[:3] == ["file", "title", "status"]
    assert table[0].split()[-2:] == ["replacements", "reference"]
    assert len(table) == len(CASES) + 1


LONG_REASON = consent("publish: true", "date: 2020-01-01", "withdrawn: 2026-01-05")
REFERENCED = {
    "a-very-long-file-name-about-the-walking-group-by-the-river.md": story(
        title="The walking group by the river, and what we learnt from it together",
        consent=consent(*OK, "reference: CF-2026-0173/Riverside/ward-4/signed-paper-form"),
    ),
    "b.md": story(title="Bee", consent=LONG_REASON + "  reference: 20260117\n", date="2027-01-01"),
    "c.md": story(title="Sea", consent=consent(*OK)),
}


def column(lines: list[str], name: str, after: str | None) -> list[str]:
    """One column of a wrapped table, each row's pieces joined (rows end at a blank line)."""
    start = lines[0].index(name)
    end = lines[0].index(after) if after else None
    rows: list[list[str]] = []
    for line in lines[1:]:
        if not line:
            rows.append([])
        elif line[start:end].strip():
            rows[-1].append(line[start:end].strip())
        else:
            rows[-1].append("")
    joiner = " " if name == "reason" else ""
    return [joiner.join(p for p in row if p) for row in rows]


def test_the_table_fits_100_columns_and_shows_every_reference(make_site: MakeSite) -> None:
    site = make_site(REFERENCED)
    table = register(site, "table").output
    lines = table.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert lines[0].split() == [
        "file", "reference", "status", "consent", "date", "expires", "withdrawn", "reason"
    ]  # fmt: skip
    assert column(lines, "file", "reference") == [
        "stories/a-very-long-file-name-about-the-walking-group-by-the-river.md",
        "stories/b.md",
        "stories/c.md",
    ]
    assert column(lines, "reference", "status") == [
        "CF-2026-0173/Riverside/ward-4/signed-paper-form",
        "20260117",
        "",
    ]
    assert column(lines, "status", "consent") == ["published", "held", "published"]
    assert "consent was withdrawn on 2026-01-05" in " ".join(column(lines, "reason", None))
    wide = register(site, "table", "--wide").output.splitlines()
    assert len(wide) == 4 and max(len(line) for line in wide) > 100
    assert "CF-2026-0173/Riverside/ward-4/signed-paper-form" in wide[1]
    rows = rows_by_file(site)
    assert rows["stories/b.md"]["reference"] == "20260117"
    assert rows["stories/c.md"]["reference"] == ""


def test_a_reference_never_shows_a_private_name(make_site: MakeSite) -> None:
    site = make_site(
        {"a.md": story(body=BODY, extra=PEOPLE, consent=consent(*OK, "reference: Jane Doe form 3"))}
    )
    for fmt in ("table", "csv", "json"):
        out = register(site, fmt).output
        assert "[name removed] form 3" in out, fmt
        assert "Jane" not in out and "Doe" not in out, fmt


def test_a_reference_that_is_not_text_is_an_error(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(consent=consent(*OK, "reference: [1, 2]"))})
    result = register(site, "table")
    assert result.exit_code == 1
    assert "stories/a.md:7: 'consent.reference' must be text" in result.output


def test_an_error_stops_the_register(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(), "b.md": "---\ntitle: [unclosed\n---\n"})
    result = register(site, "table")
    assert result.exit_code == 1
    assert "stories/b.md:" in result.output
    assert "Traceback" not in result.output


def test_register_as_a_subprocess(make_site: MakeSite) -> None:
    site = make_site({name: text for name, (text, _, _) in CASES.items()})
    done = run_subprocess("consent", "--site", str(site), "--today", TODAY, "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert len(list(csv.DictReader(io.StringIO(done.stdout)))) == len(CASES)
    assert "Jane" not in done.stdout and "Oluwaseun" not in done.stdout
