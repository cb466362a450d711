"""A fresh copy of this repository, installed as README.md says, for the tests that
follow README.md and docs/hosting.md as written."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MARKER = "<!-- tested: "
SERVER_DIR = "/srv/harbour-lane"


def documented_blocks(document: str, test_file: str) -> list[tuple[str, str]]:
    """The fenced blocks of ``document`` marked as tested by ``test_file``, in order,
    each as (language, text)."""
    text = (REPO / document).read_text(encoding="utf-8")
    found = re.findall(
        r"^<!-- tested: ([^\s]+)[^\n]*-->\n```(\w*)\n(.*?)^```$", text, re.MULTILINE | re.DOTALL
    )
    return [(language, body) for name, language, body in found if name == test_file]


def tracked_files() -> list[str]:
    """The files a fresh clone holds (what git tracks, as in this working tree)."""
    done = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True, timeout=60
    )
    return [name for name in done.stdout.decode().split("\0") if name]


def fresh_copy(target: Path) -> Path:
    """Copy every tracked file of this working tree to ``target``: a fresh clone of it,
    uncommitted edits included, without .venv, output or caches."""
    for name in tracked_files():
        source = REPO / name
        if not source.is_file():
            continue  # removed in this working tree, not yet committed
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
    return target


def sh(
    command: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run one documented shell command under umask 022, as a login shell would."""
    return subprocess.run(
        ["sh", "-c", f"umask 022 && {command}"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, **(env or {})},
    )


def install_as_readme_says(clone: Path) -> None:
    """Run README.md's tested install block, line by line, in ``clone``."""
    [(language, block)] = documented_blocks("README.md", "tests/workflow/test_nginx.py")
    assert language == "sh"
    env = {"PYTHONDONTWRITEBYTECODE": "1"}
    for line in block.splitlines():
        done = sh(line, clone, env)
        assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"
