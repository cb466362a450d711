"""The command line: thin wrappers that parse options, call the pipeline, print reports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from storysite import __version__
from storysite.build import build_site, summarise
from storysite.config import load_config


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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="storysite")
def main() -> None:
    """storysite: publish co-production stories, and never a name that must stay private."""


@main.command()
@site_option
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write the site (default: SITE/output).",
)
@today_option
def build(site_dir: Path, output: Path | None, today: dt.date | None) -> None:
    """Build the site into OUTPUT, atomically.

    Stories without valid consent, or with a name the anonymiser could not resolve,
    are held: they appear nowhere in the output. Example:

        storysite build --site my-site --today 2026-11-27
    """
    config = load_config(site_dir)
    report = build_site(config, today or dt.date.today(), output or site_dir / "output")
    for line in summarise(report):
        click.echo(line)
