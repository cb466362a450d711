"""`storysite serve`: a local preview that rebuilds when a file changes.

The preview builds into a temporary folder (never the site's output/), with held
stories included so staff can read them. Everything that marks the preview is added
by this server as it sends each page: a reload script, a robots ``noindex`` tag, and
on held stories a banner saying why they are not published. The theme is untouched,
and none of it can reach a real build.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import json
import multiprocessing
import os
import re
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import unquote, urlsplit

from storysite.build import Decision, build_site
from storysite.config import load_config
from storysite.errors import ContentErrors, StorySiteError
from storysite.writing import MARKER

PREFIX = "/__storysite/"
POLL_SECONDS = 0.3

RELOAD_JS = """\
(function () {
  var script = document.currentScript;
  var seen = script ? script.getAttribute("data-version") : null;
  function poll() {
    fetch("/__storysite/version", {cache: "no-store"})
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (seen !== null && String(data.version) !== seen) { location.reload(); return; }
        seen = String(data.version);
        setTimeout(poll, 700);
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  poll();
})();
"""

PREVIEW_CSS = """\
.storysite-preview-banner { background: #fff3bf; border: 4px solid #b35c00; color: #1a1a1a;
  margin: 0; padding: 1rem 1.5rem; font: 1rem/1.5 system-ui, sans-serif; }
.storysite-preview-banner ul { margin: 0.5rem 0 0; }
.storysite-preview-error { font: 1rem/1.5 system-ui, sans-serif; max-width: 50rem;
  margin: 2rem auto; padding: 0 1rem; }
.storysite-preview-error pre { white-space: pre-wrap; background: #fdecea; padding: 1rem; }
"""

_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
_BODY_START = re.compile(r"<body\b[^>]*>", re.IGNORECASE)


@dataclass(frozen=True)
class PreviewState:
    """The result of the latest build: its number, its error, and which pages are held."""

    version: int = 0
    error: str | None = None
    held: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


class Preview:
    """Builds the site into a temporary folder and remembers what the last build said."""

    def __init__(self, site_dir: Path, today: dt.date | None, folder: Path) -> None:
        self.site_dir = site_dir
        self.today = today
        self.output = folder / "site"
        self.state = PreviewState()
        self._lock = threading.Lock()
        self._builder: _Builder | None = None

    def rebuild(self) -> PreviewState:
        """Build again (in the builder process when there is one) and remember what the
        build said. A build that found nothing changed keeps the held pages' banners."""
        result = self._builder.build() if self._builder is not None else None
        error, held = result if result is not None else self.build_here()
        with self._lock:
            self.state = PreviewState(
                self.state.version + 1, error, self.state.held if held is None else held
            )
            return self.state

    def build_here(self) -> tuple[str | None, dict[str, tuple[str, ...]] | None]:
        """One build in this process: its error, and the held pages with their banners
        (None: nothing had changed, so the last build's still stand)."""
        held: dict[str, tuple[str, ...]] = {}

        def note(decision: Decision, _total: int) -> None:
            if not decision.published:
                held[f"stories/{decision.story.slug}/index.html"] = banner_reasons(decision)

        try:
            config = load_config(self.site_dir)
            report = build_site(
                config,
                self.today or dt.date.today(),
                self.output,
                include_held=True,
                on_story=note,
                in_place=True,
            )
        except ContentErrors as problems:
            return "\n".join(str(p) for p in problems.problems), {}
        except StorySiteError as failure:
            return failure.format_message(), {}
        except Exception as failure:  # a bug must not stop the preview; show it instead
            return f"the preview could not build the site ({type(failure).__name__}: {failure})", {}
        return None, (None if report.unchanged else held)

    def start_builder(self) -> None:
        """Build from now on in a process of its own, forked while this one has no other
        thread: there a build can use every core (a process with a server thread
        must not fork) and keeps what it read from one build to the next."""
        self._builder = _Builder.start(self)

    def stop_builder(self) -> None:
        if self._builder is not None:
            self._builder.stop()
            self._builder = None


class _Builder:
    """The preview's builds, run in a child process on request."""

    def __init__(self, process: Any, connection: Any) -> None:
        self.process, self.connection = process, connection

    @classmethod
    def start(cls, preview: Preview) -> _Builder | None:
        if "fork" not in multiprocessing.get_all_start_methods():
            return None
        context = multiprocessing.get_context("fork")
        ours, theirs = context.Pipe()
        process = context.Process(
            target=_build_on_request, args=(preview, theirs), name="storysite-preview-builder"
        )
        process.start()
        theirs.close()
        return cls(process, ours)

    def build(self) -> tuple[str | None, dict[str, tuple[str, ...]] | None] | None:
        """The build's result, or None when the builder is gone (build here instead)."""
        try:
            self.connection.send(True)
            result: tuple[str | None, dict[str, tuple[str, ...]] | None] = self.connection.recv()
        except (EOFError, OSError):
            return None
        return result

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.connection.send(False)
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
        self.connection.close()


def _build_on_request(preview: Preview, connection: Any) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the server; it stops us
    with contextlib.suppress(EOFError, OSError):
        while connection.recv():
            connection.send(preview.build_here())


def banner_reasons(decision: Decision) -> tuple[str, ...]:
    """Why a story is held, in plain words: each consent reason, and each word the
    anonymiser could not decide with its line and what to do (not "see the findings")."""
    reasons = [r.message for r in decision.reasons if r.rule != "findings"]
    for finding in decision.findings:
        where = f"line {finding.line} of {finding.path}" if finding.line else finding.path
        reasons.append(
            f"the anonymiser could not decide whether '{finding.word}' ({where}) is a person "
            f"to protect (it {finding.why.rstrip('.')}). To fix it: {finding.fix.rstrip('.')}."
        )
    return tuple(reasons)


def snapshot(site_dir: Path) -> frozenset[tuple[str, int, int, int, int]]:
    """What the preview watches: every file of the site folder (stories, templates,
    pictures, the site file) but hidden folders (the cache), built sites and log files
    (``storysite serve > serve.log`` in the site folder would otherwise rebuild after
    every line it writes). A file's size, times and inode: an edit that keeps the size
    and sets the time back still changes the change time."""
    found = set()
    for root, dirs, files in os.walk(site_dir):
        dirs[:] = [
            d for d in dirs
            if not d.startswith(".") and d != "node_modules"
            and not os.path.exists(os.path.join(root, d, MARKER))
        ]  # fmt: skip
        for name in files:
            if name.endswith(".log"):
                continue
            path = os.path.join(root, name)
            try:
                info = os.stat(path)
            except OSError:
                continue
            found.add((path, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino))
    return frozenset(found)


def inject(page: str, version: int, held: tuple[str, ...] | None) -> str:
    """Mark a page as the preview's: noindex, the reload script, and the held banner."""
    head = (
        '<meta name="robots" content="noindex">\n'
        f'<link rel="stylesheet" href="{PREFIX}preview.css">\n'
        f'<script src="{PREFIX}reload.js" data-version="{version}" defer></script>\n'
    )
    match = _HEAD_END.search(page)
    page = page[: match.start()] + head + page[match.start() :] if match else head + page
    if held is None:
        return page
    reasons = "".join(f"<li>{html.escape(r)}</li>" for r in held)
    banner = (
        '<div class="storysite-preview-banner" role="alert"><p><strong>Preview only: this '
        "story is not published.</strong> It is shown here, anonymised, so you can read it. "
        f"It is held because:</p><ul>{reasons}</ul></div>\n"
    )
    body = _BODY_START.search(page)
    return page[: body.end()] + "\n" + banner + page[body.end() :] if body else banner + page


def error_page(message: str, version: int) -> str:
    """Shown instead of the site while the last build failed, so nothing stale is read."""
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>The preview could not be built</title></head><body>"
        '<main class="storysite-preview-error"><h1>The preview could not be built</h1>'
        "<p>Fix what is listed below and save the file: this page reloads by itself.</p>"
        f"<pre>{html.escape(message)}</pre></main></body></html>\n"
    )
    return inject(page, version, None)


class PreviewHandler(SimpleHTTPRequestHandler):
    """Serves the latest preview build, marking each HTML page on the way out."""

    def __init__(self, *args: Any, preview: Preview, log: bool = False, **kwargs: Any) -> None:
        self.preview = preview
        self.log = log
        super().__init__(*args, directory=str(preview.output), **kwargs)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        if self.log:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        state = self.preview.state
        if path.startswith(PREFIX):
            self._own(path[len(PREFIX) :], state)
        elif state.error is not None:
            self._send(500, "text/html; charset=utf-8", error_page(state.error, state.version))
        else:
            page = self._html_file(path)
            if page is None:
                super().do_GET()
                return
            relative = page.relative_to(self.preview.output).as_posix()
            text = inject(page.read_text("utf-8"), state.version, state.held.get(relative))
            self._send(200, "text/html; charset=utf-8", text)

    def _own(self, name: str, state: PreviewState) -> None:
        if name == "version":
            body = json.dumps({"version": state.version, "error": state.error is not None})
            self._send(200, "application/json", body)
        elif name == "reload.js":
            self._send(200, "text/javascript; charset=utf-8", RELOAD_JS)
        elif name == "preview.css":
            self._send(200, "text/css; charset=utf-8", PREVIEW_CSS)
        else:
            self._send(404, "text/plain; charset=utf-8", "not found\n")

    def _html_file(self, url_path: str) -> Path | None:
        """The HTML file this URL serves, or None to let the standard handler answer."""
        target = Path(self.translate_path(url_path))
        if target.is_dir():
            if not url_path.endswith("/"):
                return None  # the standard handler redirects to the slash form
            target = target / "index.html"
        output = self.preview.output.resolve()
        try:
            target.resolve().relative_to(output)
        except ValueError:
            return None
        return target if target.suffix == ".html" and target.is_file() else None

    def _send(self, status: int, kind: str, text: str) -> None:
        body = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def run(
    site_dir: Path,
    host: str,
    port: int,
    today: dt.date | None,
    say: Callable[[str], None],
    verbose: bool = False,
) -> None:
    """Serve the preview until interrupted (Ctrl+C or SIGTERM); clean up the folder."""
    with tempfile.TemporaryDirectory(prefix="storysite-preview-") as temp:
        preview = Preview(site_dir, today, Path(temp))
        preview.start_builder()
        try:
            _serve(site_dir, host, port, preview, say, verbose)
        finally:
            preview.stop_builder()


def _serve(
    site_dir: Path,
    host: str,
    port: int,
    preview: Preview,
    say: Callable[[str], None],
    verbose: bool,
) -> None:
    seen = snapshot(site_dir)
    _report(say, preview.rebuild())
    server = _listen(host, port, preview, verbose)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        say(f"Preview at {_url(host, server.server_address[1])} — press Ctrl+C to stop.")
        while True:
            time.sleep(POLL_SECONDS)
            now = snapshot(site_dir)
            if now != seen:
                seen = now
                _report(say, preview.rebuild())
    except KeyboardInterrupt:
        say("Preview stopped.")
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.shutdown()
        server.server_close()


def _listen(host: str, port: int, preview: Preview, verbose: bool) -> ThreadingHTTPServer:
    def handler(*args: Any) -> PreviewHandler:
        return PreviewHandler(*args, preview=preview, log=verbose)

    try:
        return ThreadingHTTPServer((host, port), handler)
    except OSError as error:
        raise StorySiteError(
            f"cannot listen on {host}:{port} ({error.strerror or error}) — choose another "
            "--port, or --port 0 for any free port"
        ) from None


def _url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def _report(say: Callable[[str], None], state: PreviewState) -> None:
    stamp = time.strftime("%H:%M:%S")
    if state.error is None:
        count = len(state.held)
        shown = f"{count} held {'story' if count == 1 else 'stories'}"
        say(f"{stamp} built the preview ({shown} shown with a banner)")
    else:
        first = state.error.splitlines()[0] if state.error else ""
        say(f"{stamp} the preview could not be built: {first}")


def _stop(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt
