"""`storysite check`: everything a build decides, without touching the site's output.

The survey runs the real build into a temporary folder that is removed at once, so
check, the consent register and a build can never disagree about a story.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storysite.audit import Gate
from storysite.build import Decision, build_site, plural
from storysite.config import CONFIG_NAME, SiteConfig, load_config
from storysite.errors import ContentErrors, Problem, StorySiteError
from storysite.models import BuildReport, Finding, HoldReason, OutputFile, ScheduledChange
from storysite.pictures import OUTPUT_FOLDER as PICTURES
from storysite.schedule import CONSENT_RULES, describe, next_change
from storysite.writing import MARKER, built_on

EXPIRY_WARNING_DAYS = 30
HIDDEN_TITLE = "(title hidden until the anonymiser's questions are resolved)"


@dataclass(frozen=True)
class StoryStatus:
    """One story as a build on ``today`` would treat it."""

    decision: Decision
    reasons: tuple[HoldReason, ...]

    @property
    def published(self) -> bool:
        return not self.reasons

    @property
    def path(self) -> str:
        return self.decision.story.source.display_path

    @property
    def unsafe(self) -> bool:
        """Held for a reason other than consent: the anonymised text may still hold a name."""
        return any(r.rule not in CONSENT_RULES for r in self.reasons)

    @property
    def title(self) -> str:
        """The anonymised title, or a stand-in when it may still hold a name."""
        return HIDDEN_TITLE if self.unsafe else self.decision.story.title


@dataclass(frozen=True)
class OutputAge:
    """Whether a built site (``check --output``) is as a build today would make it."""

    path: Path
    built: dt.date | None  # None: no build record (not built by this storysite)
    due: tuple[ScheduledChange, ...] = ()  # changes due since it was built
    extra: tuple[str, ...] = ()  # titles of stories it shows that today's build would not
    #: Files of it (paths inside it) that show what the final check stops, and what.
    leaks: tuple[tuple[str, str], ...] = ()

    @property
    def up_to_date(self) -> bool:
        return self.built is not None and not self.due and not self.extra and not self.leaks

    def lines(self) -> list[str]:
        where = str(self.path)
        if self.built is None:
            return [
                f"{where}: no record of when this site was built (it is not a site that "
                "this version of storysite built) — build it with storysite build"
            ]
        found = []
        for change in self.due:
            what = "went on" if change.goes_on else "came off"
            found.append(
                f'{where}: built on {self.built}, but "{change.title}" '
                f"(stories/{change.slug}/) {what} the website on {change.day} — build the "
                "site now, and every day (see docs/hosting.md)"
            )
        for title in self.extra:
            found.append(
                f'{where}: shows "{title}", which a build today would not publish — '
                "build the site now"
            )
        for path, what in self.leaks:
            found.append(
                f"{where}/{path}: shows {what}, which no build writes (was the file changed "
                "in the output by hand?) — build the site with storysite build --no-cache"
            )
        return found or [f"{where}: up to date (built on {self.built})."]


@dataclass(frozen=True)
class Survey:
    today: dt.date
    errors: tuple[Problem, ...] = ()
    stories: tuple[StoryStatus, ...] = ()
    report: BuildReport | None = None
    config: SiteConfig | None = None
    output: OutputAge | None = None

    @property
    def ok(self) -> bool:
        """No errors, no findings, nothing held except by the consent rules, and the
        built site (when one was named) up to date."""
        if self.output is not None and not self.output.up_to_date:
            return False
        return not self.errors and not self.findings and not any(s.unsafe for s in self.stories)

    @property
    def next_change(self) -> tuple[ScheduledChange, ...]:
        return self.report.next_change if self.report is not None else ()

    @property
    def findings(self) -> list[Finding]:
        return [f for s in self.stories for f in s.decision.findings]

    def findings_by_word(self) -> list[tuple[str, list[str]]]:
        """Each word found, with the stories it was found in, most stories first: one
        decision (declare, or allow) often resolves it everywhere."""
        stories: dict[str, dict[str, None]] = {}
        for finding in self.findings:
            stories.setdefault(finding.word, {})[finding.path] = None
        grouped = [(word, list(paths)) for word, paths in stories.items()]
        return sorted(grouped, key=lambda item: (-len(item[1]), item[0].casefold()))

    def expiring(self) -> list[tuple[StoryStatus, dt.date]]:
        """Stories whose consent ends within the warning window (and has not yet ended)."""
        limit = self.today + dt.timedelta(days=EXPIRY_WARNING_DAYS)
        found = []
        for status in self.stories:
            consent = status.decision.story.source.consent
            expires = consent.expires if consent is not None else None
            if expires is not None and self.today < expires <= limit:
                found.append((status, expires))
        return found


def survey(site_dir: Path, today: dt.date, output: Path | None = None) -> Survey:
    """Decide every story as a build would, in a throwaway folder. With ``output``,
    also say whether that built site is what a build today would make."""
    try:
        config = load_config(site_dir)
    except ContentErrors as error:
        return Survey(today, errors=error.problems)
    decisions: list[Decision] = []
    with tempfile.TemporaryDirectory(prefix="storysite-check-") as temp:
        try:
            report = build_site(
                config, today, Path(temp) / "site", on_story=lambda d, _n: decisions.append(d)
            )
        except ContentErrors as error:
            return Survey(today, errors=error.problems, config=config)
        except StorySiteError as error:
            problem = Problem(CONFIG_NAME, None, error.format_message())
            return Survey(today, errors=(problem,), config=config)
    held = {h.story.display_path: h.reasons for h in report.held}
    stories = tuple(
        StoryStatus(d, held.get(d.story.source.display_path, ()))
        for d in sorted(decisions, key=lambda d: d.story.source.display_path)
    )
    age = None
    if output is not None:
        gate = Gate(config, [d.story.source for d in decisions])
        age = output_age(output, stories, today, gate)
    return Survey(today, stories=stories, report=report, config=config, output=age)


def output_age(
    output: Path, stories: tuple[StoryStatus, ...], today: dt.date, gate: Gate
) -> OutputAge:
    """Compare a built site with today's decisions: the changes due since its build
    day, stories it shows that a build today holds (or no longer has), and files that
    show what the build's final check stops, read as they are on disk (a build keeps
    the last site's unchanged files by their size, time and inode, unread)."""
    built = built_on(output)
    if built is None:
        return OutputAge(output, None)
    leaks = tuple(_stopped_files(output, gate))
    due: tuple[ScheduledChange, ...] = ()
    if built < today:
        upcoming = next_change(
            ((s.decision.story.source, s.title, s.decision.story.slug, s.reasons) for s in stories),
            built,
        )
        due = tuple(c for c in upcoming if c.day <= today)
    shown = {p.parent.name for p in (output / "stories").glob("*/index.html")}
    published = {s.decision.story.slug for s in stories if s.published}
    by_slug = {s.decision.story.slug: s.title for s in stories}
    extra = tuple(
        by_slug.get(slug, f"stories/{slug}/ (no story file makes it now)")
        for slug in sorted(shown - published)
    )
    return OutputAge(output, built, due, extra, leaks)


