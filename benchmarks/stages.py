"""Where a cold build's CPU time goes, stage by stage, in one process.

`build.build_site` spreads the work over processes and interleaves the stages, so
timing it from outside cannot say what the anonymiser and the gate cost. This runs
the same steps, in the same order and with the same functions, one after the other
in this process, and times each with the process's CPU clock. The tree pass (the
anonymiser's second pass, over the parsed Markdown) runs inside Markdown: it is
measured as the difference between rendering each story with and without it. The
undeclared-name detector runs inside the first pass (``Anonymiser.story``), so the
first pass is the anonymiser and the detector together. Each story's search words are
worked out beside its HTML, as the build's per-story step does, so "pages" is the
templates, the feed, the sitemap and the search index's files.

The privacy share is issue 14's: the anonymiser, the detector and the gate's CPU
seconds over the whole cold build's (target: at most 15 %). The last line says it in
a fixed form that run.py reads.

    .venv/bin/python benchmarks/stages.py SITE [--today YYYY-MM-DD]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from storysite import build
from storysite.anonymise import Anonymiser
from storysite.audit import Gate
from storysite.collate import RenderedStory, Site
from storysite.config import load_config
from storysite.feeds import search_weights
from storysite.images import ImageStore
from storysite.loading import load_stories
from storysite.markup import MarkdownRenderer
from storysite.pages import PageAudit
from storysite.render import Renderer

T = TypeVar("T")

#: The stages that are the anonymiser's or the gate's work.
PRIVACY = ("anonymiser: first pass", "anonymiser: tree pass", "gate: stories", "gate: files")


class Clock:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def time(self, stage: str, work: Callable[[], T]) -> T:
        start = time.process_time()
        result = work()
        self.seconds[stage] = self.seconds.get(stage, 0.0) + time.process_time() - start
        return result


def measure(site_dir: Path, today: dt.date) -> tuple[Clock, int, int]:
    """Run every stage of a cold build of ``site_dir`` (nothing is written)."""
    clock = Clock()
    config = clock.time("load", lambda: load_config(site_dir))
    sources = clock.time("load", lambda: list(load_stories(config).stories))
    anonymiser, images = Anonymiser(config), ImageStore(config)
    gate = clock.time("gate: stories", lambda: Gate(config, sources))

    def decide_all() -> list[build.Decision]:
        return [build._decide_one(anonymiser, images, s, today)[0] for s in sources]

    decisions = clock.time("anonymiser: first pass", decide_all)
    shown = [d for d in decisions if d.published]
    markdown = MarkdownRenderer()
    for decision in shown[:50]:  # untimed: both timings below start with warm instances
        build.story_markup(decision, markdown)
    clock.time("markdown", lambda: [markdown.render(d.story.body) for d in shown])
    with_tree = clock.time("with tree", lambda: [build.story_markup(d, markdown) for d in shown])
    clock.seconds["anonymiser: tree pass"] = (
        clock.seconds.pop("with tree") - clock.seconds["markdown"]
    )
    # Each story's words for the search index, worked out with its HTML as the build
    # does (in the per-story step), not when the search index is made.
    pairs = list(zip(shown, with_tree, strict=True))
    words = clock.time(
        "search words", lambda: [search_weights(RenderedStory(d.story, m)) for d, m in pairs]
    )
    rendered = [
        RenderedStory(d.story, m, d.pictures, w) for (d, m), w in zip(pairs, words, strict=True)
    ]
    leaks = clock.time("gate: stories", lambda: [build._own_leak(gate, r) for r in rendered])
    site = Site.collate([r for r, leak in zip(rendered, leaks, strict=True) if leak is None])
    renderer = Renderer(config)
    pages = clock.time("pages", lambda: [renderer.story_page(site, s) for s in site.stories])
    audit = PageAudit(gate)
    clock.time("gate: files", lambda: [audit.problem(page) for page in pages])
    files = clock.time("pages", lambda: list(renderer.site_files(site, {p.path: p for p in pages})))
    rest = [f for f in files if f.story_slug is None]
    clock.time("gate: files", lambda: [audit.problem(f) for f in rest])
    return clock, len(sources), len(files)


def report(clock: Clock, stories: int, files: int) -> list[str]:
    total = sum(clock.seconds.values())
    privacy = sum(clock.seconds.get(stage, 0.0) for stage in PRIVACY)
    lines = [
        f"Stages of a cold build, one process: {stories:,} stories, {files:,} files",
        "",
        "| stage | CPU s | share |",
        "|---|---:|---:|",
    ]
    for stage, seconds in clock.seconds.items():
        lines.append(f"| {stage} | {seconds:.2f} | {seconds / total:.0%} |")
    lines.append(f"| **all** | {total:.2f} | 100% |")
    verdict = "met" if privacy <= 0.15 * total else "NOT met"
    lines += [
        "",
        "The anonymiser (first pass with the detector, and tree pass) and the gate: "
        f"{privacy:.2f} of {total:.2f} CPU s, {privacy / total:.0%} of the cold build. "
        f"Target: at most 15 % — {verdict}.",
        f"privacy share: {privacy:.3f} / {total:.3f} CPU s",
    ]
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("site", type=Path)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date(2026, 11, 27))
    args = parser.parse_args(argv)
    print("\n".join(report(*measure(args.site, args.today))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
