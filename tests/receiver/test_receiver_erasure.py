"""`feedback forget` leaves no copy of the address in any database file, or says so."""

from __future__ import annotations

import resource
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from storysite.receiver.commands import feedback
from storysite.receiver.store import Store

ADDRESS = "Wren.Okafor@example.org"
OTHERS = [f"reader{n}@example.org" for n in range(200)]
INSERT = (
    "INSERT INTO newsletter (email, received_at, consent_version, page)"
    " VALUES (?, '2026-10-01T09:00:00Z', '2026-10', 'stories/low-tide/')"
)


def copies(db: Path, text: str = ADDRESS) -> dict[str, int]:
    """How often each database file holds the text, in any letter case."""
    needle = text.lower().encode()
    found = {}
    for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        if path.exists():
            found[path.name] = path.read_bytes().lower().count(needle)
    return found


@pytest.fixture
def platform_without_secure_delete(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every new SQLite connection starts with secure_delete off, as upstream SQLite's
    default build does (Debian's turns it on, which would hide the problem)."""
    connect = sqlite3.connect

    def connect_insecure(*args: object, **kwargs: object) -> sqlite3.Connection:
        conn = connect(*args, **kwargs)  # type: ignore[call-overload]
        conn.execute("PRAGMA secure_delete = OFF")
        assert isinstance(conn, sqlite3.Connection)
        return conn

    monkeypatch.setattr(sqlite3, "connect", connect_insecure)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "answers.db"
    Store.create(path)
    return path


@pytest.fixture
def other_connection(db: Path) -> Iterator[sqlite3.Connection]:
    """Another program's connection, open the whole time (so SQLite keeps the -wal)."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA secure_delete = OFF")
    yield conn
    conn.close()


def forget(db: Path, *extra: str, address: str = ADDRESS) -> tuple[int, str]:
    result = CliRunner().invoke(feedback, ["forget", address.upper(), "--db", str(db), *extra])
    return result.exit_code, result.output


@pytest.mark.usefixtures("platform_without_secure_delete")
def test_forget_leaves_no_copy_in_the_db_wal_or_shm(
    db: Path, other_connection: sqlite3.Connection
) -> None:
    for other in OTHERS[:100]:
        other_connection.execute(INSERT, (other,))
    other_connection.execute(INSERT, (ADDRESS,))
    for other in OTHERS[100:]:
        other_connection.execute(INSERT, (other,))
    assert sum(copies(db).values()) >= 1  # it is there before

    code, out = forget(db)

    assert (code, out.splitlines()[0]) == (
        0,
        f"Removed newsletter sign-up: {ADDRESS}, consented 2026-10-01T09:00:00Z, "
        "consent version 2026-10, from page stories/low-tide/.",
    )
    assert copies(db) == {"answers.db": 0, "answers.db-wal": 0, "answers.db-shm": 0}
    # the other program still reads everyone else
    assert other_connection.execute("SELECT count(*) FROM newsletter").fetchone() == (200,)


@pytest.mark.usefixtures("platform_without_secure_delete")
def test_a_reader_holding_the_wal_is_reported_then_forget_finishes(
    db: Path, other_connection: sqlite3.Connection
) -> None:
    other_connection.execute(INSERT, (ADDRESS,))
    other_connection.execute("BEGIN")
    other_connection.execute("SELECT count(*) FROM newsletter").fetchone()  # holds a snapshot

    code, out = forget(db)

    assert code == 1
    assert out.splitlines()[-1] == (
        f"Error: {db}-wal may still hold a copy: another program is reading the database. "
        "Stop it (or wait) and run forget again."
    )
    other_connection.execute("COMMIT")
    code, out = forget(db)
    assert (code, out.splitlines()[0]) == (
        0,
        f"No newsletter sign-up found for {ADDRESS.upper()}; nothing removed.",
    )
    assert sum(copies(db).values()) == 0


def test_a_copy_freed_earlier_without_secure_delete_is_vacuumed(
    db: Path, other_connection: sqlite3.Connection
) -> None:
    """A purge by an older version left the address in free space: forget finds it and
    rebuilds the file, and says so."""
    other_connection.execute(INSERT, (ADDRESS,))
    for other in OTHERS:
        other_connection.execute(INSERT, (other,))
    other_connection.execute(INSERT, (ADDRESS,))
    other_connection.execute(
        "DELETE FROM newsletter WHERE id = (SELECT min(id) FROM newsletter)"
    )  # secure_delete off: the bytes stay
    other_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = db.stat().st_size

    code, out = forget(db)

    assert code == 0, out
    assert out.splitlines()[-1] == (
        "An earlier deletion had left a copy in the file's free space: "
        "the database was rebuilt (VACUUM) to remove it."
    )
    assert copies(db) == {"answers.db": 0, "answers.db-wal": 0, "answers.db-shm": 0}
    assert db.stat().st_size <= size
    assert len(Store.open_existing(db).newsletter_rows()) == 200


def test_vacuum_when_asked(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute(INSERT, (ADDRESS,))
    conn.close()
    code, out = forget(db, "--vacuum")
    assert code == 0
    assert "rebuilt" not in out  # asked for, so not reported as a finding
    assert sum(copies(db).values()) == 0


def test_an_address_inside_a_longer_one_still_stored_is_not_a_copy(db: Path) -> None:
    store = Store.open_existing(db)
    with sqlite3.connect(db) as conn:
        conn.execute(INSERT, ("k" + ADDRESS,))
        conn.execute(INSERT, (ADDRESS,))
    conn.close()
    code, _ = forget(db)
    assert code == 0
    assert [row.email for row in store.newsletter_rows()] == ["k" + ADDRESS]


def _limit_file_size(limit: int) -> Callable[[], None]:
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_forget_on_a_full_disk_is_one_plain_line(db: Path) -> None:
    """RLIMIT_FSIZE makes every write past 1 KB fail, as a full disk would."""
    with sqlite3.connect(db) as conn:
        conn.execute(INSERT, (ADDRESS,))
    conn.close()
    command = [sys.executable, "-m", "storysite", "feedback", "forget", ADDRESS, "--db", str(db)]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_limit_file_size(1024),
    )
    assert done.returncode == 1
    assert done.stderr.startswith("Error: ")
    assert done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr + done.stdout
    # nothing was half done: the sign-up is still there for the next try
    assert [row.email for row in Store.open_existing(db).newsletter_rows()] == [ADDRESS]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert sum(copies(db).values()) == 0


@pytest.mark.usefixtures("platform_without_secure_delete")
def test_purge_leaves_no_copy_in_the_wal_either(
    db: Path, other_connection: sqlite3.Connection
) -> None:
    other_connection.execute(INSERT, (ADDRESS,))
    result = CliRunner().invoke(
        feedback, ["purge", "--db", str(db), "--older-than", "30", "--kind", "newsletter"]
    )
    assert result.exit_code == 0
    assert "Removed 0 feedback answer(s) and 1 newsletter sign-up(s)" in result.output
    assert copies(db) == {"answers.db": 0, "answers.db-wal": 0, "answers.db-shm": 0}


def test_forget_on_a_read_only_database_is_one_plain_line(
    db: Path, file_modes_apply: Callable[[], None] | None
) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute(INSERT, (ADDRESS,))
    conn.close()
    db.chmod(0o400)
    command = [sys.executable, "-m", "storysite", "feedback", "forget", ADDRESS, "--db", str(db)]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=60, preexec_fn=file_modes_apply
    )
    assert done.returncode == 1
    assert done.stderr == (
        "Error: the database could not do that: attempt to write a readonly database\n"
    )
    db.chmod(0o600)
    assert [row.email for row in Store.open_existing(db).newsletter_rows()] == [ADDRESS]