def _stopped_files(output: Path, gate: Gate) -> Iterator[tuple[str, str]]:
    """Each file of ``output`` that shows what the final check stops (a name that must
    stay private, a phone number...), with what it shows."""
    for path in sorted(p for p in output.rglob("*") if p.is_file() and p != output / MARKER):
        relative = path.relative_to(output).as_posix()
        kind = "image" if relative.startswith(f"{PICTURES}/") else "page"
        leak = gate.file_leak(OutputFile(relative, path.read_bytes(), kind=kind))
        if leak is not None:
            yield relative, leak.what


def as_json(result: Survey) -> dict[str, Any]:
    """The check as data. The keys are a contract: see docs/commands.md."""
    return {
        "ok": result.ok,
        "today": result.today.isoformat(),
        "errors": [{"path": p.path, "line": p.line, "message": p.message} for p in result.errors],
        "held": [
            {
                **_story_keys(s),
                "reasons": [{"rule": r.rule, "message": r.message} for r in s.reasons],
            }
            for s in result.stories
            if not s.published
        ],
        "findings": [
            {
                "path": f.path,
                "line": f.line,
                "word": f.word,
                "signal": f.signal,
                "why": f.why,
                "fix": f.fix,
            }
            for f in result.findings
        ],
        "findings_by_word": [
            {"word": word, "stories": paths} for word, paths in result.findings_by_word()
        ],
        "expiring": [
            {
                **_story_keys(s),
                "expires": day.isoformat(),
                "days_left": (day - result.today).days,
            }
            for s, day in result.expiring()
        ],
        "replaced": [
            {**_story_keys(s), "replacements": len(s.decision.story.replacements)}
            for s in result.stories
            if s.published and s.decision.story.replacements
        ],
        "published": [_story_keys(s) for s in result.stories if s.published],
        "warnings": list(result.report.warnings) if result.report is not None else [],
        "next_change": _change_keys(result.next_change),
        "output": _output_keys(result.output),
    }


