"""`storysite check`: everything a build decides, without touching the site's output.

The survey runs the real build into a temporary folder that is removed at once, so
check, the consent register and a build can never disagree about a story.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storysite.build import Decision, build_site
from storysite.config import CONFIG_NAME, SiteConfig, load_config
from storysite.errors import ContentErrors, Problem, StorySiteError
from storysite.models import BuildReport, Finding, HoldReason

#: Hold rules that are a normal part of publishing: they do not fail a check.
CONSENT_RULES = frozenset(
    {"withdrawn", "draft", "future", "no-consent", "no-consent-date", "consent-not-yet", "expired"}
)
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
class Survey:
    today: dt.date
    errors: tuple[Problem, ...] = ()
    stories: tuple[StoryStatus, ...] = ()
    report: BuildReport | None = None
    config: SiteConfig | None = None

    @property
    def ok(self) -> bool:
        """No errors, no findings, and nothing held except by the consent rules."""
        return not self.errors and not self.findings and not any(s.unsafe for s in self.stories)

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


def survey(site_dir: Path, today: dt.date) -> Survey:
    """Decide every story as a build would, in a throwaway folder."""
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
    return Survey(today, stories=stories, report=report, config=config)


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
            f"{status.path}: consent ends on {day} (in {days} days) — ask the storyteller "
            "whether to renew it, or the story will be held from that day"
        )
    for status in result.stories:
        count = len(status.decision.story.replacements)
        if status.published and count:
            lines.append(f"{status.path}: published with {count} replacements")
    lines.append(summary(result))
    return lines


def summary(result: Survey) -> str:
    if result.errors:
        count = len(result.errors)
        return f"Check failed: {count} {'error' if count == 1 else 'errors'} to fix."
    published = sum(s.published for s in result.stories)
    held = len(result.stories) - published
    findings = len(result.findings)
    verdict = "OK" if result.ok else "Check failed"
    return (
        f"{verdict}: {len(result.stories)} stories, {published} would be published, "
        f"{held} held; {findings} findings."
    )
