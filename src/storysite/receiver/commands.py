"""Command-line entry points: `receive` (serve) and the `feedback` admin group."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

import click

from .app import DEFAULT_CONSENT_VERSION, DEFAULT_RATE_LIMIT, ReceiverConfig, create_app
from .app import resolve_thanks_base as _resolve_thanks_base
from .report import render_report, write_report
from .sitecfg import SiteError, read_consent_version, read_story_titles
from .store import FeedbackRow, NewsletterRow, Store, StoreError
from .validation import VERSION_RE

DB_PATH = click.Path(dir_okay=False, path_type=Path)
SITE_DIR = click.Path(exists=True, file_okay=False, path_type=Path)


def _open(db: Path) -> Store:
    try:
        return Store.open_existing(db)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc


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
@click.option("--site", type=SITE_DIR, help="Site directory; its [site] base_url sets redirects.")
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

    if consent_version is None:
        consent_version = (read_consent_version(site) if site else None) or DEFAULT_CONSENT_VERSION
    if not VERSION_RE.fullmatch(consent_version):
        raise click.BadParameter("use a short label like 2026-11", param_hint="--consent-version")
    try:
        base = _resolve_thanks_base(thanks_base, site)
        app = create_app(ReceiverConfig(db, base, rate_limit, consent_version))
    except (SiteError, StoreError) as exc:
        raise click.ClickException(str(exc)) from exc
    proxy: dict[str, Any] = {}
    if trusted_proxy:
        proxy = {
            "trusted_proxy": trusted_proxy,
            "trusted_proxy_headers": {"x-forwarded-for"},
            "clear_untrusted_proxy_headers": True,
        }
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    server = create_server(
        app, host=host, port=port, threads=threads, max_request_body_size=65536, **proxy
    )
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
    rows = _as_dicts(store.feedback_rows() if kind == "feedback" else store.newsletter_rows())
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    cls = FeedbackRow if kind == "feedback" else NewsletterRow
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[f.name for f in dataclasses.fields(cls)])
    writer.writeheader()
    writer.writerows(rows)
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
    result = _open(db).purge(timedelta(days=days), kinds=kinds)
    click.echo(
        f"Removed {result.feedback} feedback answer(s) and {result.newsletter} newsletter "
        f"sign-up(s) received before {result.cutoff}."
    )


@feedback.command()
@click.argument("email")
@click.option("--db", "db", type=DB_PATH, required=True)
def forget(email: str, db: Path) -> None:
    """Erase a newsletter subscriber (right to erasure) and report what was removed.

    Example:

        storysite feedback forget someone@example.org --db answers.sqlite3
    """
    removed = _open(db).forget(email)
    if not removed:
        click.echo(f"No newsletter sign-up found for {email}; nothing removed.")
        return
    for row in removed:
        click.echo(
            f"Removed newsletter sign-up: {row.email}, consented {row.received_at}, "
            f"consent version {row.consent_version}, from page {row.page or 'unknown'}."
        )
    click.echo("Feedback answers are anonymous and hold no e-mail address; none to remove.")


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
    html_text = render_report(
        store.feedback_rows(), titles=titles, signups=len(store.newsletter_rows())
    )
    try:
        target = write_report(out_dir, html_text)
    except OSError as exc:
        raise click.ClickException(f"cannot write the report: {exc}") from exc
    click.echo(f"Wrote {target}")
