"""Replacements that read awkwardly: "my care coordinator, a care coordinator, said"
or "My friend another service user came". They are warnings, not holds: nothing
private shows, but the storyteller reads these sentences in the review pack, and so
will readers, so someone should reword them.

Only the anonymised text is read, so a warning never quotes a removed name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storysite.models import AnonymisedStory

#: How a ``shown_as`` that makes a phrase of its own begins.
DETERMINERS = ("a", "an", "another", "the", "some", "one", "my", "our", "their")
#: "my friend", "our care coordinator,": a possessive and up to four words, then the
#: replacement (a comma or a bracket between them or not).
_BEFORE = r"\b(?:my|our|his|her|their|your)\s+(?:[\w’'-]+\s+){0,3}?[\w’'-]+\s*[,(]?\s*"


@dataclass(frozen=True)
class Awkward:
    line: int | None
    text: str  # the words as readers will see them

    def message(self, path: str) -> str:
        where = f"{path}:{self.line}" if self.line else path
        return (
            f"{where}: '{self.text}' may read awkwardly now that the name is replaced — "
            "reword the sentence in the story, or give that person a shown_as that "
            "reads well there (the storyteller and readers will see it as it is)"
        )


def awkward_replacements(story: AnonymisedStory) -> list[Awkward]:
    """Each place in the story's text where a replacement follows words that already
    say who the person is."""
    found: list[Awkward] = []
    shown = sorted(
        {r.shown_as for r in story.replacements if r.kind == "name" and r.field == "body"}
    )
    for words in shown:
        if words.split(" ", 1)[0].lower() not in DETERMINERS:
            continue
        lines = [r.line for r in story.replacements if r.shown_as == words and r.field == "body"]
        pattern = re.compile(_BEFORE + re.escape(words) + r"\b", re.IGNORECASE)
        places = [m.start() for m in re.finditer(re.escape(words), story.body, re.IGNORECASE)]
        for match in pattern.finditer(story.body):
            end = match.end() - len(words)
            index = places.index(end) if end in places else -1
            line = lines[index] if 0 <= index < len(lines) else _line(story, match.start())
            found.append(Awkward(line, " ".join(match.group().split())))
    return sorted(found, key=lambda a: (a.line or 0, a.text))


def _line(story: AnonymisedStory, offset: int) -> int:
    return story.source.body_line + story.body[:offset].count("\n")
