"""The build cache: each story's HTML, reused while nothing that shapes it has changed.

Only the expensive, day-independent step is kept: Markdown -> HTML of the anonymised
body, with the anonymiser's pass over the parsed tree and the sanitiser. Consent, the
anonymiser's decisions and the output gate run on every build, so a withdrawn or
expired consent takes effect on the very next build whatever the cache holds.

Pictures' derivatives (pictures.py) are kept too, under ``images/``: one file per
source picture, named by a hash of the source file's bytes and of every setting that
shapes the derivatives. The same rules hold: each file carries a checksum of each
derivative, anything unreadable is made again, and entries no build used are removed.

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
import tempfile
from collections.abc import Iterable
from functools import cache
from importlib import metadata
from pathlib import Path

import markdown

from storysite import __version__
from storysite.config import SiteConfig
from storysite.markup import Markup
from storysite.models import AnonymisedStory
from storysite.pictures import Derived, Picture, Rendition, settings_fingerprint
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


IMAGE_FORMAT = "storysite-image-cache 1"
_IMAGES = "images"
_IMAGE_SUFFIX = ".picture"


class ImageCache:
    """Pictures' derivatives by a hash of the source file. ``folder`` None: no cache.

    Each entry is one file: a line of JSON (the picture, and each derivative's path,
    length and checksum), then the derivatives' bytes. Entries are written whole
    (a temporary file renamed into place), so worker processes can share the folder.
    """

    def __init__(self, folder: Path | None, *, write: bool = True) -> None:
        self.folder = folder / _IMAGES if folder is not None else None
        self.write = write  # False: entries are read, never written (check, review)

    @staticmethod
    def key(source: bytes) -> str:
        salt = f"{IMAGE_FORMAT}\0{__version__}\0{settings_fingerprint()}\0".encode()
        return hashlib.sha256(salt + source).hexdigest()

    def _entry(self, key: str) -> Path | None:
        return self.folder / f"{key}{_IMAGE_SUFFIX}" if self.folder is not None else None

    def get(self, key: str) -> Derived | None:
        entry = self._entry(key)
        if entry is None or not entry.is_file():
            return None
        try:
            return _read_entry(entry.read_bytes())
        except (OSError, ValueError, TypeError, KeyError, IndexError):
            if self.write:
                with contextlib.suppress(OSError):
                    entry.unlink()
            return None

    def put(self, key: str, derived: Derived) -> None:
        entry = self._entry(key)
        if entry is None or not self.write:
            return
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=entry.parent, delete=False) as temporary:
                temporary.write(_entry_bytes(derived))
            os.replace(temporary.name, entry)
        except OSError:
            with contextlib.suppress(OSError, UnboundLocalError):
                os.unlink(temporary.name)

    def prune(self, used: Iterable[str]) -> None:
        """Remove every entry whose key is not in ``used`` (and any stray file)."""
        if self.folder is None or not self.folder.is_dir():
            return
        keep = {f"{key}{_IMAGE_SUFFIX}" for key in used}
        for path in self.folder.iterdir():
            if path.name not in keep:
                with contextlib.suppress(OSError):
                    path.unlink()


def _rows(renditions: tuple[Rendition, ...]) -> list[list[object]]:
    return [[r.path, r.width, r.height, r.mime] for r in renditions]


def _renditions(rows: list[list[object]]) -> tuple[Rendition, ...]:
    made = []
    for path, width, height, mime in rows:
        if not (isinstance(path, str) and isinstance(mime, str)):
            raise TypeError("a rendition's path and type are text")
        if not (isinstance(width, int) and isinstance(height, int)):
            raise TypeError("a rendition's size is numbers")
        made.append(Rendition(path, width, height, mime))
    return tuple(made)


def _entry_bytes(derived: Derived) -> bytes:
    picture = derived.picture
    head = {
        "format": IMAGE_FORMAT,
        "fallback": _rows(picture.fallback),
        "alternates": [_rows(group) for group in picture.alternates],
        "files": [[p, len(b), hashlib.sha256(b).hexdigest()] for p, b in derived.files],
    }
    return json.dumps(head).encode() + b"\n" + b"".join(b for _, b in derived.files)


def _read_entry(data: bytes) -> Derived:
    """An entry read back, or ValueError/TypeError/KeyError when anything is off."""
    line, _, rest = data.partition(b"\n")
    head = json.loads(line)
    if head["format"] != IMAGE_FORMAT:
        raise ValueError("another format")
    files: list[tuple[str, bytes]] = []
    offset = 0
    for path, length, checksum in head["files"]:
        content = rest[offset : offset + length]
        offset += length
        if not isinstance(path, str) or hashlib.sha256(content).hexdigest() != checksum:
            raise ValueError("a derivative does not match its checksum")
        files.append((path, content))
    if offset != len(rest):
        raise ValueError("the entry's length is wrong")
    picture = Picture(
        _renditions(head["fallback"]), tuple(_renditions(g) for g in head["alternates"])
    )
    written = {p for p, _ in files}
    if not picture.fallback or not {r.path for r in _all(picture)} <= written:
        raise ValueError("the picture names a file the entry does not hold")
    return Derived(picture, tuple(files))


def _all(picture: Picture) -> tuple[Rendition, ...]:
    return (*picture.fallback, *(r for group in picture.alternates for r in group))


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
