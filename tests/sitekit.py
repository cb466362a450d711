"""Shared test helpers: build real sites in temporary folders from a dict of files."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from storysite.cli import main

TODAY = "2026-11-27"
BASIC_CONFIG = """\
[site]
title = "Test stories"
base_url = "https://stories.example.org/news/"
"""


def story(
    title: str = "A story",
    body: str = "Some words.",
    date: str = "2020-01-01",
    extra: str = "",
    consent: str = "consent:\n  publish: true\n  date: 2020-01-01\n",
) -> str:
    """A story file with valid consent unless told otherwise."""
    front = f"title: {title}\ndate: {date}\n{consent}{textwrap.dedent(extra)}"
    return f"---\n{front}---\n{textwrap.dedent(body)}"


def write_files(root: Path, files: Mapping[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


MakeSite = Callable[..., Path]


@pytest.fixture
def make_site(tmp_path: Path) -> MakeSite:
    counter = iter(range(1000))

    def make(
        stories: Mapping[str, str | bytes] | None = None,
        config: str = BASIC_CONFIG,
        files: Mapping[str, str | bytes] | None = None,
    ) -> Path:
        root = tmp_path / f"site{next(counter)}"
        all_files: dict[str, str | bytes] = {"storysite.toml": config}
        all_files.update({f"stories/{k}": v for k, v in (stories or {}).items()})
        all_files.update(files or {})
        return write_files(root, all_files)

    return make


def run_build(site: Path, *args: str, today: str = TODAY) -> Result:
    return CliRunner().invoke(main, ["build", "--site", str(site), "--today", today, *args])


def run_subprocess(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "storysite", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def read_tree(output: Path) -> dict[str, bytes]:
    return {
        p.relative_to(output).as_posix(): p.read_bytes()
        for p in sorted(output.rglob("*"))
        if p.is_file()
    }


def all_text(output: Path) -> str:
    return "\n".join(b.decode("utf-8", "replace") for b in read_tree(output).values())


def today() -> dt.date:
    return dt.date.fromisoformat(TODAY)


def kill_build_midway(site: Path, written: str = "stories/*") -> None:
    """Start a build in a subprocess and SIGKILL it once its staging folder holds
    files matching ``written``. Fails if the build ends before it can be killed."""
    process = subprocess.Popen(
        [sys.executable, "-m", "storysite", "build", "--site", str(site), "--today", TODAY],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    staging = None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        found = [p for p in site.glob(".storysite-tmp-*") if any(p.glob(written))]
        if found:
            staging = found[0]
            break
        time.sleep(0.001)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert staging is not None, "the build finished before it could be interrupted"
    assert process.returncode == -signal.SIGKILL
