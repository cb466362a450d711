"""The command line: thin wrappers that parse options, call the pipeline, print reports.

The modules of the other commands (preview server, review packs, scaffolding) are
imported inside their commands, so a build does not pay for loading them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from storysite import __version__
from storysite.build import build_site, summarise
from storysite.config import load_config
from storysite.errors import ContentErrors, Problem
from storysite.models import BuildReport
from storysite.progress import StoryProgress, bad, good, warn


class DateParam(click.ParamType):  # type: ignore[type-arg]
    name = "YYYY-MM-DD"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date — write it as YYYY-MM-DD", param, ctx)


DATE = DateParam()

site_option = click.option(
    "--site",
    "site_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The site's folder: it holds storysite.toml, stories/ and templates/.",
)
today_option = click.option(
    "--today",
    type=DATE,
    default=None,
    help="Build as if today were this day (default: the real date).",
)


class _Commands(click.Group):
    """The main group. The form receiver's commands live in their own package, loaded
    only when one of them is used: a build does not pay for importing a web app."""

    _ELSEWHERE = ("receive", "feedback")  # in storysite.receiver.commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._ELSEWHERE})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self._ELSEWHERE and name not in self.commands:
            from storysite.receiver import commands

            self.add_command(getattr(commands, name), name)
        return super().get_command(ctx, name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="storysite")
def main() -> None:
    """storysite: publish co-production stories, and never a name that must stay private."""


quiet_option = click.option(
    "--quiet", "-q", is_flag=True, help="Print nothing but errors (and what was asked for)."
)
verbose_option = click.option("--verbose", "-v", is_flag=True, help="Print more detail.")


F = TypeVar("F", bound=Callable[..., Any])


def output_option(help_text: str) -> Callable[[F], F]:
    """``--output DIR``: a built site's folder (each command says what it does with it)."""
    return click.option(
        "--output", type=click.Path(file_okay=False, path_type=Path), default=None, help=help_text
    )


@main.command()
@site_option
@output_option("Where to write the site (default: SITE/output).")
@today_option
@quiet_option
@verbose_option
@click.option(
    "--no-cache",
    is_flag=True,
    help="Render every story again, ignoring the cache in SITE/.storysite-cache.",
)
@click.option("--workers", type=click.IntRange(min=1), default=None, hidden=True)
def build(
    site_dir: Path,
    output: Path | None,
    today: dt.date | None,
    quiet: bool,
    verbose: bool,
    no_cache: bool,
    workers: int | None,
) -> None:
    """Build the site into OUTPUT, atomically.

    Stories without valid consent, or with a name the anonymiser could not resolve,
    are held: they appear nowhere in the output. The site it replaces is kept as
    OUTPUT.previous, for storysite rollback. Example:

        storysite build --site my-site --today 2026-11-27
    """
    config = load_config(site_dir)
    progress = StoryProgress.for_terminal(quiet)
    try:
        report = build_site(
            config,
            today or dt.date.today(),
            output or site_dir / "output",
            on_story=progress,
            use_cache=not no_cache,
            workers=workers,
            keep_previous=True,
        )
    finally:
        progress.close()
    if quiet:
        return
    lines = summarise(report)
    lines[0] = _colour_summary(lines[0])
    if verbose:
        lines += _published_lines(report)
    click.echo("\n".join(lines))  # at once: a large site's summary has thousands of lines


@main.command(name="clean")
@site_option
@output_option("The built site to remove (default: SITE/output).")
def clean(site_dir: Path, output: Path | None) -> None:
    """Remove the build cache (SITE/.storysite-cache) and the built site.

    Only a folder storysite built is removed. The next build starts from nothing.
    Example:

        storysite clean --site my-site
    """
    from storysite.cache import clean as remove

    output = output or site_dir / "output"
    removed = remove(site_dir, output)
    for path in removed:
        click.echo(f"Removed {path}")
    if output.exists() and output not in removed:
        click.echo(f"Left {output}: storysite did not write it.")
    elif not removed:
        click.echo("Nothing to remove.")


