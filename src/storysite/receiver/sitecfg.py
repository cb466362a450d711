"""What the receiver reads from a site: base URL, consent version, public story titles."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from urllib.parse import urlsplit


class SiteError(Exception):
    """A problem with the site directory worth a one-line message."""


def normalise_base(url: str) -> str:
    """An absolute http(s) URL or an absolute path, always ending in '/'."""
    url = url.strip()
    parts = urlsplit(url)
    absolute = parts.scheme in ("http", "https") and bool(parts.netloc)
    if not (absolute or (not parts.scheme and not parts.netloc and url.startswith("/"))):
        raise SiteError(f"base URL must be an http(s) URL or a path starting with '/': {url!r}")
    if parts.query or parts.fragment:
        raise SiteError(f"base URL must not have a query or fragment: {url!r}")
    return url if url.endswith("/") else url + "/"


def read_base_url(site: Path) -> str | None:
    """`[site] base_url` from site/storysite.toml; None when it is not set."""
    config = site / "storysite.toml"
    try:
        data = tomllib.loads(config.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SiteError(f"no storysite.toml in {site}") from exc
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SiteError(f"cannot read {config}: {exc}") from exc
    section = data.get("site")
    value = section.get("base_url") if isinstance(section, dict) else None
    if not isinstance(value, str) or not value.strip():
        return None
    return normalise_base(value)


def read_consent_version(site: Path) -> str | None:
    """`[newsletter] consent_version` from site/storysite.toml; when it is not set, the
    build's default, which is what the site's forms then send."""
    from storysite.config import SiteConfig

    config = site / "storysite.toml"
    try:
        data = tomllib.loads(config.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    section = data.get("newsletter")
    value = section.get("consent_version") if isinstance(section, dict) else None
    if value is None:
        return SiteConfig(root=site, title="").newsletter_consent_version
    if not isinstance(value, str | int):
        return None
    return str(value).strip() or None


def read_story_titles(site: Path, today: dt.date | None = None) -> dict[str, str]:
    """Slug to title for every story the site would publish today.

    Titles come through the build's own pipeline (consent, anonymiser, leak gate),
    so the report shows exactly the public, anonymised title - never a raw one.
    Held stories are left out: the report then shows their slug only.
    """
    from storysite.build import decide
    from storysite.config import load_config
    from storysite.errors import StorySiteError

    try:
        decisions, gate = decide(load_config(site), today or dt.date.today())
    except StorySiteError as exc:
        raise SiteError(f"cannot read the stories in {site}: {exc.format_message()}") from exc
    titles: dict[str, str] = {}
    for decision in decisions:
        story = decision.story
        if not decision.published:
            continue
        matcher = gate.story_matcher(story.source)
        if not gate.leaks(matcher, f"stories/{story.slug}/", [story.title]):
            titles[story.slug] = story.title
    return titles
