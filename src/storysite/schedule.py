"""When the site changes by itself: the next day a story's consent rules give another
answer (a consent ends, a story's date or consent date arrives).

Nothing happens on that day unless the site is built again, so every build and check
names the day, and ``check --output`` notices a build that missed it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from storysite.consent import hold_reasons
from storysite.models import HoldReason, ScheduledChange, SourceStory

#: Hold rules that are a normal part of publishing: they do not fail a check, and
#: they are the only ones that change with the day.
CONSENT_RULES = frozenset(
    {"withdrawn", "draft", "future", "no-consent", "no-consent-date", "consent-not-yet", "expired"}
)


def changes_by_day(story: SourceStory) -> list[dt.date]:
    """The days on which this story's consent rules may give another answer."""
    consent = story.consent
    days = {story.date}
    if consent is not None:
        days.update(d for d in (consent.date, consent.expires) if d is not None)
    return sorted(days)


def first_change(story: SourceStory, after: dt.date) -> tuple[dt.date, bool] | None:
    """The first day after ``after`` on which the story goes on (True) or comes off
    (False) the website by the consent rules alone; None if it never does."""
    shown = not hold_reasons(story, after)
    for day in changes_by_day(story):
        if day > after and (not hold_reasons(story, day)) != shown:
            return day, not shown
    return None


def next_change(
    stories: Iterable[tuple[SourceStory, str, str, tuple[HoldReason, ...]]], after: dt.date
) -> tuple[ScheduledChange, ...]:
    """Every story that changes on the first day after ``after`` that any does.

    ``stories``: each story with its title and slug as readers see them and its hold
    reasons today. Stories held for any other reason (findings, the output gate) are
    left out: a date does not publish them, and their title may still hold a name."""
    found: list[ScheduledChange] = []
    for source, title, slug, reasons in stories:
        if any(r.rule not in CONSENT_RULES for r in reasons):
            continue
        change = first_change(source, after)
        if change is not None:
            found.append(ScheduledChange(change[0], title, slug, change[1]))
    if not found:
        return ()
    first = min(c.day for c in found)
    return tuple(sorted((c for c in found if c.day == first), key=lambda c: c.slug))


def describe(changes: tuple[ScheduledChange, ...], today: dt.date) -> list[str]:
    """The next change in plain words, with what to do about it."""
    if not changes:
        return [
            "Next change: none scheduled — no consent ends and no story is waiting for its date."
        ]
    day = changes[0].day
    days = (day - today).days
    when = "tomorrow" if days == 1 else f"in {days} days"
    lines = [f"Next change: on {day} ({when}), when the site is built that day:"]
    for change in changes:
        what = "goes on the website" if change.goes_on else "comes off the website"
        lines.append(f'  "{change.title}" (stories/{change.slug}/) {what}')
    lines.append("  Build the site every day so this happens on time (docs/hosting.md).")
    return lines