def _change_keys(changes: tuple[ScheduledChange, ...]) -> dict[str, Any] | None:
    if not changes:
        return None
    return {
        "date": changes[0].day.isoformat(),
        "stories": [
            {"slug": c.slug, "title": c.title, "change": "on" if c.goes_on else "off"}
            for c in changes
        ],
    }


def _output_keys(age: OutputAge | None) -> dict[str, Any] | None:
    if age is None:
        return None
    return {
        "path": str(age.path),
        "built": age.built.isoformat() if age.built else None,
        "up_to_date": age.up_to_date,
        "due": [
            {
                "date": c.day.isoformat(),
                "slug": c.slug,
                "title": c.title,
                "change": "on" if c.goes_on else "off",
            }
            for c in age.due
        ],
        "not_published_today": list(age.extra),
        "files_stopped": [{"path": path, "shows": what} for path, what in age.leaks],
    }


def _story_keys(status: StoryStatus) -> dict[str, Any]:
    return {"path": status.path, "slug": status.decision.story.slug, "title": status.title}


def as_text(result: Survey) -> list[str]:
    """One line per thing to know, ``path:line:`` first, then a one-line summary."""
    lines = [str(p) for p in result.errors]
    for status in result.stories:
        for reason in status.reasons:
            lines.append(f"{status.path}: held — {reason.message}")
    lines.extend(str(f) for f in result.findings)
    grouped = result.findings_by_word()
    if grouped:
        lines.append("Findings by word (one decision may resolve each everywhere):")
        for word, paths in grouped:
            stories = "story" if len(paths) == 1 else "stories"
            lines.append(f"  {word}: {len(paths)} {stories} ({', '.join(paths)})")
    for status, day in result.expiring():
        days = (day - result.today).days
        lines.append(
            f"{status.path}: consent ends on {day} (in {plural(days, 'day')}) — ask the "
            "storyteller "
            "whether to renew it, or the story will be held from that day"
        )
    for status in result.stories:
        count = len(status.decision.story.replacements)
        if status.published and count:
            lines.append(f"{status.path}: published with {plural(count, 'replacement')}")
    if result.report is not None:
        lines.extend(f"warning: {w}" for w in result.report.warnings)
        lines.extend(describe(result.next_change, result.today))
    if result.output is not None:
        lines.extend(result.output.lines())
    lines.append(summary(result))
    return lines


def summary(result: Survey) -> str:
    if result.errors:
        return f"Check failed: {plural(len(result.errors), 'error')} to fix."
    published = sum(s.published for s in result.stories)
    held = len(result.stories) - published
    verdict = "OK" if result.ok else "Check failed"
    stale = (
        "; the built site is out of date"
        if result.output is not None and not result.output.up_to_date
        else ""
    )
    return (
        f"{verdict}: {plural(len(result.stories), 'story', 'stories')}, {published} would "
        f"be published, {held} held; {plural(len(result.findings), 'finding')}{stale}."
    )
