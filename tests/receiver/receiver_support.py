"""Helpers for the receiver tests: real servers in subprocesses, real HTTP."""

from __future__ import annotations

import http.client
import json
import select
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

THANKS_BASE = "https://stories.example.nhs.uk/"
STARTUP_TIMEOUT = 15.0


def site_with_config(root: Path, config: str) -> Path:
    """A site folder holding only ``storysite.toml``, for the receiver's --site option."""
    site = root / "site"
    site.mkdir()
    (site / "storysite.toml").write_text(config, encoding="utf-8")
    return site


@dataclass(frozen=True)
class Reply:
    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Server:
    proc: subprocess.Popen[str]
    port: int
    db: Path

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, path, body=body, headers=dict(headers or {}))
            response = conn.getresponse()
            return Reply(
                response.status,
                {k.lower(): v for k, v in response.getheaders()},
                response.read(),
            )
        finally:
            conn.close()

    def post(
        self,
        path: str,
        fields: Mapping[str, str] | list[tuple[str, str]],
        *,
        as_json: bool = False,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        sent = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        if as_json:
            sent["Accept"] = "application/json"
        return self.request("POST", path, urlencode(fields).encode(), sent)

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        conn = sqlite3.connect(f"{self.db.as_uri()}?mode=ro", uri=True)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()


def _wait_for_port(proc: subprocess.Popen[str]) -> int:
    assert proc.stdout is not None
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], deadline - time.monotonic())
        if not ready:
            break
        line = proc.stdout.readline()
        if not line:
            break
        if "listening on http://" in line:
            return int(line.strip().rstrip("/").rsplit(":", 1)[1])
    proc.kill()
    raise RuntimeError(f"receiver did not start (exit code {proc.poll()})")


def _wait_until_healthy(port: int) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)  # polling interval, not a fixed wait
        finally:
            conn.close()


def start_server(db: Path, *args: str) -> Server:
    cmd = [sys.executable, "-m", "storysite.receiver", "--db", str(db), "--port", "0", *args]
    log = (db.parent / f"{db.stem}.stderr.log").open("w")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, text=True)
    log.close()
    port = _wait_for_port(proc)
    _wait_until_healthy(port)
    return Server(proc, port, db)


def stop_server(server: Server) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        server.proc.wait()
    if server.proc.stdout:
        server.proc.stdout.close()


StartServer = Callable[..., Server]
