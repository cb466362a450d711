"""Evaluate the undeclared-name detector: recall on names of many cultures, and false
findings on name-free prose.

- Recall: every person in ``corpus/eval_names.tsv`` (written for this evaluation from
  general knowledge, not taken from the detector's data) is put into a short
  first-person testimony in one of the sentence shapes below, with nobody declared.
  The name is caught when every part of it that the text shows lies inside a
  finding. Recall is reported per culture and per shape.
- Precision: every file of ``corpus/prose/`` (name-free prose in the voices of
  service users and staff, written for storysite) is anonymised as a story body;
  every finding there is false. The rate is per 10,000 words.

Run as a script to print the tables: ``.venv/bin/python tests/anonymise/detector_eval.py``
(``--no-name-lists`` measures the safe-list and context signals alone, without the
name lists). test_detector_eval.py asserts the targets.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from storysite.anonymise import Anonymiser
from storysite.config import SiteConfig
from storysite.models import Finding, SourceStory

CORPUS = Path(__file__).resolve().parent / "corpus"

#: (label, sentence). {full} is the whole name, {given} and {family} its parts.
SHAPES: tuple[tuple[str, str], ...] = (
    ("with X", "I went along with {full} to the first meeting, and I was glad I did."),
    ("X told me", "{full} told me it would get easier, and it did."),
    ("X's idea", "It was {given}'s idea to hold the group in the library."),
    ("role X", "My support worker {given} never once rushed me."),
    ("Dr X", "Dr {family} listened to every word before she said anything."),
    ("X and I", "{given} and I wrote the leaflet together over three evenings."),
    ("beside X", "At the crisis café I sat next to {full}, who made me a cup of tea."),
    ("thanks to X", "Thanks to {given}, I finally felt that somebody had heard me."),
    ("X had", "We were lucky: {full} had done the course the year before."),
    ("X was", "{given} was the first person who asked me what I wanted."),
    ("from X, a role", "The idea came from {family}, a peer worker on the ward."),
    ("role, X,", "My care coordinator, {full}, rang me every week that winter."),
    ("X gave", "I still keep the card {given} gave me on my last day."),
    ("X's noun", "{full}'s patience changed everything for me."),
    ("me and X", "Me and {given} ran the stall at the summer fair."),
    ("knew X", "Everyone at the allotment knew {given} by the end of June."),
)
_OPENING = "The first weeks were hard. "
_CLOSING = " Looking back, I would tell anyone to give the group a try."


@dataclass(frozen=True)
class Person:
    culture: str
    given: str
    family: str

    @property
    def full(self) -> str:
        return f"{self.given} {self.family}"


@dataclass(frozen=True)
class Case:
    person: Person
    shape: str
    text: str
    parts: tuple[str, ...]  # the words of the name that the text shows


@dataclass(frozen=True)
class Result:
    case: Case
    caught: bool
    findings: tuple[Finding, ...]


def people() -> list[Person]:
    with (CORPUS / "eval_names.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [Person(r["culture"], r["given"].strip(), r["family"].strip()) for r in rows]


def cases() -> Iterator[Case]:
    for number, person in enumerate(people()):
        label, sentence = SHAPES[number % len(SHAPES)]
        shown = sentence.format(full=person.full, given=person.given, family=person.family)
        used = [p for key, p in (("{full}", person.full), ("{given}", person.given),
                                 ("{family}", person.family)) if key in sentence]  # fmt: skip
        parts = tuple(w for part in used for w in part.split() if w[:1].isupper())
        yield Case(person, label, _OPENING + shown + _CLOSING, parts)


def _source(body: str) -> SourceStory:
    return SourceStory(
        path=Path("stories/case.md"),
        display_path="stories/case.md",
        title="What changed for me",
        date=dt.date(2024, 1, 1),
        body=body,
        body_line=10,
    )


def findings_of(anonymiser: Anonymiser, body: str) -> list[Finding]:
    _, found = anonymiser.story(_source(body))
    return found


def _caught(case: Case, found: list[Finding]) -> bool:
    words = {w.strip(".,;:'’") for f in found for w in f.word.replace("-", " ").split()}
    words |= {w.removesuffix("'s").removesuffix("’s") for w in words}
    return all(
        any(piece in words for piece in (part, part.removesuffix("'s")))
        or all(p in words for p in part.split("-"))
        for part in case.parts
    )


def recall() -> list[Result]:
    anonymiser = Anonymiser(SiteConfig(root=Path("."), title="Evaluation"))
    results = []
    for case in cases():
        found = findings_of(anonymiser, case.text)
        results.append(Result(case, _caught(case, found), tuple(found)))
    return results


def prose_findings() -> tuple[int, list[Finding]]:
    """(words of prose, findings on it)."""
    anonymiser = Anonymiser(SiteConfig(root=Path("."), title="Evaluation"))
    words = 0
    found: list[Finding] = []
    for path in sorted((CORPUS / "prose").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        words += len(text.split())
        for finding in findings_of(anonymiser, text):
            found.append(
                Finding(path.name, finding.line, finding.word, finding.why, "", finding.signal)
            )
    return words, found


def _table(title: str, results: list[Result], key: str) -> list[str]:
    totals: Counter[str] = Counter()
    caught: Counter[str] = Counter()
    for result in results:
        label = result.case.person.culture if key == "culture" else result.case.shape
        totals[label] += 1
        caught[label] += result.caught
    lines = [f"{title}:"]
    for label in sorted(totals, key=lambda k: (caught[k] / totals[k], k)):
        share = caught[label] / totals[label]
        lines.append(f"  {label:<22} {caught[label]:>4}/{totals[label]:<4} {share:7.1%}")
    return lines


def _missed(result: Result) -> str:
    sentence = result.case.text[len(_OPENING) : -len(_CLOSING)]
    return f"  [{result.case.person.culture}] {sentence} -> {[f.word for f in result.findings]}"


def report(results: list[Result], words: int, false: list[Finding]) -> str:
    hit = sum(r.caught for r in results)
    lines = [
        f"names: {len(results)} cases, {len({r.case.person.culture for r in results})} cultures, "
        f"{len(SHAPES)} sentence shapes",
        f"recall: {hit}/{len(results)} = {hit / len(results):.2%}",
        f"prose: {words} words, {len(false)} false findings = "
        f"{len(false) / words * 10_000:.2f} per 10,000 words",
        *_table("recall per shape", results, "shape"),
        *_table("recall per culture", results, "culture"),
        "missed:",
        *(
            f"  [{r.case.person.culture}] {r.case.text[len(_OPENING) : -len(_CLOSING)]} -> "
            f"{[f.word for f in r.findings]}"
            for r in results
            if not r.caught
        ),
        "false findings on prose:",
        *(f"  {f.path}:{f.line}: {f.word!r} ({f.signal})" for f in false),
    ]
    signals: defaultdict[str, int] = defaultdict(int)
    for result in results:
        for finding in result.findings:
            signals[finding.signal] += 1
    lines.append(
        "signals on the name cases: " + ", ".join(f"{k} {v}" for k, v in sorted(signals.items()))
    )
    return "\n".join(lines)


def main() -> int:
    if "--no-name-lists" in sys.argv:
        from storysite.anonymise import signals

        signals.given_names.cache_clear()
        signals.all_names.cache_clear()
        signals.given_names.__wrapped__ = lambda: frozenset()  # type: ignore[attr-defined]
        empty: frozenset[str] = frozenset()
        signals.given_names = lambda: empty  # type: ignore[assignment]
        signals.all_names = lambda: empty  # type: ignore[assignment]
        import storysite.anonymise.findings as findings

        findings.given_names = lambda: empty  # type: ignore[assignment]
        findings.all_names = lambda: empty  # type: ignore[assignment]
    results = recall()
    words, false = prose_findings()
    print(report(results, words, false))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
