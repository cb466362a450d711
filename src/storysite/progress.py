"""Messages and progress for people at a terminal.

Colour and the progress bar appear only on a terminal: piped output and CI logs get
plain lines. click.echo removes colour codes when its stream is not a terminal.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

import click

from storysite.build import Decision


def good(text: str) -> str:
    return click.style(text, fg="green")


def warn(text: str) -> str:
    return click.style(text, fg="yellow")


def bad(text: str) -> str:
    return click.style(text, fg="red", bold=True)


class StoryProgress:
    """A progress bar over the stories of one build, on stderr.

    It appears only when stderr is a terminal and the build has already taken
    ``delay`` seconds, so quick builds print nothing extra.
    """

    def __init__(
        self,
        enabled: bool,
        delay: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.enabled = enabled
        self.delay = delay
        self.clock = clock
        self.started = clock()
        self.done = 0
        self.bar: Any = None

    @classmethod
    def for_terminal(cls, quiet: bool) -> StoryProgress:
        return cls(enabled=not quiet and sys.stderr.isatty())

    def __call__(self, decision: Decision, total: int) -> None:
        self.done += 1
        if not self.enabled:
            return
        if self.bar is None and self.clock() - self.started >= self.delay:
            self.bar = click.progressbar(
                length=total, label="Building stories", file=sys.stderr, show_pos=True
            )
            self.bar.__enter__()
            self.bar.update(self.done - 1)
        if self.bar is not None:
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
