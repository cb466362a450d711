"""Helpers for the browser suite: the served example site, the receiver, the tools.

Everything runs on this machine: a stdlib HTTP server on a free loopback port serves
the built site under a sub-path (so a root-absolute link would break), and the
feedback receiver runs in a subprocess on another free loopback port.
"""

from __future__ import annotations

import datetime as dt
import http.server
import json
import os
import select
import shutil
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[2]
TODAY = "2026-11-27"
PREFIX = "/news/stories/"
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SCREENSHOTS = REPO / "build" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]
REQUIRE_ENV = "STORYSITE_REQUIRE_BROWSER"
AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(" ") + " — " + n.failureSummary),
  }));
}"""
OVERFLOW = """() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const wide = [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > width + 1)
    .slice(0, 5)
    .map(e => e.tagName.toLowerCase() + (e.className ? "." + e.className : "")
              + " right=" + Math.round(e.getBoundingClientRect().right));
  return {scroll: root.scrollWidth, client: width, wide: wide};
}"""

# The story the temporary copy adds: it has an image and a content warning, and a word
# ("lanterns") found only in its body, so search can be tested on body text.
IMAGE_STORY_SLUG = "lanterns-on-the-ward"
IMAGE_STORY = """\
---
title: Lanterns on the ward
date: 2026-10-05
summary: Paper lanterns, a long table and a ward that felt less like a corridor.
tags: [inpatient care, co-production]
content_warning: This story mentions self-harm and a stay in hospital.
image: {src: images/lanterns.png, alt: Paper lanterns hanging above a long table}
consent:
  publish: true
  date: 2026-09-20
---
On Kestrel Ward the evenings were the hardest part of the day. A group of patients
and nurses spent six weeks making paper lanterns for the day room.

![A row of orange paper lanterns](images/lanterns.png)

The lanterns are still there. New patients ask about them, and somebody always
knows the story.
"""


def require(ok: bool, what: str) -> None:
    """Skip when a tool is missing, unless CI asked for a failure instead."""
    if ok:
        return
    message = f"{what} — run scripts/ci-setup.sh to install the browser-test tools"
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{REQUIRE_ENV}=1 but {message}", pytrace=False)
    pytest.skip(message)


def java_ok() -> bool:
    java = shutil.which("java")
    if java is None:
        return False
    done = subprocess.run([java, "-version"], capture_output=True, timeout=60, check=False)
    return done.returncode == 0


# --- the static server -------------------------------------------------------------


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the output folder at PREFIX only, and 404.html (status 404) for the rest."""

    server: SiteServer

    def translate_path(self, path: str) -> str:
        url_path = unquote(urlsplit(path).path)
        root = self.server.root
        if not url_path.startswith(PREFIX):
            return str(root / ".no-such-file")
        parts = [p for p in url_path[len(PREFIX) :].split("/") if p not in ("", ".")]
        if ".." in parts or any("\\" in p or p.startswith(".") for p in parts):
            return str(root / ".no-such-file")
        target = root.joinpath(*parts)
        if url_path.endswith("/"):
            return str(target) + os.sep
        return str(target)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        not_found = self.server.root / "404.html"
        if code != 404 or not not_found.is_file():
            super().send_error(code, message, explain)
            return
        body = not_found.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        self.server.log.append(format % args)


class SiteServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: Path) -> None:
        self.root = root
        self.log: list[str] = []
        super().__init__(("127.0.0.1", 0), SiteHandler)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    @property
    def base(self) -> str:
        return self.origin + PREFIX


@dataclass
class Served:
    server: SiteServer
    thread: threading.Thread

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


def serve(root: Path) -> Served:
    server = SiteServer(root)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    return Served(server, thread)


# --- the receiver ------------------------------------------------------------------


@dataclass
class Receiver:
    proc: subprocess.Popen[str]
    port: int
    db: Path
    log: Path

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def export(self, kind: str = "feedback") -> list[dict[str, Any]]:
        """What `feedback export --format json` prints, as Python data."""
        from storysite.receiver.commands import feedback

        result = CliRunner().invoke(
            feedback, ["export", "--db", str(self.db), "--kind", kind, "--format", "json"]
        )
        assert result.exit_code == 0, result.output
        rows: list[dict[str, Any]] = json.loads(result.output)
        return rows

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


def start_receiver(db: Path, thanks_base: str, output: Path, consent_version: str) -> Receiver:
    """The receiver takes feedback for the stories in `output` (the built site) and
    sign-ups agreeing to the site's `consent_version`."""
    log = db.with_suffix(".log")
    with log.open("w", encoding="utf-8") as err:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "storysite.receiver",
                "--db",
                str(db),
                "--port",
                "0",
                "--thanks-base",
                thanks_base,
                "--rate-limit",
                "0",
                "--output",
                str(output),
                "--consent-version",
                consent_version,
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )
    assert proc.stdout is not None
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], max(0.0, deadline - time.monotonic()))
        line = proc.stdout.readline() if ready else ""
        if not line:
            break
        if "listening on http://" in line:
            port = int(line.strip().rstrip("/").rsplit(":", 1)[1])
            return Receiver(proc, port, db, log)
    proc.kill()
    raise RuntimeError(f"the receiver did not start: {log.read_text(encoding='utf-8')}")


