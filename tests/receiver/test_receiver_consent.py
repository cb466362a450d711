"""Consent evidence is append-only, and only the site's own pages can add to it."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from receiver_support import CONSENT, THANKS_BASE, Server, StartServer

from storysite.receiver.commands import feedback
from storysite.receiver.store import NewsletterSignup, Store

NOW = datetime.now(UTC)
SELECT = "SELECT email, consent_version, page FROM newsletter WHERE email = ? ORDER BY id"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(feedback, list(args))
    return result.exit_code, result.output


def test_a_second_sign_up_never_rewrites_the_first_and_export_shows_both(
    tmp_path: Path,
) -> None:
    db = tmp_path / "answers.db"
    store = Store.create(db)
    first = NOW - timedelta(days=300)
    store.add_signup(NewsletterSignup("ada.fen@example.org", "2025-03", "stories/"), at=first)
    store.add_signup(NewsletterSignup("ADA.FEN@example.org", "2026-11", "about/"), at=NOW)
    code, out = run("export", "--db", str(db), "--kind", "newsletter", "--format", "json")
    assert code == 0
    events = [{k: v for k, v in row.items() if k != "id"} for row in json.loads(out)]
    assert events == [
        {
            "email": "ada.fen@example.org",
            "received_at": first.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "consent_version": "2025-03",
            "page": "stories/",
        },
        {
            "email": "ADA.FEN@example.org",
            "received_at": NOW.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "consent_version": "2026-11",
            "page": "about/",
        },
    ]
    code, out = run("export", "--db", str(db), "--kind", "newsletter")
    assert [row["consent_version"] for row in csv.DictReader(io.StringIO(out))] == [
        "2025-03",
        "2026-11",
    ]


def test_signing_up_again_does_not_put_off_the_purge(tmp_path: Path) -> None:
    db = tmp_path / "answers.db"
    store = Store.create(db)
    store.add_signup(NewsletterSignup("old@example.org", "1", None), at=NOW - timedelta(days=400))
    store.add_signup(NewsletterSignup("OLD@example.org", "2", None), at=NOW - timedelta(days=1))
    store.add_signup(NewsletterSignup("recent@example.org", "2", None), at=NOW)
    code, out = run("purge", "--db", str(db), "--older-than", "365", "--kind", "newsletter")
    assert code == 0
    assert "Removed 0 feedback answer(s) and 2 newsletter sign-up(s)" in out
    assert [row.email for row in store.newsletter_rows()] == ["recent@example.org"]


def test_the_database_refuses_to_change_an_event(tmp_path: Path) -> None:
    db = tmp_path / "answers.db"
    Store.create(db).add_signup(NewsletterSignup("a@example.org", "1", None))
    conn = sqlite3.connect(db)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE newsletter SET received_at = '2030-01-01T00:00:00Z'")
    conn.close()


def test_a_database_from_the_first_schema_keeps_its_sign_ups(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    conn = sqlite3.connect(db)
    conn.executescript(
        """
        CREATE TABLE feedback (id INTEGER PRIMARY KEY, received_at TEXT NOT NULL,
            story TEXT NOT NULL, useful TEXT, rating INTEGER, usefulness INTEGER, page TEXT);
        CREATE TABLE newsletter (id INTEGER PRIMARY KEY,
            email TEXT NOT NULL UNIQUE COLLATE NOCASE, received_at TEXT NOT NULL,
            consent_version TEXT NOT NULL, page TEXT);
        INSERT INTO newsletter VALUES (7, 'kit@example.org', '2025-01-02T03:04:05Z', 'v1', 'x/');
        PRAGMA user_version = 1;
        """
    )
    conn.close()
    store = Store.create(db)
    store.add_signup(NewsletterSignup("kit@example.org", "v2", None), at=NOW)
    first = store.newsletter_rows()[0]
    assert (first.id, first.email, first.received_at, first.consent_version) == (
        7,
        "kit@example.org",
        "2025-01-02T03:04:05Z",
        "v1",
    )
    assert len(store.newsletter_rows()) == 2


# --- who may post -------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://stories.example.nhs.uk"},  # same host, other scheme
        {"Origin": "https://stories.example.nhs.uk:8443"},
        {"Origin": "https://stories.example.nhs.uk.evil.example"},
        {"Referer": "https://evil.example/stories.example.nhs.uk/"},
        {"Origin": "https://evil.example", "Referer": THANKS_BASE + "stories/x/"},
    ],
)
def test_a_post_from_another_site_is_403_and_not_stored(
    server: Server, email: str, slug: str, headers: dict[str, str]
) -> None:
    signup = server.post("/newsletter", {"email": email, "consent": "yes"}, headers=headers)
    answer = server.post(
        "/feedback", {"story": slug, "useful": "yes"}, as_json=True, headers=headers
    )
    assert signup.status == 403
    assert b"This form can only be sent from the site&#x27;s pages." in signup.body
    assert (answer.status, answer.json()) == (
        403,
        {"ok": False, "error": "This form can only be sent from the site's pages."},
    )
    assert server.rows(SELECT, (email,)) == []
    assert server.rows("SELECT count(*) FROM feedback WHERE story = ?", (slug,)) == [(0,)]


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://stories.example.nhs.uk"},
        {"Origin": "https://STORIES.example.nhs.uk:443"},
        {"Referer": THANKS_BASE + "stories/low-tide/"},
        {},  # privacy tools may strip both
    ],
)
def test_a_post_from_the_site_is_taken(server: Server, email: str, headers: dict[str, str]) -> None:
    reply = server.post("/newsletter", {"email": email, "consent": "yes"}, headers=headers)
    assert reply.status == 303
    assert server.rows(SELECT, (email,)) == [(email, CONSENT, None)]


def test_without_base_url_the_site_is_this_host(fresh_server: StartServer, email: str) -> None:
    srv = fresh_server("--rate-limit", "0", "--consent-version", CONSENT)
    here = {"Origin": f"http://127.0.0.1:{srv.port}"}
    assert srv.post("/newsletter", {"email": email, "consent": "yes"}, headers=here).status == 200
    there = {"Origin": "http://127.0.0.1:1"}
    assert srv.post("/newsletter", {"email": email, "consent": "yes"}, headers=there).status == 403
    v6 = {"Host": "[::1]:8443", "Origin": "https://[::1]:8443"}
    assert srv.post("/newsletter", {"email": email, "consent": "yes"}, headers=v6).status == 200
    named = {"Host": "Stories.Example.org", "Origin": "https://stories.example.org"}
    assert srv.post("/newsletter", {"email": email, "consent": "yes"}, headers=named).status == 200
    for host, origin in [
        ("stories.example.org", "https://evil.example"),
        ("stories.example.org:8080", "https://stories.example.org"),
        ("[::1]:8443", "https://[::1]:9443"),
        ("", "https://stories.example.org"),
    ]:
        sent = {"Host": host, "Origin": origin}
        reply = srv.post("/newsletter", {"email": email, "consent": "yes"}, headers=sent)
        assert reply.status == 403, sent
    assert srv.rows(SELECT, (email,)) == [(email, CONSENT, None)] * 3


# --- what may be posted -------------------------------------------------------------


@pytest.mark.parametrize("version", ["2026-10", "2026-11b", "2026-12", "unspecified", "1"])
def test_a_consent_version_the_site_does_not_show_is_400(
    server: Server, email: str, version: str
) -> None:
    fields = {"email": email, "consent": "yes", "consent_version": version}
    reply = server.post("/newsletter", fields, as_json=True)
    assert (reply.status, reply.json()["error"]) == (
        400,
        "consent_version is not the wording this site shows now: reload the page and sign up again",
    )
    assert server.rows(SELECT, (email,)) == []


def test_site_without_consent_version_accepts_the_builds_default(
    fresh_server: StartServer, tmp_path: Path, email: str
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "storysite.toml").write_text('[site]\ntitle = "T"\n', encoding="utf-8")
    srv = fresh_server("--site", str(site))
    fields = {"email": email, "consent": "yes", "consent_version": "1"}
    assert srv.post("/newsletter", fields, as_json=True).status == 200
    assert srv.rows(SELECT, (email,)) == [(email, "1", None)]
