"""Counts read as English: one story, one point; the QI report says what a response
and an answer are."""

from __future__ import annotations

from sitekit import MakeSite, run_build, story

from storysite.receiver.charts import RunChart, analyse, describe
from storysite.receiver.report import HOW_TO_READ


def test_one_of_each_is_singular(make_site: MakeSite) -> None:
    kim = "people:\n  - name: Kim Lowe\n"
    site = make_site(
        {
            "a.md": story(title="Low tide", body="Kim Lowe came.", extra=kim),
            "b.md": story(title="Held", consent=""),
        }
    )
    first = run_build(site).output.splitlines()[0]
    assert first.startswith("Published 1 story, held 1; 1 replacement; ")
    assert " files written to " in first  # many files: plural


def test_a_run_chart_of_one_point(make_site: MakeSite) -> None:
    chart = RunChart("r", "Responses per month", "Responses", ("2026-11",), (3,))
    assert describe(chart, analyse(chart.values)).startswith(
        "Run chart of 1 point from 2026-11 to 2026-11."
    )
    two = RunChart("r", "Responses per month", "Responses", ("2026-10", "2026-11"), (3, 4))
    assert describe(two, analyse(two.values)).startswith("Run chart of 2 points ")


def test_the_report_explains_responses_and_answers() -> None:
    assert "A <strong>response</strong> is one feedback form sent" in HOW_TO_READ
    assert "the <strong>answers</strong> to a question (the Answers column)" in HOW_TO_READ
