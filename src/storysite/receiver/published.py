"""Which stories the site publishes, read from the built site's search index.

The receiver takes feedback only for a slug in `search-index.json`, the file the
build writes beside the pages. It lists published stories only, so the receiver
never needs (or learns) the slug of a held story. The file is read again whenever
the build replaces it.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path

from .sitecfg import SiteError

INDEX_NAME = "search-index.json"
STORY_PREFIX = "stories/"

log = logging.getLogger("storysite.receiver")


class PublishedStories:
    """The published slugs, refreshed when the index file changes (inode, size, time)."""

    def __init__(self, output: Path) -> None:
        self.index = output / INDEX_NAME
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._slugs: frozenset[str] | None = None

    def slugs(self) -> frozenset[str] | None:
        """The slugs, or None while no index has ever been readable."""
        with self._lock:
            try:
                info = os.stat(self.index)
                stamp = (info.st_ino, info.st_size, info.st_mtime_ns)
                if stamp != self._stamp:
                    self._slugs = read_slugs(self.index)
                    self._stamp = stamp
            except (OSError, SiteError) as exc:
                # Keep the last good list: a build swapping its output is not an outage.
                log.warning("cannot read the published stories: %s", exc)
            return self._slugs


def read_slugs(index: Path) -> frozenset[str]:
    """The slug of every story URL (`stories/<slug>/`) in a search index."""
    try:
        data = json.loads(index.read_bytes())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SiteError(f"{index} is not a storysite search index: {exc}") from exc
    stories = data.get("stories") if isinstance(data, dict) else None
    if not isinstance(stories, list):
        raise SiteError(f"{index} is not a storysite search index: no 'stories' list")
    slugs = set()
    for entry in stories:
        url = entry.get("url") if isinstance(entry, dict) else None
        if isinstance(url, str) and url.startswith(STORY_PREFIX) and url.endswith("/"):
            slugs.add(url[len(STORY_PREFIX) : -1])
    return frozenset(slugs)
