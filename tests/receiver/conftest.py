"""Fixtures: real receivers in subprocesses on free loopback ports."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from receiver_support import (
    CONSENT,
    THANKS_BASE,
    Server,
    StartServer,
    file_modes_apply,
    start_server,
    stop_server,
)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Shared receiver with the rate limit off; tests keep apart by using their own slug."""
    db = tmp_path_factory.mktemp("shared") / "receiver.db"
    srv = start_server(
        db, "--rate-limit", "0", "--thanks-base", THANKS_BASE, "--consent-version", CONSENT
    )
    yield srv
    stop_server(srv)


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[StartServer]:
    """Factory for a receiver of one's own (e.g. with the default rate limit)."""
    started: list[Server] = []

    def start(*args: str, name: str = "own.db") -> Server:
        srv = start_server(tmp_path / name, *args)
        started.append(srv)
        return srv

    yield start
    for srv in started:
        stop_server(srv)


@pytest.fixture(name="file_modes_apply")
def file_modes_apply_fixture() -> Callable[[], None] | None:
    """preexec_fn for a process that file modes apply to (None when not root)."""
    return file_modes_apply()


@pytest.fixture
def slug(server: Server) -> str:
    """A new story slug, published on the shared server's site."""
    new = f"story-{uuid.uuid4().hex[:12]}"
    server.publish(new)
    return new


@pytest.fixture
def email() -> str:
    return f"person.{uuid.uuid4().hex[:8]}@example.org"
