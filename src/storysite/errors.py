"""Errors that reach people: a path, a line where known, what is wrong and how to fix it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import click


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, printed as ``path:line: message``."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


def display_path(path: Path, root: Path | None = None) -> str:
    """A path as people typed it: relative to the site when it is inside it."""
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return str(path)


class StorySiteError(click.ClickException):
    """A failure caused by the input or the environment, not by a bug. Exit code 1."""

    exit_code = 1

    def show(self, file: object = None) -> None:
        click.echo(f"Error: {self.format_message()}", err=True)


class ContentErrors(StorySiteError):
    """Every problem found in the stories and the site file, reported together."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(sorted(set(problems), key=_problem_order))
        super().__init__(f"{len(self.problems)} problem(s) stopped the build")

    def show(self, file: object = None) -> None:
        for problem in self.problems:
            click.echo(str(problem), err=True)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        click.echo(
            f"Build stopped: {count} {noun} to fix. Nothing was written; "
            "the previous site is unchanged.",
            err=True,
        )


def _problem_order(problem: Problem) -> tuple[str, int, str]:
    return (problem.path, problem.line or 0, problem.message)
