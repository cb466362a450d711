"""storysite serve, as a real subprocess on a free port: edits show without a restart."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sitekit import TODAY, MakeSite, story

from storysite.serve import snapshot

DEADLINE = 20.0


class Served:
    def __init__(self, process: subprocess.Popen[str], url: str) -> None:
        self.process = process
        self.url = url

    def get(self, path: str = "") -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=5) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")

    def wait_for(self, path: str, test: Callable[[int, str], bool]) -> tuple[int, str]:
        end = time.monotonic() + DEADLINE
        while True:
            status, text = self.get(path)
            if test(status, text):
                return status, text
            if time.monotonic() > end:
                pytest.fail(f"{path}: not as expected within {DEADLINE}s: {status} {text[:300]}")
            time.sleep(0.2)


def _read_lines(stream: object, lines: queue.Queue[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        lines.put(line)


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[[Path], Served]]:
    processes: list[subprocess.Popen[str]] = []

    def start(site: Path) -> Served:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        process = subprocess.Popen(
            [sys.executable, "-m", "storysite", "serve", "--site", str(site), "--port", "0",
             "--today", TODAY],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
        )  # fmt: skip
        processes.append(process)
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=_read_lines, args=(process.stdout, lines), daemon=True).start()
        end = time.monotonic() + DEADLINE
        seen = []
        while time.monotonic() < end:
            try:
                line = lines.get(timeout=0.5)
            except queue.Empty:
                continue
            seen.append(line)
            if "Preview at " in line:
                url = line.split("Preview at ", 1)[1].split()[0]
                return Served(process, url)
        pytest.fail(f"serve printed no address: {''.join(seen)}")

    yield start
    for process in processes:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_serve_shows_an_edit_made_after_it_started(make_site: MakeSite, serve: Callable) -> None:
    site = make_site({"a.md": story(title="Hello", body="First words.")})
    served = serve(site)
    assert served.url.startswith("http://127.0.0.1:") and not served.url.endswith(":0/")
    status, page = served.wait_for("stories/hello/", lambda s, t: "First words." in t)
    assert status == 200
    assert '<script src="/__storysite/reload.js"' in page
    version = json.loads(served.get("__storysite/version")[1])["version"]
    (site / "stories/a.md").write_text(story(title="Hello", body="Second words."))
    served.wait_for("stories/hello/", lambda s, t: "Second words." in t)
    served.wait_for("__storysite/version", lambda s, t: json.loads(t)["version"] > version)
    status, script = served.get("__storysite/reload.js")
    assert status == 200 and "/__storysite/version" in script
    assert not (site / "output").exists()


def test_held_stories_show_with_a_banner_only_in_the_preview(
    make_site: MakeSite, serve: Callable
) -> None:
    people = "people:\n  - name: Jane Doe\n    named: false\n    shown_as: a friend\n"
    site = make_site(
        {
            "a.md": story(title="Public"),
            "b.md": story(title="Waiting", body="Jane Doe waits.", consent="", extra=people),
        }
    )
    served = serve(site)
    _, held = served.wait_for("stories/waiting/", lambda s, t: s == 200)
    assert '<meta name="robots" content="noindex">' in held
    assert "this story is not published" in held
    assert "consent to publish is not recorded" in held
    assert "A friend waits." in held and "Jane" not in held
    _, public = served.get("stories/public/")
    assert "not published" not in public
    assert (site / "output").exists() is False


def test_a_build_error_shows_instead_of_a_stale_site(make_site: MakeSite, serve: Callable) -> None:
    site = make_site({"a.md": story(title="Hello", body="Old words.")})
    served = serve(site)
    served.wait_for("stories/hello/", lambda s, t: "Old words." in t)
    (site / "stories/a.md").write_text("---\ntitle: Hello\ndate: 2020-99-99\n---\nNew words.\n")
    _status, page = served.wait_for("stories/hello/", lambda s, t: s == 500)
    assert "The preview could not be built" in page
    assert "stories/a.md:3:" in page and "Old words." not in page
    (site / "stories/a.md").write_text(story(title="Hello", body="Fixed words."))
    served.wait_for("stories/hello/", lambda s, t: s == 200 and "Fixed words." in t)


def test_serve_refuses_a_port_in_use(make_site: MakeSite, serve: Callable) -> None:
    site = make_site({"a.md": story()})
    served = serve(site)
    port = served.url.rsplit(":", 1)[1].strip("/")
    done = subprocess.run(
        [sys.executable, "-m", "storysite", "serve", "--site", str(site), "--port", port],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "--port 0" in done.stderr and "Traceback" not in done.stderr


def test_the_preview_does_not_watch_log_files(make_site: MakeSite) -> None:
    """`storysite serve > serve.log` in the site folder: each line it writes must not
    start another rebuild (an outside tester saw one every half second)."""
    site = make_site({"a.md": story(title="Walk")})
    (site / "serve.log").write_text("built the preview\n", encoding="utf-8")
    before = snapshot(site)
    with (site / "serve.log").open("a", encoding="utf-8") as log:
        log.write("built the preview again\n")
    assert snapshot(site) == before
    (site / "stories" / "a.md").write_text(story(title="Walk, again"), encoding="utf-8")
    assert snapshot(site) != before
