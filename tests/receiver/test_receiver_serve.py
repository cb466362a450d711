"""Serving: the command's errors, and create_app under another WSGI runner."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from receiver_support import Server, publish, stop_server

RECEIVE = [sys.executable, "-m", "storysite.receiver"]


def run_receive(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*RECEIVE, *args], capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--site", "{site}"), "no storysite.toml"),
        (("--thanks-base", "javascript:alert(1)"), "base URL must be"),
        (("--thanks-base", "https://x.example/?next=evil"), "must not have a query"),
    ],
)
def test_bad_configuration_is_one_line_exit_1(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    site = tmp_path / "empty-site"
    site.mkdir()
    db = tmp_path / "r.db"
    output = ("--output", str(tmp_path / "output"))
    done = run_receive(
        "--db", str(db), "--port", "0", *output, *(a.format(site=site) for a in args)
    )
    assert done.returncode == 1
    assert done.stderr.startswith("Error: ") and message in done.stderr
    assert done.stderr.count("\n") == 1


def test_broken_site_config_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "storysite.toml").write_text("[site\nbase_url = ")
    done = run_receive("--db", str(tmp_path / "r.db"), "--site", str(tmp_path))
    assert done.returncode == 1
    assert "cannot read" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("--db", "x.db", "--rate-limit", "-1"),
        ("--db", "x.db", "--port", "70000"),
        ("--db", "x.db", "--consent-version", "=cmd|x"),
    ],
)
def test_wrong_usage_is_exit_2(tmp_path: Path, args: tuple[str, ...]) -> None:
    done = subprocess.run(
        [*RECEIVE, *args], capture_output=True, text=True, timeout=30, cwd=tmp_path
    )
    assert done.returncode == 2
    assert not (tmp_path / "x.db").exists()


def test_create_app_runs_under_waitress_serve(tmp_path: Path) -> None:
    """`waitress-serve --call storysite.receiver:create_app` (gunicorn is the same idea)."""
    db = tmp_path / "env.db"
    env = {
        **os.environ,
        "STORYSITE_RECEIVER_DB": str(db),
        "STORYSITE_RECEIVER_THANKS_BASE": "https://env.example/site",
        "STORYSITE_RECEIVER_RATE_LIMIT": "0",
        "STORYSITE_RECEIVER_OUTPUT": str(tmp_path / "built"),
    }
    publish(tmp_path / "built", ["from-env"])
    cmd = [
        sys.executable,
        "-m",
        "waitress",
        "--listen=127.0.0.1:0",
        "--call",
        "storysite.receiver:create_app",
    ]
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    port = 0
    deadline = time.monotonic() + 15
    while not port and time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stderr], [], [], deadline - time.monotonic())
        line = proc.stderr.readline() if ready else ""
        if "Serving on http://" in line:
            port = int(line.strip().rstrip("/").rsplit(":", 1)[1])
        elif not line:
            break
    server = Server(proc, port, db, tmp_path / "built")
    try:
        assert port, "waitress did not report its port"
        reply = server.post("/feedback", {"story": "from-env", "useful": "yes"})
        assert reply.status == 303
        assert reply.headers["location"] == "https://env.example/site/feedback/thanks/"
        assert server.rows("SELECT story FROM feedback") == [("from-env",)]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stderr.close()


def test_server_stops_cleanly(tmp_path: Path) -> None:
    from receiver_support import start_server

    srv = start_server(tmp_path / "stop.db", "--rate-limit", "0")
    assert srv.post("/feedback", {"story": "last", "useful": "yes"}, as_json=True).status == 200
    stop_server(srv)
    assert srv.proc.returncode is not None
    assert srv.rows("SELECT story FROM feedback") == [("last",)]


def test_receive_listens_on_loopback_only_by_default(tmp_path: Path) -> None:
    publish(tmp_path / "built", ["s"])
    where = ["--db", str(tmp_path / "r.db"), "--output", str(tmp_path / "built")]
    proc = subprocess.Popen(
        [*RECEIVE, *where, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("storysite receiver listening on http://127.0.0.1:")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout:
            proc.stdout.close()
