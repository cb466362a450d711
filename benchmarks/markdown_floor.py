"""The floor of any build that uses Python-Markdown: read each story and convert its
text with the same extensions storysite uses, and nothing else (no front matter
parsing, anonymiser, sanitiser, templates or writing).

    .venv/bin/python benchmarks/markdown_floor.py SITE
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import markdown

from storysite.markup import EXTENSIONS


def main(site: Path) -> None:
    paths = sorted((site / "stories").glob("*.md"))
    start = time.process_time()
    bodies = [path.read_text(encoding="utf-8").split("\n---\n", 1)[-1] for path in paths]
    read = time.process_time() - start
    converter = markdown.Markdown(extensions=EXTENSIONS)
    start = time.process_time()
    for body in bodies:
        converter.reset()
        converter.convert(body)
    converted = time.process_time() - start
    print(
        f"{len(paths):,} stories: reading {read:.2f} CPU s; Python-Markdown "
        f"({', '.join(EXTENSIONS)}) {converted:.2f} CPU s, so at least "
        f"{converted / 2:.2f} s of wall time on two cores"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
