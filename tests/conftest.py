"""Fixtures shared by every test folder; helpers live in sitekit.py."""

import os
from collections.abc import Iterator

import pytest
from sitekit import make_site  # noqa: F401


@pytest.fixture(autouse=True, scope="session")
def _user_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Builds sign their cache with a key in the user's cache folder: give the tests
    their own, so they never write into the real one."""
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("user-cache"))
    yield
    if before is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = before
