"""Helpers for the receiver tests: real servers in subprocesses, real HTTP."""

from __future__ import annotations

import ctypes
import http.client
import json
import os
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

PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER = 1, 2, 3
THANKS_BASE = "https://stories.example.nhs.uk/"
STARTUP_TIMEOUT = 15.0
CONSENT = "2026-11"  # the shared server's consent wording version
# Slugs every test receiver takes feedback for (its built site's search index lists them).
DEFAULT_SLUGS = (
    "limited",
    "s",
    "schema-check",
    "canary",
    "p",
    "from-env",
    "last",
    *(f"story-{n}" for n in range(7)),
)


def publish(output: Path, slugs: tuple[str, ...] | list[str]) -> None:
    """Write a built site's search index listing these stories, replacing it whole
    (as a build does), so a running receiver sees the new list."""
    output.mkdir(parents=True, exist_ok=True)
    stories = [{"url": f"stories/{slug}/", "title": slug} for slug in slugs]
    staging = output / "search-index.json.tmp"
    staging.write_text(json.dumps({"stories": stories}), encoding="utf-8")
    os.replace(staging, output / "search-index.json")


def published(output: Path) -> list[str]:
    data = json.loads((output / "search-index.json").read_text(encoding="utf-8"))
    return [entry["url"].split("/")[1] for entry in data["stories"]]


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
    output: Path

    def publish(self, *slugs: str) -> None:
        """Add stories to the site this receiver serves (as a new build would)."""
        publish(self.output, [*published(self.output), *slugs])

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


def _output_for(db: Path, args: tuple[str, ...]) -> tuple[Path, tuple[str, ...]]:
    """The built site the receiver reads: --output if given, else SITE/output, else a
    folder beside the database; one listing DEFAULT_SLUGS is written if there is none."""
    if "--output" in args:
        return Path(args[args.index("--output") + 1]), ()
    if "--site" in args:
        output = Path(args[args.index("--site") + 1]) / "output"
        extra: tuple[str, ...] = ()
    else:
        output = db.parent / f"{db.stem}-site"
        extra = ("--output", str(output))
    if not (output / "search-index.json").exists():
        publish(output, DEFAULT_SLUGS)
    return output, extra


def start_server(db: Path, *args: str, **popen: Any) -> Server:
    output, extra = _output_for(db, args)
    cmd = [sys.executable, "-m", "storysite.receiver", "--db", str(db), "--port", "0"]
    log = (db.parent / f"{db.stem}.stderr.log").open("w")
    proc = subprocess.Popen(
        [*cmd, *args, *extra], stdout=subprocess.PIPE, stderr=log, text=True, **popen
    )
    log.close()
    port = _wait_for_port(proc)
    _wait_until_healthy(port)
    return Server(proc, port, db, output)


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


def _without_root_override() -> None:
    """Drop the capabilities that let root ignore file modes (from the bounding set, so
    the receiver this process becomes never has them)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "cannot drop a capability")


def file_modes_apply() -> Callable[[], None] | None:
    """How to start a process that file modes apply to: as root, one without the
    capabilities that let root ignore them; otherwise as it is."""
    if os.geteuid() != 0:
        return None
    probe = subprocess.run(["true"], preexec_fn=_without_root_override, check=False)
    assert probe.returncode == 0
    return _without_root_override
