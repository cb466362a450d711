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
import textwrap
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
    "reference",
)
#: The table at a terminal: what an auditor needs to go from a row to the signed form.
#: The other columns are in ``--wide``, the CSV and the JSON.
NARROW = ("file", "reference", "status", "consent_date", "expires", "withdrawn", "reason")
#: Columns whose text may be wrapped onto more lines to fit the width.
WRAPPABLE = ("file", "reference", "reason", "title", "people")
TABLE_WIDTH = 100
MIN_WRAPPED = 12


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
    reference: str


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
                reference=mask(consent.reference, matcher, config.placeholder),
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


def as_table(found: list[Row], wide: bool = False) -> str:
    """Columns lined up, for reading at a terminal. By default the audit columns fit
    100 characters, long cells wrapped onto more lines (rows then have a blank line
    between them); ``wide``: every column, each row on one line."""
    columns = COLUMNS if wide else NARROW
    header = [c.replace("_", " ") for c in columns]
    cells = [[str(getattr(row, c)) for c in columns] for row in found]
    widths = [max(len(line[i]) for line in [header, *cells]) for i in range(len(columns))]
    if not wide:
        widths = _fit(columns, widths, TABLE_WIDTH)
    wrapped = any(len(cell) > w for line in cells for cell, w in zip(line, widths, strict=True))
    lines = _table_lines(header, widths)
    for line in cells:
        if wrapped:
            lines.append("")
        lines.extend(_table_lines(line, widths))
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _fit(columns: tuple[str, ...], widths: list[int], limit: int) -> list[int]:
    """Narrow the widest wrappable column, a character at a time, until the table fits."""
    widths = list(widths)
    while sum(widths) + 2 * (len(widths) - 1) > limit:
        candidates = [
            i for i, c in enumerate(columns) if c in WRAPPABLE and widths[i] > MIN_WRAPPED
        ]
        if not candidates:
            break
        widest = max(candidates, key=lambda i: widths[i])
        widths[widest] -= 1
    return widths


def _table_lines(cells: list[str], widths: list[int]) -> list[str]:
    """One row, as many lines as its most wrapped cell needs."""
    pieces = [
        textwrap.wrap(cell, width, break_on_hyphens=False) or [""] if len(cell) > width else [cell]
        for cell, width in zip(cells, widths, strict=True)
    ]
    height = max(len(p) for p in pieces)
    return [
        "  ".join(
            (p[n] if n < len(p) else "").ljust(w) for p, w in zip(pieces, widths, strict=True)
        )
        for n in range(height)
    ]
