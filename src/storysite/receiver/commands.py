"""Command-line entry points: `receive` (serve) and the `feedback` admin group."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import click

from .app import (
    DEFAULT_CONSENT_VERSION,
    DEFAULT_RATE_LIMIT,
    ReceiverConfig,
    create_app,
    site_output,
)
from .app import resolve_thanks_base as _resolve_thanks_base
from .report import render_report, write_report
from .sitecfg import SiteError, read_consent_version, read_story_titles
from .store import Erasure, FeedbackRow, NewsletterRow, Store, StoreError
from .validation import VERSION_RE

DB_PATH = click.Path(dir_okay=False, path_type=Path)
SITE_DIR = click.Path(exists=True, file_okay=False, path_type=Path)
OUTPUT_DIR = click.Path(file_okay=False, path_type=Path)

# waitress, set deliberately. Every byte a client sends resets channel_timeout, so a
# client dribbling a header line every few seconds is never timed out: waitress cannot
# shed slow clients, it can only hold more of them than an attacker cheaply opens. The
# buffering proxy in front (docs/feedback.md) is what sheds them.
SERVER_LIMITS: dict[str, Any] = {
    # Connections held at once. Beyond this waitress stops accepting, and every new
    # visitor waits: the default (100) fell to ~98 slow clients. Kept under the usual
    # 1024 open-file limit.
    "connection_limit": 500,
    "asyncore_use_poll": True,  # select() cannot watch more than 1024 sockets
    "channel_timeout": 15,  # seconds a silent connection is kept (default 120)
    "cleanup_interval": 5,  # how often silent connections are looked for (default 30)
    "max_request_header_size": 16384,  # default 256 KB; a form's head is far smaller
    "max_request_body_size": 8192,  # the app refuses over 4 KB; waitress stops at 8 KB
    "backlog": 1024,  # connections the kernel queues while waitress is busy
    "ident": "storysite",  # no waitress version in the Server header
}


def _open(db: Path) -> Store:
    with _plain_errors():
        return Store.open_existing(db)


@contextmanager
def _plain_errors() -> Iterator[None]:
    """A database problem (read-only, full disk, locked, broken) is one line and exit 1."""
    try:
        yield
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    except sqlite3.Error as exc:
        raise click.ClickException(f"the database could not do that: {exc}") from exc


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """A text cell a spreadsheet would run as a formula gets a leading ' (OWASP)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


@click.command()
@click.option("--db", "db", type=DB_PATH, required=True, help="SQLite file (created if missing).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8080,
    show_default=True,
    help="Port to listen on (0 picks a free one and prints it).",
)
@click.option(
    "--site",
    type=SITE_DIR,
    help="Site directory: base_url sets redirects and the allowed origin, "
    "[newsletter] consent_version the accepted wording, SITE/output the published stories.",
)
@click.option(
    "--output",
    type=OUTPUT_DIR,
    help="The built site, whose search-index.json lists the stories feedback is taken for "
    "(default: SITE/output).",
)
@click.option("--thanks-base", help="Base URL of the site's thank-you pages (overrides --site).")
@click.option(
    "--rate-limit",
    type=click.IntRange(min=0),
    default=DEFAULT_RATE_LIMIT,
    show_default=True,
    help="Posts per minute per client; 0 turns the limit off.",
)
@click.option(
    "--consent-version",
    help="Consent wording version stored when a form sends none "
    "(default: the site's [newsletter] consent_version, else 'unspecified').",
)
@click.option("--threads", type=click.IntRange(1, 64), default=4, show_default=True)
@click.option(
    "--trusted-proxy",
    help="Address of a reverse proxy whose X-Forwarded-For is trusted (for the rate limit).",
)
def receive(
    db: Path,
    host: str,
    port: int,
    site: Path | None,
    output: Path | None,
    thanks_base: str | None,
    rate_limit: int,
    consent_version: str | None,
    threads: int,
    trusted_proxy: str | None,
) -> None:
    """Serve the feedback and newsletter receiver (waitress).

    Answers are kept in the SQLite file DB; no address, agent or cookie is stored.
    Example:

        storysite receive --db answers.sqlite3 --site . --port 8080
    """
    from waitress import create_server

    output = output or site_output(site)
    if output is None:
        raise click.UsageError(
            "give --site DIR or --output DIR: feedback is taken only for the stories "
            "the built site publishes"
        )
    if consent_version is None:
        consent_version = (read_consent_version(site) if site else None) or DEFAULT_CONSENT_VERSION
    if not VERSION_RE.fullmatch(consent_version):
        raise click.BadParameter("use a short label like 2026-11", param_hint="--consent-version")
    try:
        base = _resolve_thanks_base(thanks_base, site)
        app = create_app(ReceiverConfig(db, base, rate_limit, consent_version, output))
    except (SiteError, StoreError) as exc:
        raise click.ClickException(str(exc)) from exc
    if app.published is not None and app.published.slugs() is None:
        click.echo(
            f"Warning: no readable {app.published.index} yet: feedback is refused (503) "
            "until the site is built there.",
            err=True,
        )
    proxy: dict[str, Any] = {}
    if trusted_proxy:
        proxy = {
            "trusted_proxy": trusted_proxy,
            "trusted_proxy_headers": {"x-forwarded-for"},
            "clear_untrusted_proxy_headers": True,
        }
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    server = create_server(app, host=host, port=port, threads=threads, **SERVER_LIMITS, **proxy)
    port_now = getattr(server, "effective_port", port)
    click.echo(f"storysite receiver listening on http://{host}:{port_now}/", err=False)
    if base is None:
        click.echo("no --thanks-base or site base_url: answering with a built-in thank-you page")
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


