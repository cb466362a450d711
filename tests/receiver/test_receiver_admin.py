"""`storysite feedback export | purge | forget` and command-line error handling."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from storysite.receiver.commands import feedback
from storysite.receiver.store import FeedbackAnswer, NewsletterSignup, Store

NOW = datetime.now(UTC)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "answers.db"
    store = Store.create(path)
    store.add_feedback(
        FeedbackAnswer("old-story", "yes", 5, 4, "stories/old-story/"), at=NOW - timedelta(days=40)
    )
    store.add_feedback(FeedbackAnswer("new-story", "no", 2, None), at=NOW - timedelta(days=5))
    store.add_feedback(FeedbackAnswer("new-story"), at=NOW)
    store.add_signup(
        NewsletterSignup("Old.Person@example.org", "2025-01", "stories/"),
        at=NOW - timedelta(days=400),
    )
    store.add_signup(NewsletterSignup("new@example.org", "2026-11", None), at=NOW)
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(feedback, list(args))
    return result.exit_code, result.output


def test_export_feedback_csv(db: Path) -> None:
    code, out = run("export", "--db", str(db))
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["story"] for r in rows] == ["old-story", "new-story", "new-story"]
    assert rows[0] == rows[0] | {
        "useful": "yes",
        "rating": "5",
        "usefulness": "4",
        "page": "stories/old-story/",
    }
    assert rows[2]["useful"] == "" and rows[2]["rating"] == ""
    assert list(rows[0]) == ["id", "received_at", "story", "useful", "rating", "usefulness", "page"]


def test_export_newsletter_json(db: Path) -> None:
    code, out = run("export", "--db", str(db), "--kind", "newsletter", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert [(d["email"], d["consent_version"]) for d in data] == [
        ("Old.Person@example.org", "2025-01"),
        ("new@example.org", "2026-11"),
    ]
    assert set(data[0]) == {"id", "email", "received_at", "consent_version", "page"}


def test_purge_removes_only_what_is_older(db: Path) -> None:
    code, out = run("purge", "--db", str(db), "--older-than", "30")
    assert code == 0
    assert "Removed 1 feedback answer(s) and 1 newsletter sign-up(s)" in out
    store = Store.open_existing(db)
    assert [r.story for r in store.feedback_rows()] == ["new-story", "new-story"]
    assert [r.email for r in store.newsletter_rows()] == ["new@example.org"]
    code, out = run("purge", "--db", str(db), "--older-than", "30")
    assert "Removed 0 feedback answer(s) and 0 newsletter" in out


def test_purge_one_kind(db: Path) -> None:
    code, _ = run("purge", "--db", str(db), "--older-than", "1", "--kind", "feedback")
    assert code == 0
    store = Store.open_existing(db)
    assert len(store.feedback_rows()) == 1
    assert len(store.newsletter_rows()) == 2


def test_forget_erases_and_reports(db: Path) -> None:
    code, out = run("forget", "old.person@EXAMPLE.org", "--db", str(db))
    assert code == 0
    assert "Removed newsletter sign-up: Old.Person@example.org" in out
    assert "consent version 2025-01" in out
    assert [r.email for r in Store.open_existing(db).newsletter_rows()] == ["new@example.org"]
    code, out = run("forget", "old.person@example.org", "--db", str(db))
    assert code == 0
    assert "No newsletter sign-up found" in out


@pytest.mark.parametrize(
    "args",
    [
        ("export", "--db", "{missing}"),
        ("purge", "--db", "{missing}", "--older-than", "3"),
        ("forget", "a@example.org", "--db", "{missing}"),
        ("report", "--db", "{missing}", "-o", "{out}"),
        ("export", "--db", "{junk}"),
    ],
)
def test_bad_database_is_one_line_exit_1(tmp_path: Path, args: tuple[str, ...]) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    names = {"missing": tmp_path / "nope.db", "out": tmp_path / "out", "junk": junk}
    result = CliRunner().invoke(feedback, [a.format(**names) for a in args])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert result.output.count("\n") == 1
    assert "Traceback" not in result.output
    assert not (tmp_path / "nope.db").exists()  # admin commands never create a database


@pytest.mark.parametrize(
    "args",
    [
        ("purge", "--db", "x.db", "--older-than", "0"),
        ("purge", "--db", "x.db", "--older-than", "soon"),
        ("purge", "--db", "x.db"),
        ("export", "--db", "x.db", "--kind", "people"),
        ("export", "--db", "x.db", "--format", "xml"),
        ("forget", "--db", "x.db"),
    ],
)
def test_wrong_usage_is_exit_2(args: tuple[str, ...]) -> None:
    assert run(*args)[0] == 2


FORMULAS = ["=1+2", "+SUM(A1)", "-2-3", "@cmd", "\tx", "\rx", '=HYPERLINK("x")']


def test_csv_export_neutralises_every_cell_a_spreadsheet_would_run(tmp_path: Path) -> None:
    """OWASP's advice: a cell starting with = + - @ tab or CR gets a leading quote."""
    path = tmp_path / "formulas.db"
    store = Store.create(path)
    for text in FORMULAS:
        store.add_feedback(FeedbackAnswer(text, "yes", None, None, text), at=NOW)
        store.add_signup(NewsletterSignup(text + "@example.org", text, text), at=NOW)
    store.add_feedback(FeedbackAnswer("plain-story", "no", 3, None, "stories/a-b/"), at=NOW)

    code, out = run("export", "--db", str(path))
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert [(r["story"], r["page"]) for r in rows] == [
        *(("'" + text, "'" + text) for text in FORMULAS),
        ("plain-story", "stories/a-b/"),
    ]
    assert rows[-1]["rating"] == "3"

    code, out = run("export", "--db", str(path), "--kind", "newsletter")
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert [(r["email"], r["consent_version"], r["page"]) for r in rows] == [
        ("'" + text + "@example.org", "'" + text, "'" + text) for text in FORMULAS
    ]


def test_a_page_of_minus_2_minus_3_posted_to_the_receiver_is_neutralised(
    tmp_path: Path,
) -> None:
    """The review's case, end to end: the form's `page` accepts "-2-3" (a real path)."""
    from receiver_support import start_server, stop_server

    srv = start_server(tmp_path / "posted.db", "--rate-limit", "0")
    try:
        reply = srv.post("/feedback", {"story": "s", "useful": "yes", "page": "-2-3"})
        assert reply.status == 200
    finally:
        stop_server(srv)
    code, out = run("export", "--db", str(tmp_path / "posted.db"))
    assert code == 0
    assert [row["page"] for row in csv.DictReader(io.StringIO(out))] == ["'-2-3"]
