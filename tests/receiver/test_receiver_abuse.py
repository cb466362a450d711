"""Rate limit, concurrency and what is (not) stored about the people who post."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor

from receiver_support import Server, StartServer


def test_default_rate_limit_is_20_posts_a_minute(fresh_server: StartServer) -> None:
    srv = fresh_server()  # no --rate-limit: the default applies
    statuses = [
        srv.post("/feedback", {"story": "limited", "useful": "yes"}, as_json=True).status
        for _ in range(20)
    ]
    assert statuses == [200] * 20
    blocked = srv.post("/feedback", {"story": "limited", "useful": "yes"}, as_json=True)
    assert blocked.status == 429
    assert 1 <= int(blocked.headers["retry-after"]) <= 60
    assert blocked.json()["ok"] is False
    # the limit covers both forms, and a refused post is not stored
    signup = {"email": "a@example.org", "consent": "yes"}
    assert srv.post("/newsletter", signup).status == 429
    assert srv.rows("SELECT count(*) FROM feedback") == [(20,)]
    assert srv.rows("SELECT count(*) FROM newsletter") == [(0,)]
    # the health check is not rate limited
    assert srv.request("GET", "/").status == 200


def test_rate_limit_is_configurable(fresh_server: StartServer) -> None:
    srv = fresh_server("--rate-limit", "2")
    codes = [
        srv.post("/feedback", {"story": "s", "useful": "no"}, as_json=True).status for _ in range(3)
    ]
    assert codes == [200, 200, 429]
    # without --trusted-proxy a forged X-Forwarded-For does not buy a fresh allowance
    forged = {"X-Forwarded-For": "198.51.100.9"}
    assert srv.post("/feedback", {"story": "s", "useful": "no"}, headers=forged).status == 429


def test_200_concurrent_posts_none_lost(fresh_server: StartServer) -> None:
    srv = fresh_server("--rate-limit", "0")

    def send(n: int) -> int:
        fields = {"story": f"story-{n % 7}", "rating": str(n % 5 + 1), "useful": "yes"}
        return srv.post("/feedback", fields, as_json=True).status

    with ThreadPoolExecutor(max_workers=32) as pool:
        statuses = list(pool.map(send, range(200)))
    assert statuses == [200] * 200
    assert srv.rows("SELECT count(*) FROM feedback") == [(200,)]
    assert srv.rows("SELECT count(DISTINCT story), sum(rating) FROM feedback") == [
        (7, sum(n % 5 + 1 for n in range(200)))
    ]


ADDRESS_LIKE = ("addr", "agent", "cookie", "remote", "client", "host", "referer", "referrer")


def looks_like_tracking(column: str) -> bool:
    return "ip" in column.split("_") or any(word in column for word in ADDRESS_LIKE)


def test_tracking_column_check_can_fail() -> None:
    assert looks_like_tracking("ip")
    assert looks_like_tracking("client_ip")
    assert looks_like_tracking("user_agent")
    assert looks_like_tracking("ip_address")
    assert not looks_like_tracking("email")
    assert not looks_like_tracking("recipient")


def test_no_table_has_a_column_for_an_address_or_agent(server: Server) -> None:
    server.post(
        "/feedback", {"story": "schema-check", "useful": "yes"}
    )  # make sure everything exists
    conn = sqlite3.connect(f"{server.db.as_uri()}?mode=ro", uri=True)
    try:
        tables = [
            name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        columns = {
            table: [row[1].lower() for row in conn.execute(f"PRAGMA table_info('{table}')")]
            for table in tables
        }
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        conn.close()
    assert {"feedback", "newsletter"} <= set(tables)
    offending = [(t, c) for t, names in columns.items() for c in names if looks_like_tracking(c)]
    assert offending == []
    assert version >= 1
    assert mode == "wal"


def test_headers_never_reach_the_database(fresh_server: StartServer) -> None:
    srv = fresh_server("--rate-limit", "0")
    agent = "AgentMarker/9.9 (canary-8f3a)"
    headers = {
        "User-Agent": agent,
        "X-Forwarded-For": "203.0.113.77",
        "Cookie": "session=cookie-canary-51c2",
        "Referer": f"http://127.0.0.1:{srv.port}/stories/referer-canary/",
    }
    assert srv.post("/feedback", {"story": "canary", "useful": "yes"}, headers=headers).status
    srv.post("/newsletter", {"email": "c@example.org", "consent": "yes"}, headers=headers)
    assert srv.rows("SELECT count(*) FROM feedback") == [(1,)]
    blob = b"".join(p.read_bytes() for p in srv.db.parent.glob(srv.db.name + "*"))
    for canary in (agent, "203.0.113.77", "127.0.0.1", "cookie-canary", "referer-canary"):
        assert canary.encode() not in blob


def test_trusted_proxy_limits_each_forwarded_client(fresh_server: StartServer) -> None:
    srv = fresh_server("--rate-limit", "1", "--trusted-proxy", "127.0.0.1")

    def from_client(address: str) -> int:
        forwarded = {"X-Forwarded-For": address}
        return srv.post(
            "/feedback", {"story": "p", "rating": "4"}, as_json=True, headers=forwarded
        ).status

    assert from_client("192.0.2.1") == 200
    assert from_client("192.0.2.2") == 200  # a different visitor behind the same proxy
    assert from_client("192.0.2.1") == 429
    blob = b"".join(p.read_bytes() for p in srv.db.parent.glob(srv.db.name + "*"))
    assert b"192.0.2." not in blob
