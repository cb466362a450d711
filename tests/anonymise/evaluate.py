"""Score the anonymiser on the labelled set in cases.py.

Run it as a script (``.venv/bin/python tests/anonymise/evaluate.py``) to print recall
on declared names and identifiers (both must be 100 %) and the precision of findings;
test_evaluation.py asserts the same numbers.
"""

from __future__ import annotations

import datetime as dt
import html
import sys
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))

from cases import CASES, CLEAN, Case

from storysite.anonymise import Anonymiser
from storysite.config import SiteConfig, person_from_mapping
from storysite.markup import MarkdownRenderer
from storysite.models import Person, SourceStory

_RENDERER = MarkdownRenderer()


@dataclass(frozen=True)
class Outcome:
    case: Case
    published: str  # the rendered HTML and the same with entities decoded
    findings: tuple[str, ...]

    def leaked(self) -> list[str]:
        return [s for s in self.case.removed if s in self.published]

    def lost(self) -> list[str]:
        return [s for s in self.case.kept if s not in self.published]


def _person(spec: dict[str, object]) -> Person:
    person, why = person_from_mapping(spec, "stories/case.md", 5)
    assert person is not None, why
    return person


def run_case(case: Case) -> Outcome:
    config = SiteConfig(root=Path("."), title="Evaluation", allow=case.allow)
    source = SourceStory(
        path=Path("stories/case.md"),
        display_path="stories/case.md",
        title="A story",
        date=dt.date(2020, 1, 1),
        body=case.text,
        body_line=12,
        people=tuple(_person(p) for p in case.people),
    )
    anonymiser = Anonymiser(config)
    story, findings = anonymiser.story(source)
    markup = _RENDERER.render(story.body, [anonymiser.tree_pass(story)])
    published = markup.html + "\n" + html.unescape(markup.html) + "\n" + markup.text
    return Outcome(case, published, tuple(f.word for f in findings))


@dataclass(frozen=True)
class Score:
    name_recall: float
    identifier_recall: float
    finding_precision: float
    finding_recall: float
    false_on_clean: int
    kept_ok: float
    problems: tuple[str, ...]


def score() -> Score:
    outcomes = [run_case(c) for c in CASES]
    clean = [run_case(c) for c in CLEAN]
    problems: list[str] = []
    totals = {"name": [0, 0], "identifier": [0, 0]}
    for outcome in outcomes:
        bucket = totals[outcome.case.kind]
        bucket[0] += len(outcome.case.removed)
        bucket[1] += len(outcome.case.removed) - len(outcome.leaked())
        for leak in outcome.leaked():
            problems.append(f"LEAK {leak!r} in {outcome.case.text!r}")
    kept_total = sum(len(o.case.kept) for o in outcomes + clean)
    kept_lost = 0
    for outcome in outcomes + clean:
        for lost in outcome.lost():
            kept_lost += 1
            problems.append(f"CHANGED {lost!r} in {outcome.case.text!r}")
    expected = sum(len(o.case.findings) for o in outcomes)
    reported = sum(len(o.findings) for o in outcomes + clean)
    right = 0
    for outcome in outcomes + clean:
        for word in outcome.findings:
            if word in outcome.case.findings:
                right += 1
            else:
                problems.append(f"FALSE FINDING {word!r} in {outcome.case.text!r}")
        for word in outcome.case.findings:
            if word not in outcome.findings:
                problems.append(f"MISSED FINDING {word!r} in {outcome.case.text!r}")
    found_expected = sum(1 for o in outcomes for word in o.case.findings if word in o.findings)
    return Score(
        name_recall=_ratio(totals["name"][1], totals["name"][0]),
        identifier_recall=_ratio(totals["identifier"][1], totals["identifier"][0]),
        finding_precision=_ratio(right, reported),
        finding_recall=_ratio(found_expected, expected),
        false_on_clean=sum(len(o.findings) for o in clean),
        kept_ok=_ratio(kept_total - kept_lost, kept_total),
        problems=tuple(problems),
    )


def _ratio(part: int, whole: int) -> float:
    return 1.0 if whole == 0 else part / whole


def main() -> int:
    result = score()
    print(f"cases: {len(CASES)} labelled, {len(CLEAN)} clean stories")
    print(f"recall, declared names:   {result.name_recall:.1%}")
    print(f"recall, identifiers:      {result.identifier_recall:.1%}")
    print(f"findings, precision:      {result.finding_precision:.1%}")
    print(f"findings, recall:         {result.finding_recall:.1%}")
    print(f"false findings on clean:  {result.false_on_clean}")
    print(f"traps left untouched:     {result.kept_ok:.1%}")
    for problem in result.problems:
        print("  " + problem)
    return 0 if not result.problems else 1


if __name__ == "__main__":
    raise SystemExit(main())
