"""`storysite consent`: the consent register, one row per story, for audits.

The register may be printed and passed around, so it shows people only as readers
see them: ``shown_as`` or the placeholder for anyone with ``named: false``. File
names are checked for protected names too, since a file is often named after its title.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import asdict, dataclass

from storysite.anonymise.names import NameIndex, NameMatcher
from storysite.check import Survey
from storysite.config import SiteConfig
from storysite.models import Consent, Person

COLUMNS = (
    "file",
    "title",
    "status",
    "reason",
    "consent_date",
    "expires",
    "withdrawn",
    "people",
    "replacements",
)


@dataclass(frozen=True)
class Row:
    file: str
    title: str
    status: str
    reason: str
    consent_date: str
    expires: str
    withdrawn: str
    people: str
    replacements: int


def rows(result: Survey) -> list[Row]:
    """One row per story; empty when the survey found errors."""
    config = result.config
    if config is None or result.errors:
        return []
    register = NameIndex.of_people(config.register, config.allow)
    people = [p for s in result.stories for p in s.decision.story.source.people]
    matcher = NameMatcher([register, NameIndex.of_people(people)])
    found = []
    for status in result.stories:
        source = status.decision.story.source
        consent = source.consent or Consent()
        found.append(
            Row(
                file=mask(source.display_path, matcher, config.placeholder),
                title=status.title,
                status="published" if status.published else "held",
                reason="; ".join(r.message for r in status.reasons),
                consent_date=_day(consent.date),
                expires=_day(consent.expires),
                withdrawn=_withdrawn(consent.withdrawn),
                people="; ".join(_person(p, config) for p in source.people),
                replacements=len(status.decision.story.replacements),
            )
        )
    return found


def mask(text: str, matcher: NameMatcher, placeholder: str) -> str:
    """``text`` with every protected name (any letter case) swapped for the placeholder."""
    parts: list[str] = []
    position = 0
    for match in matcher.find(text, parts_any_case=True):
        parts.append(text[position : match.start])
        parts.append(placeholder)
        position = match.end
    parts.append(text[position:])
    return "".join(parts)


def _person(person: Person, config: SiteConfig) -> str:
    if person.named:
        return person.name
    return person.shown_as or config.placeholder


def _day(day: dt.date | None) -> str:
    return day.isoformat() if day is not None else ""


def _withdrawn(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return "yes" if value is True else ""


def as_csv(found: list[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in found:
        writer.writerow(asdict(row))
    return buffer.getvalue()


def as_json(found: list[Row]) -> str:
    return json.dumps([asdict(row) for row in found], indent=2, ensure_ascii=False)


def as_table(found: list[Row]) -> str:
    """Columns padded to line up, for reading at a terminal."""
    header = [c.replace("_", " ") for c in COLUMNS]
    cells = [header] + [[str(v) for v in asdict(row).values()] for row in found]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    lines = ["  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)) for line in cells]
    return "\n".join(line.rstrip() for line in lines) + "\n"
