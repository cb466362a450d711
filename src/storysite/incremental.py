"""What a build may take from the builds before it, and the proof that it may.

Every cached result is a pure function of its inputs and is stored under a hash of
**all** of them, so a cached build and a ``--no-cache`` build write the same bytes:

- a story as loaded (front matter parsed): the story file's path and bytes, the
  site file, the storysite code and data;
- a story's work (images found, anonymiser and detector results, HTML, search
  words): the above, and what its pictures became;
- a story's own gate verdict: its work, and every protected and named person of the
  site (the register and every story's people), so a new private name anywhere
  checks every story again;
- a page: the code, the site file, the templates, the protected names, and the work
  of every story the page shows (a story page shows its neighbours' titles too).

Consent and dates are decided on every build, from the cached front matter.

Where: ``<site>/.storysite-cache/build.sqlite3``. Entries are pickles of storysite's
own frozen dataclasses, read back by an unpickler that can only make those classes,
so a planted entry cannot run code. Each entry is signed (HMAC-SHA-256) with a key
kept outside the site folder, in the user's own cache folder
(``$XDG_CACHE_HOME/storysite/cache-key``, made on first use, readable by the user
only): an entry written by anyone else, or a cache copied from another machine or
account, is not trusted, so nobody who can only write the site folder can plant a
gate verdict or a page. A file of another format, an entry whose signature does not
match, or any error reading it means "work it out again". When that key cannot be
read or made, the build runs without a cache.

A build that changes nothing writes nothing: ``Manifest`` records every input of the
last build into an output folder and every file it wrote (hash, size, time, inode);
when all inputs are the same, the day is the same, and every file is still as it
was written, the build is over before it starts.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import io
import os
import pickle
import sqlite3
import stat
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from storysite import __version__
from storysite.config import CONFIG_NAME, SiteConfig
from storysite.images import Stamp
from storysite.keys import sign, signing_key
from storysite.search import Before, IndexState, changed_stories
from storysite.writing import MARKER, current_umask, folders_of, is_written

FORMAT = "storysite-build-cache 7"
_FILE = "build.sqlite3"
#: Libraries whose behaviour shapes what a build writes.
_LIBRARIES = (
    "markdown", "nh3", "jinja2", "PyYAML", "python-frontmatter", "pillow", "ahocorasick-rs",
    "confusable-homoglyphs",
)  # fmt: skip


def digest(*parts: object) -> str:
    """One SHA-256 of several parts (text, bytes or anything with a stable repr)."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogatepass")
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


@cache
def code_fingerprint() -> str:
    """Every file of the storysite package (code, theme, word lists and other data),
    the Python version and the versions of the libraries that shape the output."""
    hasher = hashlib.sha256(f"{FORMAT}\0{__version__}\0{sys.version}".encode())
    for name in _LIBRARIES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            hasher.update(f"\0{name}={metadata.version(name)}".encode())
    package = Path(__file__).parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            hasher.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return hasher.hexdigest()


def site_fingerprint(config: SiteConfig) -> str:
    """The code and the whole site file, as read (register, allow list, texts...)."""
    return digest(code_fingerprint(), repr(config))


def folder_fingerprint(folder: Path) -> str:
    """Every file under ``folder``, by path and bytes (a site's templates and assets),
    linked folders and files included, as the template loader follows them."""
    hasher = hashlib.sha256()
    if not folder.is_dir():
        return hasher.hexdigest()
    seen: set[str] = set()
    for root, dirs, files in os.walk(folder, followlinks=True):
        real = os.path.realpath(root)
        if real in seen:  # a link back up the tree: read each folder once
            dirs[:] = []
            continue
        seen.add(real)
        dirs.sort()
        for name in sorted(files):
            path = Path(root) / name
            with contextlib.suppress(OSError):
                hasher.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return hasher.hexdigest()


# ---- a safe pickle -----------------------------------------------------------------

#: The only things an entry may be made of. Everything else is a corrupt entry.
_ALLOWED = {
    "builtins": {"tuple", "list", "dict", "set", "frozenset", "str", "bytes", "int", "bool"},
    "datetime": {"date"},
    "pathlib": {"PosixPath", "WindowsPath", "Path", "PurePosixPath"},
    "collections": {"Counter", "OrderedDict"},
    "copyreg": {"_reconstructor"},
    "storysite._seal": {"_restore"},
    "storysite.models": {"_markup_of_utf8"},
}
_ALLOWED_MODULES = (
    "storysite.models",
    "storysite.pictures",
    "storysite.incremental",
    "storysite.build",
    "storysite.errors",
    "storysite.search",
)


