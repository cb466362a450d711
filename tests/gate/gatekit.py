"""A gate over a register of fictional people, and pages written as an attacker
would write them: straight into the gate, with no anonymiser in the way."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from storysite.audit import Gate, Leak
from storysite.config import SiteConfig
from storysite.models import OutputFile, Person, SourceStory

REGISTER = (
    Person("Jane Quarrington"),
    Person("Joe Cox"),
    Person("Siobhan O'Neill"),
    Person("Gordon Pryce"),
    Person("Ann Lee"),
    Person("Hope Abernethy"),
    Person("Effie Griffiths"),
    Person("June Okafor"),
    Person("Priya Singh"),
)
SUPPORT = ("Ring the Riverside crisis line on 0800 014 9876, day or night.",)
CONFIG = SiteConfig(root=Path("."), title="Stories", register=REGISTER, support_lines=SUPPORT)


def story_with(*people: Person) -> SourceStory:
    return SourceStory(Path("a.md"), "a.md", "A", dt.date(2020, 1, 1), "", 1, people=people)


def make_gate(*stories: SourceStory, config: SiteConfig = CONFIG) -> Gate:
    return Gate(config, stories)


def page(content: str, path: str = "index.html") -> OutputFile:
    return OutputFile(path, content.encode("utf-8"))


def leak(gate: Gate, content: str, path: str = "index.html") -> str | None:
    """The kind of leak the gate finds in a page, or None."""
    found: Leak | None = gate.file_leak(page(content, path))
    return None if found is None else found.kind
