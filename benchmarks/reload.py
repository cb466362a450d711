"""How long `storysite serve` takes to show a saved story: measured over HTTP.

Starts ``storysite serve`` on a copy of a site, on a free loopback port, and waits
until it answers. Then, a few times over: appends a new sentence to one story file and
polls that story's page until a response holds the sentence. The reload time is from
the moment the file was written to the first response that shows the change: the
server's wait for its next look at the files (it looks every 0.3 s), the rebuild, and
the page being served. The median is reported. A server that dies, or a change that
does not appear within the time allowed, stops the run with the server's last lines.

    .venv/bin/python benchmarks/reload.py SITE STORY-FILE SLUG [--trials 5]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

HERE = Path(__file__).resolve().parent
TODAY = "2026-11-27"
#: One new sentence per trial, each found in no story before it is written.
ROUNDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
POLL = 0.02  # seconds between two requests for the page
#: Stop measuring after a reload this slow: more trials would only say the same.
HOPELESS = 10.0
#: Loopback only, whatever proxy the environment names.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class ReloadError(Exception):
    """The server died, or never showed the change: the message says which."""


def sentence(trial: int) -> str:
    return f"We checked the preview again in reload round {ROUNDS[trial]}."


class Server:
    """``storysite serve`` in a child process, its output read as it comes."""

    def __init__(self, command: Path, site: Path, timeout: float) -> None:
        self.command = [str(command), "serve", "--site", str(site), "--port", "0"]
        self.command += ["--host", "127.0.0.1", "--today", TODAY]
        self.timeout = timeout
        self.lines: list[str] = []
        self.url = ""
        self.process: subprocess.Popen[str] | None = None

    def __enter__(self) -> Server:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            self.command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
        )
        threading.Thread(target=self._read, daemon=True).start()
        self._wait_for_url()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # serve cleans up its folder on TERM
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def _read(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            found = re.search(r"Preview at (http://\S+/)", line)
            if found:
                self.url = found.group(1)

    def alive(self) -> None:
        """Raise, with the server's last lines, if it has stopped."""
        assert self.process is not None
        code = self.process.poll()
        if code is not None:
            time.sleep(0.1)  # let the reader thread take the last lines
            raise ReloadError(f"storysite serve exited {code}:\n{self.tail()}")

    def tail(self) -> str:
        return "\n".join(self.lines[-15:])

    def _wait_for_url(self) -> None:
        deadline = time.perf_counter() + self.timeout
        while not self.url:
            self.alive()
            if time.perf_counter() > deadline:
                raise ReloadError(f"storysite serve gave no address in {self.timeout:.0f} s")
            time.sleep(0.05)

    def version(self) -> int:
        with OPENER.open(self.url + "__storysite/version", timeout=10) as response:
            return int(json.load(response)["version"])

    def page(self, path: str) -> tuple[int, str]:
        """The status and text of one page (an error status is an answer too)."""
        try:
            with OPENER.open(self.url + path, timeout=10) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return 0, ""  # no answer: the caller checks the server is alive and retries


def poll_until(server: Server, path: str, text: str, started: float, limit: float) -> float:
    """Seconds from ``started`` to the first response for ``path`` that holds ``text``."""
    status = 0
    while True:
        server.alive()
        status, page = server.page(path)
        if text in page:
            return time.perf_counter() - started
        if time.perf_counter() - started > limit:
            raise ReloadError(
                f"{path} did not show the edit within {limit:.0f} s (last answer: HTTP "
                f"{status}); the server said:\n{server.tail()}"
            )
        time.sleep(POLL)


def settle(server: Server, before: int, limit: float) -> None:
    """Wait until the server has finished the rebuild the last edit started."""
    deadline = time.perf_counter() + limit
    while server.version() <= before:
        server.alive()
        if time.perf_counter() > deadline:
            raise ReloadError(f"the preview's version stayed at {before} for {limit:.0f} s")
        time.sleep(POLL)
    time.sleep(0.5)  # past the server's next look at the files: nothing left to rebuild


def trial(server: Server, story: Path, path: str, number: int, limit: float) -> float:
    text = sentence(number)
    before = server.version()
    with story.open("a", encoding="utf-8") as handle:
        handle.write(f"\n{text}\n")
    started = time.perf_counter()
    seconds = poll_until(server, path, text, started, limit)
    settle(server, before, limit)
    return seconds


def copy_site(site: Path, copy: Path) -> Path:
    """The site with its cache (a warm preview, as after a build), without its output."""
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("output", "output.previous"))
    return copy


def measure(
    command: Path, site: Path, story: str, slug: str, trials: int = 5, stories: int = 1000
) -> list[float]:
    """Reload times, in seconds, on a copy of ``site`` (the copy is removed after)."""
    copy = copy_site(site, site.parent / f"{site.name}-serve")
    limit = 60 + stories * 0.1  # a rebuild under serve: generous, never endless
    times: list[float] = []
    try:
        with Server(command, copy, timeout=120 + stories * 0.2) as server:
            path = f"stories/{slug}/"
            status, _ = server.page(path)
            if status != 200:
                raise ReloadError(
                    f"{path} answered HTTP {status} before any edit; the server said:\n"
                    + server.tail()
                )
            for number in range(min(trials, len(ROUNDS))):
                times.append(trial(server, copy / "stories" / story, path, number, limit))
                if times[-1] > HOPELESS:
                    break
    finally:
        shutil.rmtree(copy, ignore_errors=True)
    return times


def summary(times: Sequence[float]) -> str:
    listed = ", ".join(f"{t:.2f}" for t in times)
    return f"median {statistics.median(times):.2f} s of {len(times)} ({listed})"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("site", type=Path)
    parser.add_argument("story", help="the story's file name in SITE/stories")
    parser.add_argument("slug", help="the story's slug: its page is stories/SLUG/")
    parser.add_argument("--trials", type=int, default=5)
    args = parser.parse_args(argv)
    command = Path(sys.executable).parent / "storysite"
    count = len(list((args.site / "stories").glob("*.md")))
    try:
        times = measure(command, args.site, args.story, args.slug, args.trials, count)
    except ReloadError as error:
        print(f"benchmarks/reload.py: {error}", file=sys.stderr)
        return 1
    print(f"serve reload: {summary(times)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
