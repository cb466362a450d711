"""The database files: owner-only, and every failure a plain message or a 503."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from receiver_support import Server, StartServer, start_server, stop_server


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def sidecars(db: Path) -> list[Path]:
    return [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]


def test_db_wal_and_shm_are_owner_only_under_a_lax_umask(fresh_server: StartServer) -> None:
    old = os.umask(0o022)
    try:
        srv = fresh_server("--rate-limit", "0")
        reader = sqlite3.connect(srv.db)
        reader.execute("SELECT count(*) FROM feedback").fetchone()  # keeps -wal and -shm
        assert srv.post("/feedback", {"story": "s", "useful": "yes"}).status == 200
        assert {p.name: oct(mode(p)) for p in sidecars(srv.db)} == {
            "own.db": "0o600",
            "own.db-wal": "0o600",
            "own.db-shm": "0o600",
        }
        reader.close()
    finally:
        os.umask(old)


def test_an_older_world_readable_database_is_made_owner_only(
    tmp_path: Path, fresh_server: StartServer
) -> None:
    db = tmp_path / "own.db"
    reader = sqlite3.connect(db)
    reader.execute("PRAGMA journal_mode = WAL")
    reader.execute("CREATE TABLE other (x)")
    for path in sidecars(db):
        path.chmod(0o644)
    srv = fresh_server("--rate-limit", "0")
    assert {p.name: oct(mode(p)) for p in sidecars(db)} == {
        "own.db": "0o600",
        "own.db-wal": "0o600",
        "own.db-shm": "0o600",
    }
    assert srv.post("/feedback", {"story": "s", "useful": "no"}).status == 200
    reader.close()


def test_a_database_made_read_only_then_writable_recovers_by_itself(
    tmp_path: Path, file_modes_apply: Callable[[], None] | None
) -> None:
    db = tmp_path / "answers.db"
    srv = start_server(db, "--rate-limit", "0", preexec_fn=file_modes_apply)
    try:
        assert srv.post("/feedback", {"story": "s", "useful": "yes"}).status == 200
        db.chmod(0o400)  # with no -wal or -shm: SQLite makes them read-only too
        refused = srv.post("/feedback", {"story": "s", "useful": "yes"}, as_json=True)
        assert (refused.status, refused.headers["retry-after"]) == (503, "30")
        db.chmod(0o600)  # -wal and -shm are left as they are, as a person would
        statuses = [
            srv.post("/feedback", {"story": "s", "rating": "3"}, as_json=True).status
            for _ in range(3)
        ]
        assert statuses == [200, 200, 200]
        assert srv.rows("SELECT count(*) FROM feedback") == [(4,)]
    finally:
        stop_server(srv)


def test_a_database_deleted_while_running_is_503_not_500(fresh_server: StartServer) -> None:
    srv: Server = fresh_server("--rate-limit", "0")
    assert srv.post("/feedback", {"story": "s", "useful": "yes"}).status == 200
    for path in sidecars(srv.db):
        path.unlink(missing_ok=True)
    reply = srv.post("/feedback", {"story": "s", "useful": "yes"}, as_json=True)
    assert (reply.status, reply.headers["retry-after"], reply.json()) == (
        503,
        "30",
        {"ok": False, "error": "We could not save that just now; please try again shortly."},
    )
    page = srv.post("/newsletter", {"email": "a@example.org", "consent": "yes"})
    assert page.status == 503
    assert b"Traceback" not in page.body and str(srv.db).encode() not in page.body
    assert not srv.db.exists()  # not silently made again, empty, somewhere unexpected


def test_a_database_folder_that_cannot_be_made_is_one_line_exit_1(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    db = blocker / "data" / "answers.db"
    done = subprocess.run(
        [sys.executable, "-m", "storysite", "receive", "--db", str(db), "--output", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert (done.returncode, done.stderr) == (
        1,
        f"Error: cannot create database {db}: Not a directory\n",
    )