@click.group()
def feedback() -> None:
    """Export, purge, forget and report on collected feedback.

    Example:

        storysite feedback export --db answers.sqlite3 --format csv
    """


def _as_dicts(rows: list[FeedbackRow] | list[NewsletterRow]) -> list[dict[str, Any]]:
    return [dataclasses.asdict(row) for row in rows]


@feedback.command()
@click.option("--db", "db", type=DB_PATH, required=True)
@click.option(
    "--kind", type=click.Choice(["feedback", "newsletter"]), default="feedback", show_default=True
)
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)
def export(db: Path, kind: str, fmt: str) -> None:
    """Write every stored answer (or sign-up) to standard output.

    Example:

        storysite feedback export --db answers.sqlite3 --kind newsletter --format csv
    """
    store = _open(db)
    with _plain_errors():
        rows = _as_dicts(store.feedback_rows() if kind == "feedback" else store.newsletter_rows())
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    cls = FeedbackRow if kind == "feedback" else NewsletterRow
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[f.name for f in dataclasses.fields(cls)])
    writer.writeheader()
    writer.writerows({k: spreadsheet_safe(v) for k, v in row.items()} for row in rows)
    click.echo(buffer.getvalue(), nl=False)


@feedback.command()
@click.option("--db", "db", type=DB_PATH, required=True)
@click.option(
    "--older-than",
    "days",
    type=click.IntRange(min=1),
    required=True,
    metavar="DAYS",
    help="Delete what was received more than DAYS days ago.",
)
@click.option(
    "--kind", type=click.Choice(["feedback", "newsletter", "all"]), default="all", show_default=True
)
def purge(db: Path, days: int, kind: str) -> None:
    """Delete answers and sign-ups older than the retention period.

    Example:

        storysite feedback purge --db answers.sqlite3 --older-than 365
    """
    kinds = ("feedback", "newsletter") if kind == "all" else (kind,)
    store = _open(db)
    with _plain_errors():
        result = store.purge(timedelta(days=days), kinds=kinds)
    click.echo(
        f"Removed {result.feedback} feedback answer(s) and {result.newsletter} newsletter "
        f"sign-up(s) received before {result.cutoff}."
    )


@feedback.command()
@click.argument("email")
@click.option("--db", "db", type=DB_PATH, required=True)
@click.option(
    "--vacuum",
    is_flag=True,
    help="Also rebuild the database file (VACUUM) even when no copy is found.",
)
def forget(email: str, db: Path, vacuum: bool) -> None:
    """Erase a newsletter subscriber (right to erasure) and report what was removed.

    Exit 0 when no copy of the address is left in the database files; exit 1, with
    what is left and what to do, when the erasure could not finish.
    Example:

        storysite feedback forget someone@example.org --db answers.sqlite3
    """
    store = _open(db)
    with _plain_errors():
        erasure = store.forget(email, vacuum=vacuum)
    if not erasure.removed:
        click.echo(f"No newsletter sign-up found for {email}; nothing removed.")
    for row in erasure.removed:
        click.echo(
            f"Removed newsletter sign-up: {row.email}, consented {row.received_at}, "
            f"consent version {row.consent_version}, from page {row.page or 'unknown'}."
        )
    if erasure.removed:
        click.echo("Feedback answers are anonymous and hold no e-mail address; none to remove.")
    if erasure.vacuumed and not vacuum:
        click.echo(
            "An earlier deletion had left a copy in the file's free space: "
            "the database was rebuilt (VACUUM) to remove it."
        )
    _check_erasure(erasure, db)


def _check_erasure(erasure: Erasure, db: Path) -> None:
    if not erasure.checkpointed:
        raise click.ClickException(
            f"{db}-wal may still hold a copy: another program is reading the database. "
            "Stop it (or wait) and run forget again."
        )
    if erasure.copies_left:
        where = ", ".join(str(path) for path in erasure.copies_left)
        raise click.ClickException(
            f"a copy of the address is still in {where}: stop every program using the "
            "database and run forget again with --vacuum."
        )


@feedback.command()
@click.option("--db", "db", type=DB_PATH, required=True)
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Directory to write index.html into.",
)
@click.option("--site", type=SITE_DIR, help="Site directory, to show story titles.")
def report(db: Path, out_dir: Path, site: Path | None) -> None:
    """Write a static HTML report with run charts to DIR/index.html.

    Example:

        storysite feedback report --db answers.sqlite3 -o qi-report --site .
    """
    store = _open(db)
    titles: dict[str, str] = {}
    if site is not None:
        try:
            titles = read_story_titles(site)
        except SiteError as exc:
            click.echo(f"Warning: {exc}; the report shows slugs instead of titles.", err=True)
    with _plain_errors():
        html_text = render_report(
            store.feedback_rows(), titles=titles, signups=store.newsletter_addresses()
        )
    try:
        target = write_report(out_dir, html_text)
    except OSError as exc:
        raise click.ClickException(f"cannot write the report: {exc}") from exc
    click.echo(f"Wrote {target}")
