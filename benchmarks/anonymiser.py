"""How much the anonymiser costs at scale: a register of 2,000 people over 5,000 stories.

A script, not a test: ``.venv/bin/python benchmarks/anonymiser.py [stories] [people]``.
It times the source pass (names, identifiers, findings) and the parsed-tree pass, and
prints the figures. Names are made up from syllables; no real person is involved.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from pathlib import Path

from storysite.anonymise import Anonymiser
from storysite.config import SiteConfig
from storysite.markup import MarkdownRenderer
from storysite.models import Person, SourceStory

SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ra",
    "ve",
    "tan",
    "sor",
    "bel",
    "fin",
    "gar",
    "hol",
    "jun",
    "pet",
    "wes",
    "zan",
    "dor",
    "quil",
    "bram",
]
PROSE = [
    "the", "group", "met", "on", "a", "wet", "morning", "and", "we", "talked", "about",
    "what", "helps", "when", "things", "get", "hard", "some", "of", "us", "brought", "tea",
    "others", "brought", "questions", "and", "the", "staff", "listened", "carefully",
]  # fmt: skip


def made_up_name(rng: random.Random) -> str:
    def word() -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()

    return f"{word()} {word()}"


def make_stories(count: int, register: list[Person], rng: random.Random) -> list[SourceStory]:
    stories = []
    for number in range(count):
        own = Person(made_up_name(rng), shown_as="a member of the group")
        words = [rng.choice(PROSE) for _ in range(350)]
        for _ in range(4):
            words.insert(rng.randrange(len(words)), rng.choice(register).name)
        words.insert(rng.randrange(len(words)), own.name + "'s")
        words.insert(rng.randrange(len(words)), "ring 07700 900123 or")
        paragraphs = [" ".join(words[i : i + 60]).capitalize() + "." for i in range(0, 350, 60)]
        stories.append(
            SourceStory(
                path=Path(f"stories/s{number}.md"),
                display_path=f"stories/s{number}.md",
                title=f"Story number {number}",
                date=dt.date(2020, 1, 1),
                body="\n\n".join(paragraphs),
                body_line=10,
                summary="A day at the group.",
                tags=("co-production",),
                people=(own,),
            )
        )
    return stories


def main(story_count: int = 5000, people_count: int = 2000) -> None:
    rng = random.Random(2026)
    register = [Person(made_up_name(rng)) for _ in range(people_count)]
    stories = make_stories(story_count, register, rng)
    config = SiteConfig(root=Path("."), title="Benchmark", register=tuple(register))

    start = time.perf_counter()
    anonymiser = Anonymiser(config)
    setup = time.perf_counter() - start

    start = time.perf_counter()
    results = [anonymiser.story(s) for s in stories]
    source_pass = time.perf_counter() - start

    renderer = MarkdownRenderer()
    sample = results[:500]
    start = time.perf_counter()
    for story, _ in sample:
        renderer.render(story.body)
    plain = time.perf_counter() - start
    start = time.perf_counter()
    for story, _ in sample:
        renderer.render(story.body, [anonymiser.tree_pass(story)])
    with_tree = time.perf_counter() - start

    replacements = sum(len(s.replacements) for s, _ in results)
    findings = sum(len(f) for _, f in results)
    words = sum(len(s.body.split()) for s in stories)
    print(f"register: {people_count} people; stories: {story_count} ({words:,} words)")
    print(f"index the register:        {setup * 1000:8.1f} ms")
    print(
        f"source pass, all stories:  {source_pass:8.2f} s "
        f"({source_pass / story_count * 1000:.2f} ms a story)"
    )
    tree_cost = (with_tree - plain) / len(sample) * 1000
    print(
        f"tree pass, extra per story:{tree_cost:8.2f} ms (Markdown alone: "
        f"{plain / len(sample) * 1000:.2f} ms)"
    )
    print(f"replacements: {replacements:,}; findings: {findings:,}")


if __name__ == "__main__":
    arguments = [int(a) for a in sys.argv[1:3]]
    main(*arguments)