#: Entries this process has read or written, by key: (signature, value, signing key).
#: Used only when the file holds the same signature for the key, made with the same
#: signing key (see Store.get_many).
_MEMO: dict[str, tuple[str, Any, bytes | None]] = {}
_MEMO_SIZE = 60_000


def _remember(key: str, signature: str, value: Any, signer: bytes | None) -> None:
    if len(_MEMO) >= _MEMO_SIZE:
        _MEMO.clear()
    _MEMO[key] = (signature, value, signer)


#: The classes and functions the cache has read, once allowed (see _Unpickler).
_FOUND: dict[tuple[str, str], Any] = {}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        found = _FOUND.get((module, name))
        if found is not None:
            return found
        if name in _ALLOWED.get(module, ()) or (module in _ALLOWED_MODULES and name[:1].isupper()):
            found = _FOUND[module, name] = super().find_class(module, name)
            return found
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache")


def dumps(value: object) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def loads(data: bytes) -> Any:
    return _Unpickler(io.BytesIO(data)).load()


# ---- the store -----------------------------------------------------------------------


class Store:
    """Entries by key, in one SQLite file. ``folder`` None is no cache: every look-up
    misses and nothing is kept. Read in the parent before worker processes start; the
    parent writes what they made, once, at the end."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._connection: sqlite3.Connection | None = None
        self._key = signing_key() if folder is not None else None
        if folder is not None and self._key is not None:
            self._open(folder / _FILE)

    def _sign(self, key: str, blob: bytes) -> str:
        assert self._key is not None
        return sign(self._key, key.encode(), blob)

    @property
    def enabled(self) -> bool:
        return self._connection is not None

    def _open(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, timeout=5)
            # A cache: a write-ahead log and no waiting for the disk on each commit
            # (a file damaged by a power cut is found out and started again).
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=OFF")
            connection.execute("PRAGMA temp_store=MEMORY")
            connection.execute("PRAGMA mmap_size=0")  # mapped pages would count as memory
            connection.execute("CREATE TABLE IF NOT EXISTS meta (format TEXT NOT NULL)")
            if connection.execute("SELECT format FROM meta").fetchall() != [(FORMAT,)]:
                with connection:  # another format, an older one, or none: start again
                    connection.execute("DROP TABLE IF EXISTS entries")
                    connection.execute("DELETE FROM meta")
                    connection.execute("INSERT INTO meta VALUES (?)", (FORMAT,))
            connection.execute(
                "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, kind TEXT NOT NULL, "
                "blob BLOB NOT NULL, checksum TEXT NOT NULL)"
            )
            # Every build drops the entries of a kind it no longer uses (keep_only).
            connection.execute("CREATE INDEX IF NOT EXISTS entries_kind ON entries (kind)")
        except (sqlite3.Error, OSError):
            self._discard(path)
            return
        self._connection = connection

    def _discard(self, path: Path) -> None:
        """A cache that cannot be read is removed; this build goes on without one."""
        if self._connection is not None:
            with contextlib.suppress(sqlite3.Error):
                self._connection.close()
        self._connection = None
        with contextlib.suppress(OSError):
            path.unlink()

    def get_many(self, keys: Iterable[str], remember: bool = True) -> dict[str, Any]:
        """Every readable entry among ``keys``; a damaged one is simply missing. An
        entry this process read or wrote before, with the same signature in the file,
        is not unpickled again (``storysite serve`` builds many times); ``remember``
        False: these are not kept for that (bytes, cheap to read, costly to hold)."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, Any] = {}
        if self._connection is None or not wanted:
            return found
        try:
            # Signatures first only when this process has entries to match them with.
            signed = self._select("e.key, e.checksum", wanted) if _MEMO else []
            unread = [] if _MEMO else wanted
            for key, checksum in signed:
                known = _MEMO.get(key)
                if known is not None and known[0] == checksum and known[2] == self._key:
                    found[key] = known[1]
                else:
                    unread.append(key)
            rows = self._select("e.key, e.blob, e.checksum", unread) if unread else []
            for key, blob, checksum in rows:
                if isinstance(blob, bytes) and hmac.compare_digest(
                    str(checksum), self._sign(key, blob)
                ):
                    try:
                        found[key] = loads(blob)
                    except Exception:  # anything unreadable is a miss
                        continue
                    if remember:
                        _remember(key, checksum, found[key], self._key)
            self._end_reading()
        except sqlite3.Error:
            return found
        return found

    def present(self, keys: Iterable[str]) -> set[str]:
        """Which of ``keys`` have an entry (not read: it may still prove unreadable)."""
        wanted = list(dict.fromkeys(keys))
        if self._connection is None or not wanted:
            return set()
        try:
            present = {key for (key,) in self._select("e.key", wanted)}
            self._end_reading()
        except sqlite3.Error:
            return set()
        return present

    def _end_reading(self) -> None:
        """End the transaction the list of wanted keys began: left open, it would keep
        this connection on the file as it was, and this process could no longer write
        once another (the one making the search index) has written."""
        assert self._connection is not None
        self._connection.commit()

    def _select(self, columns: str, keys: list[str]) -> Iterable[tuple[Any, ...]]:
        """The rows of ``keys``, read one by one (never every entry's bytes at once)."""
        assert self._connection is not None
        self._connection.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (key TEXT)")
        self._connection.execute("DELETE FROM wanted")
        self._connection.executemany("INSERT INTO wanted VALUES (?)", [(k,) for k in keys])
        return self._connection.execute(
            f"SELECT {columns} FROM entries e JOIN wanted w ON e.key = w.key"
        )

    def get(self, key: str) -> Any:
        return self.get_many([key]).get(key)

    def put_many(
        self, kind: str, entries: Iterable[tuple[str, object]], remember: bool = True
    ) -> None:
        """Store ``entries``, a few hundred at a time (never every pickle at once);
        ``remember``: as for ``get_many``."""
        if self._connection is None:
            return
        batch: list[tuple[str, str, bytes, str]] = []
        for key, value in entries:
            blob = dumps(value)
            signature = self._sign(key, blob)
            batch.append((key, kind, blob, signature))
            if remember:
                _remember(key, signature, value, self._key)
            if len(batch) >= 256:
                self._insert(batch)
                batch = []
        self._insert(batch)

    def _insert(self, rows: list[tuple[str, str, bytes, str]]) -> None:
        if self._connection is None or not rows:
            return
        try:
            with self._connection:
                self._connection.executemany(
                    "INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)", rows
                )
        except sqlite3.Error as error:
            self._failed(error)

    def _failed(self, error: sqlite3.Error) -> None:
        """A write that failed: when another process held the file for longer than
        the wait allows (the search index's, another build's), the file is sound and
        this write is simply not kept (a miss later); anything else means a file that
        cannot be trusted, removed."""
        code = getattr(error, "sqlite_errorcode", 0) & 0xFF  # the primary code of an extended one
        if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            return
        self._discard(self.folder / _FILE)  # type: ignore[operator]

    def forget_manifests_of_missing_outputs(self) -> None:
        """Drop the manifests of output folders that are gone (``storysite serve``
        builds into a new temporary folder each time it starts)."""
        if self._connection is None:
            return
        try:
            keys = [k for (k,) in self._connection.execute(
                "SELECT key FROM entries WHERE kind = 'manifest'"
            )]  # fmt: skip
            gone = [(k,) for k in keys if not Path(k.removeprefix(_MANIFEST)).is_dir()]
            with self._connection:
                self._connection.executemany("DELETE FROM entries WHERE key = ?", gone)
        except sqlite3.Error as error:
            self._failed(error)

    def keep_only(self, kind: str, used: Iterable[str]) -> None:
        """Drop every entry of ``kind`` whose key is not in ``used``."""
        if self._connection is None:
            return
        try:
            with self._connection:
                self._connection.execute("CREATE TEMP TABLE IF NOT EXISTS used (key TEXT)")
                self._connection.execute("DELETE FROM used")
                self._connection.executemany(
                    "INSERT INTO used VALUES (?)", [(k,) for k in set(used)]
                )
                self._connection.execute(
                    "DELETE FROM entries WHERE kind = ? AND key NOT IN (SELECT key FROM used)",
                    (kind,),
                )
        except sqlite3.Error as error:
            self._failed(error)

    def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(sqlite3.Error):
                self._connection.close()
        self._connection = None


