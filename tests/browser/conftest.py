"""Session fixtures for the browser suite: one built site, one server, one browser.

The tools (Debian's Chromium, axe-core and the Nu HTML Checker from node_modules/, a
Java runtime) are skipped when missing, or fail when STORYSITE_REQUIRE_BROWSER=1 (CI).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from browserkit import (
    AXE_JS,
    CHROMIUM,
    CHROMIUM_ARGS,
    REPO,
    VNU_JAR,
    NewPage,
    PageLog,
    Served,
    Site,
    build,
    copy_example_site,
    java_ok,
    require,
    serve,
    start_receiver,
)

from storysite.receiver.sitecfg import read_consent_version


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: real-browser, accessibility and HTML-validity checks (tests/browser)"
    )


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    work = tmp_path_factory.mktemp("browser")
    output = work / "output"
    served: Served = serve(output)
    consent = read_consent_version(REPO) or "1"  # what the copy's forms will send
    receiver = start_receiver(work / "receiver.db", served.server.base, output, consent)
    try:
        source = copy_example_site(
            work / "site", base_url=served.server.base, receiver=receiver.origin
        )
        report = build(source, output)
        yield Site(
            served.server.base,
            served.server.origin,
            output,
            source,
            receiver,
            report,
            served.server.log,
        )
    finally:
        receiver.stop()
        served.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, launched once for the whole session."""
    require(CHROMIUM.is_file(), f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "Playwright for Python is not installed (pip install -e '.[test]')")
        raise
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def new_page(browser: Any) -> Iterator[NewPage]:
    """Factory: a page in a fresh context, with its requests and errors recorded."""
    contexts: list[Any] = []

    def make(**options: Any) -> tuple[Any, PageLog]:
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(locale="en-GB", **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        log = PageLog()
        log.attach(page)
        return page, log

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def axe_source() -> Path:
    require(AXE_JS.is_file(), f"{AXE_JS} is missing (npm ci --ignore-scripts)")
    return AXE_JS


def run_vnu(target: Path) -> list[dict[str, Any]]:
    """The Nu HTML Checker's errors for every HTML file in target (a file or folder)."""
    java = shutil.which("java")
    assert java is not None
    done = subprocess.run(
        [
            java,
            "-jar",
            str(VNU_JAR),
            "--errors-only",
            "--skip-non-html",
            "--format",
            "json",
            "--stdout",
            str(target),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    try:
        messages: list[dict[str, Any]] = json.loads(done.stdout)["messages"]
    except (json.JSONDecodeError, KeyError) as exc:
        raise AssertionError(
            f"vnu gave no JSON (exit {done.returncode}):\n{done.stdout}\n{done.stderr}"
        ) from exc
    return messages


@pytest.fixture(scope="session")
def vnu() -> Callable[[Path], list[dict[str, Any]]]:
    require(java_ok(), "java is not installed (apt-get install default-jre-headless)")
    require(VNU_JAR.is_file(), f"{VNU_JAR} is missing (npm ci --ignore-scripts)")
    return run_vnu
