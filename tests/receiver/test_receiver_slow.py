"""Slow clients: 150 connections each sending a header line every 2 s (loopback only).

Straight to the receiver, its connection limit must leave room for a normal post.
Behind the nginx example in docs/feedback.md, nginx must close them all itself.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from receiver_support import Server, StartServer

SLOW_CLIENTS = 150
DRIBBLE_EVERY = 2.0
BOUND = 30.0  # the whole test, slow clients included, ends within this
DOCS = Path(__file__).resolve().parents[2] / "docs"


@dataclass
class SlowClients:
    """Connections that send a request head one line every DRIBBLE_EVERY seconds."""

    port: int
    count: int
    closed_by_server: list[float] = field(default_factory=list)
    sockets: list[socket.socket] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self.started = time.monotonic()
        for _ in range(self.count):
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            sock.sendall(b"POST /feedback HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            sock.setblocking(False)
            self.sockets.append(sock)
        self._thread = threading.Thread(target=self._dribble, daemon=True)
        self._thread.start()

    def _dribble(self) -> None:
        line = 0
        while not self._stop.wait(DRIBBLE_EVERY):
            line += 1
            for sock in self.sockets:
                if sock.fileno() == -1:
                    continue
                try:
                    if sock.recv(1024) == b"":
                        raise ConnectionResetError
                except BlockingIOError:
                    pass
                except OSError:
                    self.closed_by_server.append(time.monotonic() - self.started)
                    sock.close()
                    continue
                try:
                    sock.sendall(f"X-Slow-{line}: {line}\r\n".encode())
                except OSError:
                    self.closed_by_server.append(time.monotonic() - self.started)
                    sock.close()

    def still_open(self) -> int:
        return sum(1 for sock in self.sockets if sock.fileno() != -1)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        for sock in self.sockets:
            sock.close()


@pytest.fixture
def slow_clients() -> Iterator[list[SlowClients]]:
    made: list[SlowClients] = []
    yield made
    for clients in made:
        clients.stop()


def timed_post(srv: Server, port: int) -> tuple[int, float]:
    start = time.monotonic()
    via = Server(srv.proc, port, srv.db, srv.output)
    status = via.post("/feedback", {"story": "s", "useful": "yes"}, as_json=True).status
    return status, time.monotonic() - start


def test_150_slow_clients_do_not_keep_a_post_out_of_the_receiver(
    fresh_server: StartServer, slow_clients: list[SlowClients]
) -> None:
    deadline = time.monotonic() + BOUND
    srv = fresh_server("--rate-limit", "0")
    clients = SlowClients(srv.port, SLOW_CLIENTS)
    slow_clients.append(clients)
    clients.start()
    time.sleep(DRIBBLE_EVERY * 2 + 0.5)  # let them settle in, sending as they go
    assert clients.still_open() == SLOW_CLIENTS
    status, took = timed_post(srv, srv.port)
    assert status == 200
    assert took < 5.0
    assert srv.rows("SELECT count(*) FROM feedback") == [(1,)]
    assert time.monotonic() < deadline


# --- behind nginx -------------------------------------------------------------------


def nginx_block(text: str, first_line: str) -> str:
    """The body of the ```nginx block in a doc whose first line is `first_line`."""
    for block in re.findall(r"```nginx\n(.*?)```", text, flags=re.DOTALL):
        lines = block.splitlines()
        if lines and lines[0].strip() == first_line:
            return "\n".join(lines[1:]) + "\n"
    raise AssertionError(f"no nginx block starting {first_line!r}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def nginx_config(work: Path, receiver_port: int, port: int) -> Path:
    """nginx.conf built around the three blocks docs/feedback.md gives."""
    doc = (DOCS / "feedback.md").read_text(encoding="utf-8")
    snippet = nginx_block(doc, "# snippets/storysite-receiver.conf")
    snippet = snippet.replace("http://127.0.0.1:8080;", f"http://127.0.0.1:{receiver_port};")
    (work / "storysite-receiver.conf").write_text(snippet, encoding="utf-8")
    server = nginx_block(doc, "# nginx server { } block").replace(
        "snippets/storysite-receiver.conf", str(work / "storysite-receiver.conf")
    )
    temp = "\n".join(
        f"{name}_temp_path {work / name};" for name in ("client_body", "proxy", "fastcgi")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""
    config = f"""{user}worker_processes 1;
pid {work / "nginx.pid"};
error_log {work / "error.log"} info;
events {{ worker_connections 1024; }}
http {{
{temp}
uwsgi_temp_path {work / "uwsgi"};
scgi_temp_path {work / "scgi"};
{nginx_block(doc, "# nginx http { } block")}
server {{
listen 127.0.0.1:{port};
{server}
}}
}}
"""
    path = work / "nginx.conf"
    path.write_text(config, encoding="utf-8")
    return path


def find_nginx() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/sbin/nginx") if os.access(p, os.X_OK)), None
    )


@pytest.fixture
def nginx(tmp_path: Path, fresh_server: StartServer) -> Iterator[tuple[Server, int]]:
    binary = find_nginx()
    if binary is None:
        pytest.skip("nginx is not installed (scripts/ci-setup.sh installs it)")
    srv = fresh_server("--rate-limit", "0", "--trusted-proxy", "127.0.0.1")
    port = free_port()
    config = nginx_config(tmp_path, srv.port, port)
    checked = subprocess.run([binary, "-t", "-c", str(config)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    proc = subprocess.Popen(
        [binary, "-c", str(config), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.05)  # polling interval, not a fixed wait
        yield srv, port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_the_docs_nginx_sheds_150_slow_clients(
    nginx: tuple[Server, int], slow_clients: list[SlowClients]
) -> None:
    deadline = time.monotonic() + BOUND
    srv, port = nginx
    clients = SlowClients(port, SLOW_CLIENTS)
    slow_clients.append(clients)
    clients.start()
    time.sleep(DRIBBLE_EVERY * 2 + 0.5)
    status, took = timed_post(srv, port)
    assert status == 200
    assert took < 5.0
    assert srv.rows("SELECT count(*) FROM feedback") == [(1,)]
    # nginx closes every one of them after client_header_timeout (10 s), however
    # busily they keep sending; the receiver never sees them
    while clients.still_open() and time.monotonic() < deadline - 1:
        time.sleep(0.5)  # polling interval
    assert clients.still_open() == 0
    assert len(clients.closed_by_server) == SLOW_CLIENTS
    assert min(clients.closed_by_server) >= 9.0
    assert max(clients.closed_by_server) <= 16.0
    assert time.monotonic() < deadline


def test_hosting_page_gives_the_same_tested_nginx_example() -> None:
    feedback_doc = (DOCS / "feedback.md").read_text(encoding="utf-8")
    hosting_doc = (DOCS / "hosting.md").read_text(encoding="utf-8")
    for first_line in (
        "# nginx http { } block",
        "# nginx server { } block",
        "# snippets/storysite-receiver.conf",
    ):
        assert nginx_block(hosting_doc, first_line) == nginx_block(feedback_doc, first_line)