class KeptIndex:
    """The search index's state between builds (search.IndexState), read and written
    by the process that makes the index, with a connection to the cache of its own.
    Beside it: the cache entry each story's words came from, by number (``keys``:
    each story's entry by its slug), so that the words a changed story had can be
    read again from its last entry, still in the cache while this build runs."""

    def __init__(self, folder: Path | None, keys: Mapping[str, str]) -> None:
        self.folder, self.keys = folder, keys

    def before(self, hashed: tuple[bytes, ...]) -> Before | None:
        """The last build's state, with the words each changed story had then; None
        when any of it cannot be read (the index is then made from scratch)."""
        store = Store(self.folder)
        try:
            found = store.get(index_key())
            if not isinstance(found, tuple) or len(found) != 2:
                return None
            keys, state = found
            if not isinstance(state, IndexState) or not isinstance(keys, tuple):
                return None
            changed = changed_stories(state, hashed)
            if changed is None or len(keys) != len(state.words):
                return None
            entries = store.get_many(keys[n] for n in changed)
            words = {n: getattr(entries.get(keys[n]), "weights", None) for n in changed}
            known = {n: w for n, w in words.items() if isinstance(w, bytes)}
            return Before(state, known) if len(known) == len(words) else None
        finally:
            store.close()

    def keep(self, slugs: Sequence[str], state: IndexState) -> None:
        store = Store(self.folder)
        try:
            keys = tuple(self.keys.get(slug, "") for slug in slugs)
            store.put_many("index", [(index_key(), (keys, state))])
            store.keep_only("index", [index_key()])
        finally:
            store.close()


