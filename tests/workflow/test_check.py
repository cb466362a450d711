"""storysite check: exit codes, the text report and the JSON keys, on real sites."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from sitekit import TODAY, MakeSite, run_subprocess, story, today

from storysite.build import decide
from storysite.cli import main
from storysite.config import load_config

JANE = "people:\n  - name: Jane Doe\n    named: false\n    shown_as: a friend\n"
KEYS = {
    "ok",
    "today",
    "errors",
    "held",
    "findings",
    "findings_by_word",
    "expiring",
    "replaced",
    "published",
}


def run_check(site: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["check", "--site", str(site), "--today", TODAY, *args])


def check_json(site: Path) -> tuple[int, dict[str, Any]]:
    result = run_check(site, "--format", "json")
    return result.exit_code, json.loads(result.output)


def test_a_clean_site_passes_and_nothing_is_written(make_site: MakeSite) -> None:
    site = make_site(
        {
            "a.md": story(title="Jane Doe at the forum", body="Jane Doe spoke.", extra=JANE),
            "b.md": story(title="Not yet", consent=""),
        }
    )
    code, data = check_json(site)
    assert code == 0
    assert set(data) == KEYS
    assert data["ok"] is True and data["today"] == TODAY
    assert [h["path"] for h in data["held"]] == ["stories/b.md"]
    assert data["held"][0]["reasons"][0]["rule"] == "no-consent"
    assert data["replaced"] == [
        {"path": "stories/a.md", "slug": "a-friend-at-the-forum",
         "title": "A friend at the forum", "replacements": 2}
    ]  # fmt: skip
    assert [p["path"] for p in data["published"]] == ["stories/a.md"]
    assert not (site / "output").exists()
    text = run_check(site)
    assert text.exit_code == 0
    assert "stories/b.md: held — consent" in text.output
    assert "stories/a.md: published with 2 replacements" in text.output
    assert "Jane" not in text.output


def test_an_error_fails_the_check_with_path_and_line(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(), "bad.md": "---\ntitle: x\ndate: 2020-13-45\n---\nText\n"})
    code, data = check_json(site)
    assert code == 1 and data["ok"] is False
    assert data["errors"][0]["path"] == "stories/bad.md"
    assert data["errors"][0]["line"] == 3
    text = run_check(site)
    assert text.exit_code == 1
    assert "stories/bad.md:3: " in text.output
    assert "Traceback" not in text.output


def test_a_bad_site_file_fails_the_check(make_site: MakeSite) -> None:
    site = make_site({"a.md": story()}, config='[site]\ntitle = "T"\nbogus = 1\n')
    code, data = check_json(site)
    assert code == 1
    assert data["errors"][0]["path"] == "storysite.toml" and data["errors"][0]["line"] == 3


def test_a_story_held_by_the_output_gate_fails_the_check(make_site: MakeSite) -> None:
    # b.md does not declare Jane Doe, whom a.md protects: the anonymiser or the output
    # gate holds it, and either way its title must not show in the report.
    site = make_site(
        {
            "a.md": story(title="First", body="Jane Doe spoke.", extra=JANE),
            "b.md": story(title="Jane Doe and me", body="I met Jane Doe today."),
        }
    )
    code, data = check_json(site)
    assert code == 1
    held = {h["path"]: h for h in data["held"]}
    assert held["stories/b.md"]["reasons"][0]["rule"] in {"gate", "findings"}
    assert "Jane" not in json.dumps(data["held"])


def test_findings_decide_the_exit_code(make_site: MakeSite) -> None:
    # Probable undeclared names: the anonymiser reports them as findings.
    body = "My name is Xavier Quinn.\n\nDr Okonkwo listened, and Margaret helped.\n"
    site = make_site({"a.md": story(body=body)})
    decisions, _ = decide(load_config(site), today())
    findings = [f for d in decisions for f in d.findings]
    assert findings
    code, data = check_json(site)
    assert code == 1
    assert data["ok"] is False
    assert [(f["path"], f["line"]) for f in data["findings"]] == [
        (f.path, f.line) for f in findings
    ]
    text = run_check(site)
    for finding in findings:
        assert f"{finding.path}:{finding.line}: " in text.output


def test_consent_ending_within_30_days_is_listed(make_site: MakeSite) -> None:
    def with_expiry(title: str, day: str) -> str:
        consent = f"consent:\n  publish: true\n  date: 2020-01-01\n  expires: {day}\n"
        return story(title=title, consent=consent)

    site = make_site(
        {
            "soon.md": with_expiry("soon", "2026-12-10"),
            "edge.md": with_expiry("edge", "2026-12-27"),
            "later.md": with_expiry("later", "2026-12-28"),
            "gone.md": with_expiry("gone", TODAY),
        }
    )
    code, data = check_json(site)
    assert code == 0
    expiring = {e["path"]: e["days_left"] for e in data["expiring"]}
    assert expiring == {"stories/soon.md": 13, "stories/edge.md": 30}
    assert [h["reasons"][0]["rule"] for h in data["held"]] == ["expired"]
    text = run_check(site)
    assert "stories/soon.md: consent ends on 2026-12-10 (in 13 days)" in text.output


def test_check_as_a_subprocess(make_site: MakeSite) -> None:
    good = make_site({"a.md": story()})
    bad = make_site({"a.md": "no front matter\n"})
    ok = run_subprocess("check", "--site", str(good), "--today", TODAY, "--format", "json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["ok"] is True
    failed = run_subprocess("check", "--site", str(bad), "--today", TODAY)
    assert failed.returncode == 1
    assert "stories/a.md:1: " in failed.stdout
    assert "Traceback" not in failed.stdout + failed.stderr
