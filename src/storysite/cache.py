"""The build cache: each story's HTML, reused while nothing that shapes it has changed.

Only the expensive, day-independent step is kept: Markdown -> HTML of the anonymised
body, with the anonymiser's pass over the parsed tree and the sanitiser. Consent, the
anonymiser's decisions and the output gate run on every build, so a withdrawn or
expired consent takes effect on the very next build whatever the cache holds.

An entry's key is a hash of everything its HTML depends on: the anonymised body, the
story's people, whether it needs the notice, the whole site configuration (register,
allow list, placeholder, notice, replacements), the versions of storysite (and a hash
of its source), Python-Markdown and nh3. The cache lives in one SQLite file in
``<site>/.storysite-cache/``. It is never trusted: every entry carries a checksum, a
file of another format or version is emptied, and on any error the story is simply
rendered again. Nothing is unpickled: entries are plain text.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Iterable
from functools import cache
from importlib import metadata
from pathlib import Path

import markdown

from storysite import __version__
from storysite.config import SiteConfig
from storysite.markup import Markup
from storysite.models import AnonymisedStory
from storysite.writing import MARKER, previous_of

CACHE_DIR = ".storysite-cache"
FORMAT = "storysite-markup-cache 2"
_FILE = "markup.sqlite3"
#: The modules (besides anonymise/) whose code shapes a story's HTML.
_SHAPING = ("cache.py", "markup.py", "models.py", "_seal.py")


def cache_dir(site_root: Path) -> Path:
    return site_root / CACHE_DIR


@cache
def code_fingerprint() -> str:
    """A hash of the code that makes a story's HTML (those modules of storysite, and
    the versions of Python-Markdown and nh3): a change to any is a different cache."""
    digest = hashlib.sha256(f"{FORMAT}\0{__version__}\0{markdown.__version__}".encode())
    with contextlib.suppress(metadata.PackageNotFoundError):
        digest.update(metadata.version("nh3").encode())
    package = Path(__file__).parent
    shaping = [package / name for name in _SHAPING] + sorted((package / "anonymise").glob("*.py"))
    for path in shaping:
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def config_fingerprint(config: SiteConfig) -> str:
    return hashlib.sha256(f"{code_fingerprint()}\0{config!r}".encode()).hexdigest()


def markup_key(salt: str, story: AnonymisedStory) -> str:
    """The key of one story's HTML. ``salt`` is ``config_fingerprint(config)``."""
    parts = [salt, story.body, repr(story.source.people), story.needs_notice]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def _checksum(key: str, markup: Markup) -> str:
    return hashlib.sha256(f"{key}\0{markup.html}".encode()).hexdigest()


class MarkupCache:
    """Story HTML by key. ``folder`` None is no cache: every look-up misses.

    Safe to use from forked worker processes: each opens its own connection, for
    reading only; the parent writes what the workers made, once, at the end.
    """

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._connection: sqlite3.Connection | None = None
        self._pid = 0
        self._broken = folder is None

    @property
    def path(self) -> Path | None:
        return self.folder / _FILE if self.folder is not None else None

    def _connect(self) -> sqlite3.Connection | None:
        if self._broken or self.path is None:
            return None
        if self._connection is not None and self._pid == os.getpid():
            return self._connection
        try:
            self.folder.mkdir(parents=True, exist_ok=True)  # type: ignore[union-attr]
            connection = sqlite3.connect(self.path, timeout=5)
            connection.execute("CREATE TABLE IF NOT EXISTS meta (format TEXT NOT NULL)")
            rows = connection.execute("SELECT format FROM meta").fetchall()
            if rows != [(FORMAT,)]:
                # Another format, or no header: nothing in it can be trusted.
                with connection:
                    connection.execute("DROP TABLE IF EXISTS markup")
                    connection.execute("DELETE FROM meta")
                    connection.execute("INSERT INTO meta VALUES (?)", (FORMAT,))
            connection.execute(
                "CREATE TABLE IF NOT EXISTS markup (key TEXT PRIMARY KEY, html TEXT NOT NULL, "
                "checksum TEXT NOT NULL)"
            )
        except (sqlite3.Error, OSError):
            self._reset()
            return None
        self._connection, self._pid = connection, os.getpid()
        return connection

    def _reset(self) -> None:
        """A cache that cannot be read is removed, and not used again this build."""
        self._broken = True
        self._connection = None
        if self.path is not None:
            with contextlib.suppress(OSError):
                self.path.unlink()

    def prepare(self) -> None:
        """Check (or make) the file before worker processes start, then let go of it:
        a connection must not cross a fork."""
        self._connect()
        self.close()

    def get(self, key: str) -> Markup | None:
        connection = self._connect()
        if connection is None:
            return None
        try:
            row = connection.execute(
                "SELECT html, checksum FROM markup WHERE key = ?", (key,)
            ).fetchone()
        except sqlite3.Error:
            return None
        if row is None or not all(isinstance(v, str) for v in row):
            return None
        markup = Markup(row[0])
        return markup if _checksum(key, markup) == row[1] else None

    def save(self, fresh: Iterable[tuple[str, Markup]], used: Iterable[str]) -> None:
        """Store new entries and drop every entry this build did not use."""
        connection = self._connect()
        if connection is None:
            return
        try:
            with connection:
                connection.executemany(
                    "INSERT OR REPLACE INTO markup VALUES (?, ?, ?)",
                    [(k, m.html, _checksum(k, m)) for k, m in fresh],
                )
                connection.execute("CREATE TEMP TABLE IF NOT EXISTS used (key TEXT PRIMARY KEY)")
                connection.execute("DELETE FROM used")
                connection.executemany(
                    "INSERT OR IGNORE INTO used VALUES (?)", [(k,) for k in used]
                )
                connection.execute("DELETE FROM markup WHERE key NOT IN (SELECT key FROM used)")
        except sqlite3.Error:
            self._reset()

    def close(self) -> None:
        if self._connection is not None and self._pid == os.getpid():
            with contextlib.suppress(sqlite3.Error):
                self._connection.close()
        self._connection = None


def clean(site_root: Path, output: Path) -> list[Path]:
    """Remove the cache and the output (only a folder storysite wrote); say what went."""
    removed = []
    folder = cache_dir(site_root)
    if folder.is_dir():
        shutil.rmtree(folder)
        removed.append(folder)
    for folder in (output, previous_of(output)):  # the previous site too (rollback)
        if folder.is_dir() and (folder / MARKER).exists():
            shutil.rmtree(folder)
            removed.append(folder)
    return removed
