"""SQLite store for feedback answers and newsletter sign-ups.

Only the answers themselves and the time they arrived are kept: no network
address, user agent or cookie is ever written here.
"""

from __future__ import annotations

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
        """Open (creating if needed) and migrate to the current schema."""
        path.parent.mkdir(parents=True, exist_ok=True)
        store = cls(path)
        store._migrate(create=True)
        return store

    @classmethod
    def open_existing(cls, path: Path) -> Store:
        """Open a database that must already exist (for the admin commands)."""
        if not path.is_file():
            raise StoreError(f"no database at {path}")
        store = cls(path)
        store._migrate(create=False)
        return store

    def _connect(self, *, create: bool = False) -> sqlite3.Connection:
        mode = "rwc" if create else "rw"
        uri = f"{self.path.resolve().as_uri()}?mode={mode}"
        try:
            conn = sqlite3.connect(
                uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
            )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open database {self.path}: {exc}") from exc
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

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
        """Record a sign-up; signing up again refreshes the consent time, version and page."""
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO newsletter (email, received_at, consent_version, page)"
                " VALUES (?, ?, ?, ?)"
                " ON CONFLICT (email) DO UPDATE SET received_at = excluded.received_at,"
                " consent_version = excluded.consent_version, page = excluded.page",
                (signup.email, format_time(at or utc_now()), signup.consent_version, signup.page),
            )

    def _read(self, query: str) -> list[tuple[Any, ...]]:
        conn = self._connect()
        try:
            return conn.execute(query).fetchall()
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

    def purge(
        self, older_than: timedelta, *, kinds: tuple[str, ...] = ("feedback", "newsletter")
    ) -> PurgeResult:
        """Delete everything received before now minus `older_than`."""
        cutoff = format_time(utc_now() - older_than)
        counts = {"feedback": 0, "newsletter": 0}
        with self._transaction() as conn:
            for kind in kinds:
                table = _table(kind)
                cursor = conn.execute(f"DELETE FROM {table} WHERE received_at < ?", (cutoff,))
                counts[kind] = cursor.rowcount
        return PurgeResult(
            feedback=counts["feedback"], newsletter=counts["newsletter"], cutoff=cutoff
        )

    def forget(self, email: str) -> list[NewsletterRow]:
        """Erase every sign-up for this address (case-insensitive); return what was removed."""
        with self._transaction() as conn:
            rows = conn.execute(
                "SELECT id, email, received_at, consent_version, page FROM newsletter"
                " WHERE email = ? COLLATE NOCASE",
                (email.strip(),),
            ).fetchall()
            conn.execute("DELETE FROM newsletter WHERE email = ? COLLATE NOCASE", (email.strip(),))
        return [NewsletterRow(*row) for row in rows]


def _table(kind: str) -> str:
    if kind not in ("feedback", "newsletter"):
        raise ValueError(f"unknown kind {kind!r}")
    return kind
