"""The labelled set (cases.py) scored as evaluate.py scores it: no leak, no false finding."""

from __future__ import annotations

import pytest
from cases import CASES, CLEAN, Case
from evaluate import run_case, score


def test_the_set_is_large_enough_to_mean_something() -> None:
    assert len(CASES) >= 80
    assert len(CLEAN) >= 15


def test_recall_is_complete_and_no_clean_story_has_a_finding() -> None:
    result = score()
    assert result.problems == ()
    assert result.name_recall == 1.0
    assert result.identifier_recall == 1.0
    assert result.false_on_clean == 0
    assert result.finding_precision == 1.0


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.text[:40])
def test_each_case(case: Case) -> None:
    outcome = run_case(case)
    assert outcome.leaked() == []
    assert outcome.lost() == []
    assert sorted(set(outcome.findings)) == sorted(set(case.findings))


def test_the_scorer_sees_a_leak() -> None:
    """The evaluation can fail: an undeclared person is not removed, and it says so."""
    outcome = run_case(Case("We met Jane Doe.", people=(), removed=("Jane",)))
    assert outcome.leaked() == ["Jane"]
