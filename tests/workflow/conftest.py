"""The fresh, installed copy of the repository that the deployment tests share (made
once per session: installing storysite takes a few seconds)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from deploykit import fresh_copy, install_as_readme_says


@pytest.fixture(scope="session")
def installed_clone() -> Iterator[Path]:
    """A fresh copy in a folder anyone may enter (as /srv is), installed as README.md
    says (which builds it too)."""
    old = os.umask(0o022)
    try:
        with tempfile.TemporaryDirectory(prefix="storysite-srv-", dir="/tmp") as base:
            os.chmod(base, 0o755)
            clone = fresh_copy(Path(base) / "harbour-lane")
            install_as_readme_says(clone)
            yield clone
    finally:
        os.umask(old)