# --- the site copy -----------------------------------------------------------------


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")


def toml_dumps(data: dict[str, Any], prefix: str = "") -> str:
    """Enough TOML for storysite.toml: tables, arrays of tables, scalars and lists."""
    lines: list[str] = []
    tables: list[str] = []
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            tables.append(f"[{name}]\n" + toml_dumps(value, f"{name}."))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for item in value:
                tables.append(f"[[{name}]]\n" + toml_dumps(item, f"{name}."))
        else:
            lines.append(f"{key} = {toml_value(value)}")
    return "\n".join(lines) + ("\n" if lines else "") + "\n".join(tables)


def tiny_png(path: Path) -> None:
    """A small, plain PNG: orange lanterns on a dark ground."""
    from PIL import Image, ImageDraw

    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", (240, 120), (33, 43, 50))
    draw = ImageDraw.Draw(image)
    for i in range(5):
        x = 20 + i * 45
        draw.line([(x + 15, 0), (x + 15, 30)], fill=(200, 200, 200), width=2)
        draw.ellipse([x, 30, x + 30, 80], fill=(237, 139, 0))
    image.save(path, format="PNG")


def copy_example_site(dest: Path, *, base_url: str, receiver: str) -> Path:
    """The repository's example site with the served base URL, the receiver's form
    addresses, two stories a page (so page 2 exists) and a story with an image."""
    dest.mkdir(parents=True)
    for folder in ("stories", "templates", "images"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, dest / folder)
    config = tomllib.loads((REPO / "storysite.toml").read_text(encoding="utf-8"))
    config.setdefault("site", {}).update(base_url=base_url, per_page=2)
    config.setdefault("feedback", {})["action"] = f"{receiver}/feedback"
    config.setdefault("newsletter", {})["action"] = f"{receiver}/newsletter"
    (dest / "storysite.toml").write_text(toml_dumps(config), encoding="utf-8")
    (dest / "stories" / "2026-10-05-lanterns.md").write_text(IMAGE_STORY, encoding="utf-8")
    tiny_png(dest / "images" / "lanterns.png")
    return dest


def build(site: Path, output: Path) -> str:
    """Build with the project's own command; the output folder must not exist yet."""
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("storysite")),
            "build",
            "--site",
            str(site),
            "--output",
            str(output),
            "--today",
            TODAY,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, f"the build failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@dataclass(frozen=True)
class Site:
    """The example site, built and served under a sub-path, with its receiver."""

    base: str  # http://127.0.0.1:PORT/news/stories/
    origin: str  # http://127.0.0.1:PORT
    output: Path
    source: Path
    receiver: Receiver
    report: str
    server_log: list[str]  # every request the site's server answered, as logged

    def url(self, path: str = "") -> str:
        return self.base + path


# --- what a page did -----------------------------------------------------------------


@dataclass
class PageLog:
    """Every request a page made, and every console error or uncaught exception."""

    requests: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    favicon: list[str] = field(default_factory=list)

    def attach(self, page: Any) -> None:
        page.on("request", self._request)
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))

    def _request(self, request: Any) -> None:
        # Chromium asks the host's root for /favicon.ico by itself when a page names no
        # icon; that is tested on its own (test_pages_name_their_own_icon).
        if urlsplit(request.url).path == "/favicon.ico":
            self.favicon.append(request.url)
            return
        self.requests.append((request.method, request.url))

    def _console(self, message: Any) -> None:
        if message.type != "error":
            return
        where = str(message.location.get("url", ""))
        if urlsplit(where).path == "/favicon.ico":
            self.favicon.append(where)
            return
        self.errors.append(f"console: {message.text} ({where})")

    def foreign(self, *allowed: str) -> list[str]:
        """Requests to anywhere but the allowed origins (prefixes)."""
        return [
            f"{method} {url}"
            for method, url in self.requests
            if not any(url.startswith(a) for a in allowed)
        ]


# Every page type a reader can reach: (name, path under the base, expected status).
PAGE_TYPES: tuple[tuple[str, str, int], ...] = (
    ("index", "", 200),
    ("page-2", "page/2/", 200),
    ("story", f"stories/{IMAGE_STORY_SLUG}/", 200),
    ("tags", "tags/", 200),
    ("tag", "tags/co-production/", 200),
    ("archive", "archive/", 200),
    ("search", "search/", 200),
    ("search-results", "search/?q=lanterns", 200),
    ("not-found", "no-such-story/", 404),
    ("accessibility", "accessibility/", 200),
    ("feedback-thanks", "feedback/thanks/", 200),
    ("newsletter-thanks", "newsletter/thanks/", 200),
)


NewPage = Callable[..., tuple[Any, "PageLog"]]