@main.command(name="rollback")
@site_option
@output_option("The built site to roll back (default: SITE/output).")
@today_option
def rollback_command(site_dir: Path, output: Path | None, today: dt.date | None) -> None:
    """Put back the site the last build replaced (OUTPUT.previous).

    The two are swapped in one step, so running it again brings the newer site back.
    It is refused, changing nothing, when the previous site shows a story that is
    held today (consent withdrawn or ended, a finding) or a name that must stay
    private today. Example:

        storysite rollback --site my-site
    """
    from storysite.rollback import RollbackRefused, roll_back

    output = output or site_dir / "output"
    with _content_errors():
        config = load_config(site_dir)
        try:
            built = roll_back(config, output, today or dt.date.today())
        except RollbackRefused as refused:
            for line in refused.problems:
                click.echo(line, err=True)
            click.echo(
                bad(
                    "Rollback refused: the previous site would show again what must stay "
                    f"off the website today. Nothing was changed. Build instead: "
                    f"storysite build --site {site_dir}"
                ),
                err=True,
            )
            raise SystemExit(1) from None
    when = f" (built on {built})" if built else ""
    click.echo(good(f"Rolled back: {output} is the previous site again{when}."))
    click.echo(
        "The newer site is now the previous one: storysite rollback again brings it back, "
        "and the next build replaces it."
    )


def _colour_summary(line: str) -> str:
    return good(line) if ", held 0;" in line else warn(line)


def _published_lines(report: BuildReport) -> Iterable[str]:
    for slug in report.published:
        yield f"  published: stories/{slug}/"


@main.command()
@click.argument(
    "folder", type=click.Path(file_okay=False, path_type=Path), default=Path("."), required=False
)
def init(folder: Path) -> None:
    """Make a new site in FOLDER (default: here), with one example story.

    Never overwrites a site that is already there. Example:

        storysite init my-site && storysite build --site my-site
    """
    from storysite import scaffold

    for path in scaffold.init_site(folder):
        click.echo(f"  wrote {path}")
    click.echo(good(f"New site in {folder}. Build it with: storysite build --site {folder}"))


@main.command()
@click.argument("title")
@site_option
@today_option
def new(title: str, site_dir: Path, today: dt.date | None) -> None:
    """Start a new story called TITLE, held until someone records consent.

    Prints the new file's path. Example:

        storysite new "Finding my voice" --site my-site
    """
    from storysite import scaffold

    click.echo(str(scaffold.new_story(site_dir, title, today or dt.date.today())))


@main.command(name="check")
@site_option
@today_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json is for other programs; its keys are listed in docs/commands.md.",
)
@quiet_option
@output_option("Also check that this built site is up to date (for monitoring a daily build).")
def check_command(
    site_dir: Path, today: dt.date | None, fmt: str, quiet: bool, output: Path | None
) -> None:
    """Report everything a build would decide, without writing the site.

    Exit 0 when there are no errors and no findings (stories held for consent are
    normal), 1 otherwise: usable in a site's own CI. With --output, exit 1 too when
    that built site is older than a change that is already due (a missed daily
    build). Example:

        storysite check --site my-site --format json
    """
    from storysite import check

    result = check.survey(site_dir, today or dt.date.today(), output)
    if fmt == "json":
        click.echo(json.dumps(check.as_json(result), indent=2, ensure_ascii=False))
    else:
        lines = check.as_text(result)
        if not quiet:
            for line in lines[:-1]:
                click.echo(line)
        click.echo(good(lines[-1]) if result.ok else bad(lines[-1]))
    if not result.ok:
        raise SystemExit(1)


