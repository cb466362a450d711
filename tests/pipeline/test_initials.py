"""Initials of a person declared named: true are not findings; a protected person's are."""

from __future__ import annotations

import json

from click.testing import CliRunner
from sitekit import TODAY, MakeSite, story

from storysite.cli import main

SAM = "people:\n  - name: Sam Rivera\n    named: true\n"
SARA = "  - name: Sara Reed\n    named: false\n    shown_as: a carer\n"


def findings(make_site: MakeSite, people: str) -> list[str]:
    site = make_site(
        {"a.md": story(title="The forum", body="S.R. chaired the meeting.", extra=people)}
    )
    result = CliRunner().invoke(
        main, ["check", "--site", str(site), "--today", TODAY, "--format", "json"]
    )
    return [f["word"] for f in json.loads(result.output)["findings"]]


def test_a_named_persons_initials_are_not_a_finding(make_site: MakeSite) -> None:
    assert findings(make_site, SAM) == []


def test_a_protected_persons_initials_are_still_a_finding(make_site: MakeSite) -> None:
    protected = "people:\n" + SARA
    assert findings(make_site, protected) == ["S.R."]


def test_initials_shared_by_a_named_and_a_protected_person_stay_a_finding(
    make_site: MakeSite,
) -> None:
    assert findings(make_site, SAM + SARA) == ["S.R."]
