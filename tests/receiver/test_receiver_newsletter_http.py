"""POST /newsletter against a real waitress process."""

from __future__ import annotations

from pathlib import Path

import pytest
from receiver_support import CONSENT, THANKS_BASE, Server, StartServer, site_with_config

SELECT = "SELECT email, consent_version, page, received_at FROM newsletter WHERE email = ?"


def test_valid_signup_is_stored_with_consent_details(server: Server, email: str) -> None:
    reply = server.post(
        "/newsletter",
        {
            "email": email,
            "consent": "yes",
            "consent_version": "2026-11",
            "page": "stories/hope/",
            "website": "",
        },
    )
    assert reply.status == 303
    assert reply.headers["location"] == THANKS_BASE + "newsletter/thanks/"
    [(stored, version, page, received_at)] = server.rows(SELECT, (email,))
    assert (stored, version, page) == (email, "2026-11", "stories/hope/")
    assert received_at.endswith("Z") and len(received_at) == 20


def test_missing_consent_version_uses_configured_default(server: Server, email: str) -> None:
    reply = server.post("/newsletter", {"email": email, "consent": "yes"}, as_json=True)
    assert (reply.status, reply.json()) == (200, {"ok": True})
    assert server.rows(SELECT, (email,))[0][1:3] == (CONSENT, None)


def test_configured_consent_version(fresh_server: StartServer, email: str) -> None:
    srv = fresh_server("--consent-version", "v3")
    assert srv.post("/newsletter", {"email": email, "consent": "yes"}).status == 200
    assert srv.rows(SELECT, (email,))[0][1] == "v3"


@pytest.mark.parametrize("consent", [None, "", "no", "on", "true", "YES "])
def test_without_consent_is_refused(server: Server, email: str, consent: str | None) -> None:
    fields = {"email": email}
    if consent is not None:
        fields["consent"] = consent
    reply = server.post("/newsletter", fields, as_json=True)
    assert reply.status == 400
    assert "consent is required" in reply.json()["error"]
    assert server.rows(SELECT, (email,)) == []


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "not-an-address",
        "two@@example.org",
        "a@b@example.org",
        "no-domain@",
        "@example.org",
        "nodot@localhost",
        "spaces in@example.org",
        "dots..twice@example.org",
        "=HYPERLINK(1)@example.org",
        "x@-bad-.example.org",
        "x@example.123",
        "x" * 65 + "@example.org",
        "x@" + "a" * 250 + ".org",
        "line\nbreak@example.org",
    ],
)
def test_bad_address_is_refused(server: Server, bad: str) -> None:
    before = server.rows("SELECT count(*) FROM newsletter")
    reply = server.post("/newsletter", {"email": bad, "consent": "yes"}, as_json=True)
    assert reply.status == 400
    assert "email" in reply.json()["error"]
    assert server.rows("SELECT count(*) FROM newsletter") == before


def test_bad_consent_version_is_refused(server: Server, email: str) -> None:
    fields = {"email": email, "consent": "yes", "consent_version": "<script>"}
    assert server.post("/newsletter", fields, as_json=True).status == 400
    assert server.rows(SELECT, (email,)) == []


def test_honeypot_signup_not_stored(server: Server, email: str) -> None:
    fields = {"email": email, "consent": "yes", "website": "https://spam.example"}
    reply = server.post("/newsletter", fields)
    assert reply.status == 303
    assert server.rows(SELECT, (email,)) == []


def test_signing_up_again_adds_an_event_and_keeps_the_first(server: Server, email: str) -> None:
    first = {"email": email, "consent": "yes", "page": "stories/first/"}
    assert server.post("/newsletter", first).status == 303
    [before] = server.rows(SELECT, (email,))
    again = {"email": email.upper(), "consent": "yes", "page": "stories/second/"}
    assert server.post("/newsletter", again).status == 303
    rows = server.rows(
        "SELECT email, consent_version, page, received_at FROM newsletter"
        " WHERE email = ? COLLATE NOCASE ORDER BY id",
        (email,),
    )
    assert rows[0] == before
    assert [row[:3] for row in rows] == [
        (email, CONSENT, "stories/first/"),
        (email.upper(), CONSENT, "stories/second/"),
    ]


def test_newsletter_body_over_4kb_is_413(server: Server, email: str) -> None:
    fields = {"email": email, "consent": "yes", "page": "p/" * 2100}
    assert server.post("/newsletter", fields).status == 413
    assert server.rows(SELECT, (email,)) == []


def test_site_consent_version_is_the_default(
    fresh_server: StartServer, tmp_path: Path, email: str
) -> None:
    site = site_with_config(
        tmp_path,
        '[site]\nbase_url = "https://x.example/"\n[newsletter]\nconsent_version = "2026-11"\n',
    )
    srv = fresh_server("--site", str(site))
    assert srv.post("/newsletter", {"email": email, "consent": "yes"}).status == 303
    assert srv.rows(SELECT, (email,))[0][1] == "2026-11"