@main.command(name="review")
@click.argument("story")
@site_option
@today_option
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="A folder for the pack, its HTML version and its pictures (a FILE.md: the pack alone).",
)
def review_command(story: str, site_dir: Path, today: dt.date | None, output: Path | None) -> None:
    """Make a review pack for STORY (a story file or its slug), for the storyteller.

    It shows the story as readers will see it, every change the anonymiser made
    (never what was removed), and the questions to answer before consenting. With
    --output DIR it writes review-pack.md, review-pack.html (prints on A4) and the
    story's pictures exactly as they will be published. Example:

        storysite review stories/2026-11-27-finding-my-voice.md --output pack/
    """
    from storysite import review

    day = today or dt.date.today()
    with _content_errors():
        config = load_config(site_dir)
        decision = review.reviewable(site_dir, story, day, config)
    if output is None:
        click.echo(review.pack_text(config, decision, day), nl=False)
    elif output.suffix.lower() == ".md":
        output.write_text(review.pack_text(config, decision, day), encoding="utf-8")
        click.echo(f"Wrote the review pack to {output}", err=True)
    else:
        review.write_folder(output, config, decision, day)
        click.echo(
            f"Wrote the review pack to {output}: {review.PACK_MD}, {review.PACK_HTML} "
            "(to print) and the story's pictures",
            err=True,
        )


@main.command(name="consent")
@site_option
@today_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="csv opens in a spreadsheet; json is for other programs.",
)
@click.option(
    "--wide",
    is_flag=True,
    help="The table with every column, one line per story (by default it fits 100 columns).",
)
def consent_command(site_dir: Path, today: dt.date | None, fmt: str, wide: bool) -> None:
    """Print the consent register: one row per story, for audits.

    Each row gives the consent's reference (consent: reference:), so an auditor can
    find the signed form. People with named: false appear only as readers see them.
    Example:

        storysite consent --site my-site --format csv > consent-register.csv
    """
    from storysite import check, register

    result = check.survey(site_dir, today or dt.date.today())
    if result.errors:
        _print_problems(result.errors)
        raise SystemExit(1)
    found = register.rows(result)
    if fmt == "table":
        click.echo(register.as_table(found, wide=wide), nl=False)
    else:
        click.echo(
            register.as_csv(found) if fmt == "csv" else register.as_json(found), nl=fmt == "json"
        )


@main.command(name="serve")
@site_option
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="The port to listen on; 0 picks a free one.",
)
@today_option
@verbose_option
def serve_command(
    site_dir: Path, host: str, port: int, today: dt.date | None, verbose: bool
) -> None:
    """Preview the site at http://127.0.0.1:8000/, rebuilding as files change.

    The preview is built in a temporary folder, never in output/. Held stories are
    shown in the preview only, under a banner saying why. Example:

        storysite serve --site my-site --port 0
    """
    from storysite import serve

    def say(line: str) -> None:
        click.echo(line)

    serve.run(site_dir, host, port, today, say, verbose=verbose)


@contextlib.contextmanager
def _content_errors() -> Iterator[None]:
    """Print input problems as ``path:line: message`` and exit 1, with no build wording."""
    try:
        yield
    except ContentErrors as error:
        _print_problems(error.problems)
        raise SystemExit(1) from None


def _print_problems(problems: Iterable[Problem]) -> None:
    found = list(problems)
    for problem in found:
        click.echo(str(problem), err=True)
    noun = "problem" if len(found) == 1 else "problems"
    click.echo(bad(f"{len(found)} {noun} to fix."), err=True)


def _fewer_collections() -> None:
    """Python's cycle collector, told the modules just loaded are there for good, runs
    less often. A build makes hundreds of thousands of objects (reading 5,000 cached
    stories), almost none in cycles, and with the defaults it spent half of reading
    them walking every object again and again. Worker processes, forked, inherit this
    and share the frozen objects' memory instead of copying it."""
    gc.freeze()
    gc.set_threshold(50_000, 20, 10)


def entry() -> None:
    """The ``storysite`` command. The process ends at once when the command has said
    everything: a large site's build leaves hundreds of thousands of objects, and
    freeing them one by one at exit takes longer than a small site's whole build."""
    _fewer_collections()
    try:
        main.main(prog_name="storysite")
    except SystemExit as done:
        code = done.code
    else:
        code = 0
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)
