"""The consent gate: a story publishes on day D only when every rule holds.

Each rule that fails gives a HoldReason in words a non-programmer understands.
"""

from __future__ import annotations

import datetime as dt

from storysite.models import HoldReason, SourceStory


def hold_reasons(story: SourceStory, today: dt.date) -> tuple[HoldReason, ...]:
    """Every consent rule ``story`` fails on ``today``; empty when it may be published."""
    reasons: list[HoldReason] = []
    consent = story.consent
    if consent is not None and consent.withdrawn not in (None, False):
        when = f" on {consent.withdrawn}" if isinstance(consent.withdrawn, dt.date) else ""
        reasons.append(
            HoldReason(
                "withdrawn",
                f"consent was withdrawn{when}; it stays unpublished until new consent is recorded",
            )
        )
    if story.draft:
        reasons.append(HoldReason("draft", "it is a draft (draft: true)"))
    if story.date > today:
        reasons.append(
            HoldReason(
                "future",
                f"its date {story.date} is after today "
                f"({today}); it will be published from that day",
            )
        )
    if consent is None or consent.publish is not True:
        reasons.append(
            HoldReason(
                "no-consent",
                "consent to publish is not recorded — consent: publish: true is needed",
            )
        )
    elif consent.date is None:
        reasons.append(
            HoldReason(
                "no-consent-date",
                "the day consent was given is missing — add consent: date: YYYY-MM-DD",
            )
        )
    elif consent.date > today:
        reasons.append(
            HoldReason("consent-not-yet", f"consent is dated {consent.date}, after today ({today})")
        )
    if consent is not None and consent.expires is not None and consent.expires <= today:
        reasons.append(HoldReason("expired", f"consent expired on {consent.expires}"))
    return tuple(reasons)
