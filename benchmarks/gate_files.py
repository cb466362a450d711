"""The output gate's CPU time over every file of a site already built, in one process:
what `storysite build` spends in "gate: files" (stages.py), by kind of file.

    .venv/bin/python benchmarks/gate_files.py SITE OUTPUT

The gate is made from SITE (its register and stories' people); the files are read
from OUTPUT (a build of SITE) as the build hands them to the gate. Each process reads
the site once, as a cold build does (what the gate keeps of the theme starts empty).
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from storysite.audit import Gate
from storysite.config import load_config
from storysite.loading import load_stories
from storysite.models import OutputFile
from storysite.pages import PageAudit

PICTURES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".avif"}


def kind_of(path: str) -> str:
    """A file's kind, for the report: story, tag, listing, search index, other."""
    if path.startswith("stories/") and path.endswith(".html"):
        return "story pages"
    if path.startswith("tags/"):
        return "tag pages"
    if path.startswith("search-index"):
        return "search index"
    return "listing pages" if path.endswith(".html") else "other files"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("site", type=Path)
    parser.add_argument("output", type=Path)
    args = parser.parse_args(argv)
    config = load_config(args.site)
    audit = PageAudit(Gate(config, list(load_stories(config).stories)))
    seconds: dict[str, float] = defaultdict(float)
    problems = 0
    for path in sorted(p for p in args.output.rglob("*") if p.is_file()):
        name = path.relative_to(args.output).as_posix()
        kind = "image" if path.suffix.lower() in PICTURES else "page"
        file = OutputFile(name, path.read_bytes(), kind=kind)
        start = time.process_time()
        problems += audit.problem(file) is not None
        seconds[kind_of(name)] += time.process_time() - start
    for kind, spent in sorted(seconds.items(), key=lambda item: -item[1]):
        print(f"{kind}: {spent:.2f} CPU s")
    print(f"all: {sum(seconds.values()):.2f} CPU s, {problems} problems")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
