"""`storysite rollback`: put back the site the last build replaced (``output.previous``).

A rollback must never undo a withdrawal: before the swap, every story page of the
previous site is matched to a story a build would publish today, and every file of
it is checked by the output gate for the names that are protected today. Anything
else refuses the rollback, with the reason, and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from storysite.audit import Gate
from storysite.build import decide, gate_check
from storysite.config import SiteConfig
from storysite.models import OutputFile
from storysite.writing import built_on, swap_back

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif")


def roll_back(config: SiteConfig, output: Path, today: dt.date) -> dt.date | None:
    """Swap ``output`` and ``output.previous`` once the previous site is safe to show
    today. Returns the day the site now in ``output`` was built (None if not recorded)."""
    swap_back(output, lambda previous: check_previous(config, previous, today))
    return built_on(output)


def check_previous(config: SiteConfig, previous: Path, today: dt.date) -> None:
    """Raise RollbackRefused when the previous site shows anything a build today would
    not: a story now held (or gone), or a name protected today."""
    decisions, gate = decide(config, today)
    by_slug = {d.story.slug: d for d in decisions}
    problems: list[str] = []
    for slug in sorted(_story_slugs(previous)):
        decision = by_slug.get(slug)
        if decision is None:
            problems.append(
                f"the story at stories/{slug}/ is in the previous site, but no story file "
                "makes that page today (it was removed, or its title or slug changed)"
            )
            continue
        path = decision.story.source.display_path
        leak = gate_check(gate, decision) if decision.published else None
        reasons = decision.reasons + ((leak,) if leak else ())
        for reason in reasons:
            problems.append(f"{path}: held today — {reason.message}")
    if not problems:
        problems = _leaking_files(gate, previous)
    if problems:
        raise RollbackRefused(problems)


def _story_slugs(site: Path) -> set[str]:
    folder = site / "stories"
    if not folder.is_dir():
        return set()
    return {p.parent.name for p in folder.glob("*/index.html")}


def _leaking_files(gate: Gate, site: Path) -> list[str]:
    """Files of ``site`` that show a name protected today (the register or a story's
    people may have grown since it was built), or an identifier. The gate reads every
    file with every protected name, as the build reads them."""
    found = []
    for file in sorted(p for p in site.rglob("*") if p.is_file()):
        relative = file.relative_to(site).as_posix()
        kind = "image" if file.suffix.lower() in IMAGE_SUFFIXES else "page"
        content = b"" if kind == "image" else file.read_bytes()
        leak = gate.file_leak(OutputFile(relative, content, kind=kind))
        if leak is not None:
            found.append(f"{relative} in the previous site shows {leak.what} today")
    return found


class RollbackRefused(Exception):
    """The previous site may not be shown again: ``problems`` say why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems
