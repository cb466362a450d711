"""SQLite store for feedback answers and newsletter sign-ups.

Only the answers themselves and the time they arrived are kept: no network
address, user agent or cookie is ever written here. Newsletter consent is
evidence, so it is append-only: a sign-up adds an event and never changes one.
Every connection deletes securely (freed space is zeroed), whatever the
platform's SQLite was built with.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

BUSY_TIMEOUT_MS = 5000
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

# Each entry moves the schema up one version (PRAGMA user_version).
# Append new migrations; never edit a released one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """
        CREATE TABLE feedback (
            id INTEGER PRIMARY KEY,
            received_at TEXT NOT NULL,
            story TEXT NOT NULL,
            useful TEXT CHECK (useful IN ('yes', 'no')),
            rating INTEGER CHECK (rating BETWEEN 1 AND 5),
            usefulness INTEGER CHECK (usefulness BETWEEN 1 AND 5),
            page TEXT
        )
        """,
        "CREATE INDEX feedback_received_at ON feedback (received_at)",
        """
        CREATE TABLE newsletter (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL UNIQUE COLLATE NOCASE,
            received_at TEXT NOT NULL,
            consent_version TEXT NOT NULL,
            page TEXT
        )
        """,
        "CREATE INDEX newsletter_received_at ON newsletter (received_at)",
    ),
    # 2: consent evidence becomes append-only: one event per sign-up, never rewritten.
    (
        """
        CREATE TABLE newsletter_events (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL COLLATE NOCASE,
            received_at TEXT NOT NULL,
            consent_version TEXT NOT NULL,
            page TEXT
        )
        """,
        "INSERT INTO newsletter_events (id, email, received_at, consent_version, page)"
        " SELECT id, email, received_at, consent_version, page FROM newsletter",
        "DROP TABLE newsletter",
        "ALTER TABLE newsletter_events RENAME TO newsletter",
        "CREATE INDEX newsletter_received_at ON newsletter (received_at)",
        "CREATE INDEX newsletter_email ON newsletter (email)",
        """
        CREATE TRIGGER newsletter_append_only BEFORE UPDATE ON newsletter
        BEGIN SELECT RAISE(ABORT, 'newsletter consent evidence is append-only'); END
        """,
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(Exception):
    """A database problem worth a one-line message to a person."""


@dataclass(frozen=True)
class FeedbackAnswer:
    story: str
    useful: str | None = None
    rating: int | None = None
    usefulness: int | None = None
    page: str | None = None


@dataclass(frozen=True)
class NewsletterSignup:
    email: str
    consent_version: str
    page: str | None = None


@dataclass(frozen=True)
class FeedbackRow:
    id: int
    received_at: str
    story: str
    useful: str | None
    rating: int | None
    usefulness: int | None
    page: str | None


@dataclass(frozen=True)
class NewsletterRow:
    id: int
    email: str
    received_at: str
    consent_version: str
    page: str | None


@dataclass(frozen=True)
class Erasure:
    """What `forget` removed, and whether any copy of the address may remain."""

    removed: tuple[NewsletterRow, ...]
    checkpointed: bool
    copies_left: tuple[Path, ...]
    vacuumed: bool

    @property
    def complete(self) -> bool:
        return self.checkpointed and not self.copies_left


@dataclass(frozen=True)
class PurgeResult:
    feedback: int
    newsletter: int
    cutoff: str


def utc_now() -> datetime:
    return datetime.now(UTC)


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


class Store:
    """One SQLite file; each call opens its own connection so threads never share one."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def create(cls, path: Path) -> Store:
        """Open (creating if needed, owner-only) and migrate to the current schema."""
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            _create_private(path)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise StoreError(f"cannot create database {path}: {reason}") from exc
        store = cls(path)
        store._migrate(create=True)
        return store

    def files(self) -> tuple[Path, ...]:
        """The database and the -wal and -shm files SQLite keeps beside it."""
        return (self.path, *(self.path.with_name(self.path.name + s) for s in ("-wal", "-shm")))

    @classmethod
    def open_existing(cls, path: Path) -> Store:
        """Open a database that must already exist (for the admin commands)."""
        if not path.is_file():
            raise StoreError(f"no database at {path}")
        store = cls(path)
        store._migrate(create=False)
        return store

    def _connect(self, *, create: bool = False) -> sqlite3.Connection:
        self._repair_sidecars()
        mode = "rwc" if create else "rw"
        uri = f"{self.path.resolve().as_uri()}?mode={mode}"
        try:
            conn = sqlite3.connect(
                uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
            )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open database {self.path}: {exc}") from exc
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            # Zero deleted content, whatever the platform's compile-time default.
            conn.execute("PRAGMA secure_delete = ON")
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            conn.close()
            raise StoreError(f"cannot use database {self.path}: {exc}") from exc
        return conn

    def _repair_sidecars(self) -> None:
        """Make -wal and -shm writable again once the database is.

        While the database is read-only, SQLite creates them with its read-only mode, and
        they stay so after the database is made writable again: every write then fails
        until someone fixes them by hand. A file this process may not change is left."""
        if not os.access(self.path, os.W_OK):
            return
        for sidecar in self.files()[1:]:
            try:
                if not os.access(sidecar, os.W_OK):
                    sidecar.chmod(0o600)
            except OSError:
                continue  # not ours to change: SQLite's own error says what is wrong

    @contextmanager
    def _transaction(self, *, create: bool = False) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE so writers queue on the busy timeout instead of deadlocking."""
        conn = self._connect(create=create)
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()

    def _migrate(self, *, create: bool) -> None:
        conn = self._connect(create=create)
        try:
            try:
                conn.execute("PRAGMA journal_mode = WAL")
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"{self.path} is not a usable SQLite database: {exc}") from exc
        finally:
            conn.close()
        if create:
            _make_private(self.files())
        with self._transaction(create=create) as conn:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} has schema version {version}; "
                    f"this storysite understands up to {SCHEMA_VERSION}"
                )
            for number, statements in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in statements:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number}")

    def add_feedback(self, answer: FeedbackAnswer, *, at: datetime | None = None) -> None:
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO feedback (received_at, story, useful, rating, usefulness, page)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    format_time(at or utc_now()),
                    answer.story,
                    answer.useful,
                    answer.rating,
                    answer.usefulness,
                    answer.page,
                ),
            )

    def add_signup(self, signup: NewsletterSignup, *, at: datetime | None = None) -> None:
        """Record a sign-up as a new consent event; earlier events are never changed."""
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO newsletter (email, received_at, consent_version, page)"
                " VALUES (?, ?, ?, ?)",
                (signup.email, format_time(at or utc_now()), signup.consent_version, signup.page),
            )

    def _read(self, query: str) -> list[tuple[Any, ...]]:
        return self._read_with(query, ())

    def _read_with(self, query: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        conn = self._connect()
        try:
            return conn.execute(query, params).fetchall()
        finally:
            conn.close()

    def feedback_rows(self) -> list[FeedbackRow]:
        rows = self._read(
            "SELECT id, received_at, story, useful, rating, usefulness, page"
            " FROM feedback ORDER BY received_at, id"
        )
        return [FeedbackRow(*row) for row in rows]

    def newsletter_rows(self) -> list[NewsletterRow]:
        rows = self._read(
            "SELECT id, email, received_at, consent_version, page"
            " FROM newsletter ORDER BY received_at, id"
        )
        return [NewsletterRow(*row) for row in rows]

    def newsletter_addresses(self) -> int:
        """How many different addresses are signed up (each may have several events)."""
        return int(self._read("SELECT count(DISTINCT email) FROM newsletter")[0][0])

    def purge(
        self, older_than: timedelta, *, kinds: tuple[str, ...] = ("feedback", "newsletter")
    ) -> PurgeResult:
        """Delete everything received before now minus `older_than`.

        An address goes, with all its events, once its *first* sign-up is that old:
        signing someone up again never puts off their purge."""
        cutoff = format_time(utc_now() - older_than)
        counts = {"feedback": 0, "newsletter": 0}
        with self._transaction() as conn:
            for kind in kinds:
                cursor = conn.execute(PURGE[_table(kind)], (cutoff,))
                counts[kind] = cursor.rowcount
        self._compact(vacuum=False)  # purged rows leave the -wal too, where no reader stops it
        return PurgeResult(
            feedback=counts["feedback"], newsletter=counts["newsletter"], cutoff=cutoff
        )

    def forget(self, email: str, *, vacuum: bool = False) -> Erasure:
        """Erase every sign-up for this address (case-insensitive), then make sure no copy
        is left: deleted cells are zeroed (secure_delete), the WAL is copied back and
        truncated, and the files are searched. A copy an earlier deletion left in free
        space (made without secure_delete) is removed by VACUUM, as is done when asked."""
        email = email.strip()
        with self._transaction() as conn:
            rows = conn.execute(
                "SELECT id, email, received_at, consent_version, page FROM newsletter"
                " WHERE email = ? ORDER BY received_at, id",
                (email,),
            ).fetchall()
            conn.execute("DELETE FROM newsletter WHERE email = ?", (email,))
        checkpointed = self._compact(vacuum=vacuum)
        left = self._files_holding(email) if checkpointed else ()
        vacuumed = vacuum
        if left and not vacuum:
            checkpointed = self._compact(vacuum=True)
            vacuumed = True
            left = self._files_holding(email)
        return Erasure(
            removed=tuple(NewsletterRow(*row) for row in rows),
            checkpointed=checkpointed,
            copies_left=left,
            vacuumed=vacuumed,
        )

    def _compact(self, *, vacuum: bool) -> bool:
        """VACUUM if asked, then checkpoint with TRUNCATE; False if a reader kept it from
        finishing (the WAL then still holds old pages)."""
        conn = self._connect()
        try:
            try:
                if vacuum:
                    conn.execute("VACUUM")
                busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            except sqlite3.Error as exc:
                raise StoreError(f"cannot finish erasing in {self.path}: {exc}") from exc
        finally:
            conn.close()
        return int(busy) == 0

    def _files_holding(self, email: str) -> tuple[Path, ...]:
        """The database files whose bytes still hold the address (any letter case),
        not counting places where it is only part of a longer address still stored."""
        needle = email.lower().encode()
        longer = [
            row[0].lower().encode()
            for row in self._read_with(
                "SELECT DISTINCT lower(email) FROM newsletter WHERE instr(lower(email), ?) > 0",
                (email.lower(),),
            )
        ]
        found: list[Path] = []
        for path in self.files():
            try:
                data = path.read_bytes().lower()
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise StoreError(f"cannot read {path} to check the erasure: {exc}") from exc
            if _holds(data, needle, longer):
                found.append(path)
        return tuple(found)


PURGE = {
    "feedback": "DELETE FROM feedback WHERE received_at < ?",
    "newsletter": "DELETE FROM newsletter WHERE email IN"
    " (SELECT email FROM newsletter GROUP BY email HAVING min(received_at) < ?)",
}


def _create_private(path: Path) -> None:
    """Create an empty database file readable by its owner only. SQLite gives the -wal
    and -shm files the database's mode, so they are owner-only too."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def _make_private(files: tuple[Path, ...]) -> None:
    """Tighten a database made by an older version (or another tool) to owner-only."""
    for path in files:
        try:
            if path.stat().st_mode & 0o077:
                path.chmod(0o600)
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise StoreError(f"cannot make {path} private (chmod 600): {exc.strerror}") from exc


def _holds(data: bytes, needle: bytes, longer: list[bytes]) -> bool:
    """True if `needle` occurs in `data` other than inside one of the `longer` strings."""
    start = data.find(needle)
    while start != -1:
        if not any(_inside(data, start, needle, text) for text in longer):
            return True
        start = data.find(needle, start + 1)
    return False


def _inside(data: bytes, start: int, needle: bytes, text: bytes) -> bool:
    offset = text.find(needle)
    while offset != -1:
        if data[start - offset : start - offset + len(text)] == text and start >= offset:
            return True
        offset = text.find(needle, offset + 1)
    return False


def _table(kind: str) -> str:
    if kind not in ("feedback", "newsletter"):
        raise ValueError(f"unknown kind {kind!r}")
    return kind