def index_key() -> str:
    """Where the search index's state is kept: one per cache, for this code."""
    return digest("search index", code_fingerprint())


# ---- the output folder as the last build left it ------------------------------------


@dataclass(frozen=True)
class Written:
    """One file of a built site: its hash, and how the file system saw it then."""

    sha256: str
    size: int
    mtime_ns: int
    inode: int
    page_key: str = ""  # the key of what the page shows (pages that may be reused)
    reads_text: bool = False  # making the page read a story's text

    @property
    def stamp(self) -> tuple[int, int, int]:
        """How the file system saw the file: size, modification time, inode."""
        return self.size, self.mtime_ns, self.inode

    def still_at(self, path: str, mode: int) -> bool:
        """Whether the file at ``path`` is still the one written (see is_written)."""
        return is_written(path, self.stamp, mode)


def _mode_at(path: str) -> int | None:
    try:
        return stat.S_IMODE(os.lstat(path).st_mode)
    except OSError:
        return None


def stat_of(path: Path | str) -> tuple[int, int, int] | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):  # a plain file only
        return None
    return info.st_size, info.st_mtime_ns, info.st_ino


@dataclass(frozen=True)
class Manifest:
    """What the last build into one output folder read and wrote."""

    inputs: str
    day: dt.date
    names: str
    files: dict[str, Written] = field(default_factory=dict)
    report: Any = None  # the BuildReport it gave
    #: Every file the stories' pictures could come from, with its size and time.
    images: tuple[Stamp, ...] = ()
    #: Each story file: size, modification and change time, inode, hash of its bytes.
    stories: dict[str, tuple[int, int, int, int, str]] = field(default_factory=dict)
    #: The output's own record (writing.MARKER: the build day, the next change), as written.
    marker: str = ""

    def untouched(self, output: Path) -> bool:
        """Whether every file the build wrote is still there as it was written, and
        nothing else is: no file and no empty folder added by hand."""
        files, folders = _tree(output)
        if files != set(self.files) | _MARKERS:
            return False
        if not self.marker or marker_text(output) != self.marker:
            return False
        if folders != {folder for path in files for folder in folders_of(path)}:
            return False
        root = str(output)
        # Modes too: a file or folder a build makes has the mode the umask gives it
        # (the umask is one of the inputs), and one changed by hand means a real build.
        umask = current_umask()
        if not all(_mode_at(os.path.join(root, f)) == 0o777 & ~umask for f in folders):
            return False
        mode = 0o666 & ~umask
        return all(w.still_at(os.path.join(root, p), mode) for p, w in self.files.items())


#: Files the writer itself keeps in an output folder (writing.py).
_MARKERS = {MARKER}


def marker_text(output: Path) -> str:
    """The output's record as it is now ("" when it cannot be read)."""
    try:
        return (output / MARKER).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _tree(folder: Path) -> tuple[set[str], set[str]]:
    """Every file and every folder under ``folder``, as paths relative to it."""
    files: set[str] = set()
    folders: set[str] = set()
    for root, dirs, names in os.walk(folder):
        relative = os.path.relpath(root, folder).replace(os.sep, "/")
        prefix = "" if relative == "." else f"{relative}/"
        files.update(prefix + name for name in names)
        folders.update(prefix + name for name in dirs)
    return files, folders


_MANIFEST = "manifest:"


def manifest_key(output: Path) -> str:
    """The manifest's key names its output folder (the preview's folders come and go)."""
    return _MANIFEST + str(output.absolute())


def inputs_digest(config: SiteConfig, stories: Iterable[tuple[str, str]], settings: object) -> str:
    """Everything a build reads but pictures, in one hash: the code, the site file,
    the templates and assets, each story file (path and hash of its bytes), and the
    build's settings. (Pictures are stamped apart: see ``Manifest.images``.)"""
    site_file = config.root / CONFIG_NAME
    return digest(
        site_fingerprint(config),
        site_file.read_bytes() if site_file.is_file() else b"",
        folder_fingerprint(config.templates_dir),
        sorted(stories),
        settings,
    )
