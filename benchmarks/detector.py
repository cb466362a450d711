"""CPU time of the undeclared-name detector on a 750-word story.

Runs ``anonymise.findings.suspects`` (every signal) over the first 750 words of each
file of the name-free prose corpus, after the word lists are loaded, and prints the
CPU milliseconds per story. The issue's target is at most 0.3 ms.

    .venv/bin/python benchmarks/detector.py
"""

from __future__ import annotations

import time
from pathlib import Path

from storysite.anonymise.findings import Known, suspects

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "anonymise" / "corpus" / "prose"
ROUNDS = 30


def main() -> None:
    texts = [" ".join(p.read_text("utf-8").split()[:750]) for p in sorted(CORPUS.glob("*.md"))]
    nobody = Known(frozenset())
    for text in texts:  # load the word lists and warm the caches
        list(suspects(text, nobody))
    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        for _ in range(ROUNDS):
            for text in texts:
                list(suspects(text, nobody))
        best = min(best, (time.process_time() - start) / (ROUNDS * len(texts)))
    print(f"detector: {best * 1000:.3f} ms CPU per 750-word story ({len(texts)} stories)")


if __name__ == "__main__":
    main()
