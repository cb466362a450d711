"""Replacements that read awkwardly: "my care coordinator, a care coordinator, said"
or "My friend another service user came". They are warnings, not holds: nothing
private shows, but the storyteller reads these sentences in the review pack, and so
will readers, so someone should reword them.

Only the anonymised text is read, so a warning never quotes a removed name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
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
    # The body's replacements, read once: the names shown, and each replacement
    # text's lines in the body.
    shown: set[str] = set()
    lines_of: dict[str, list[int | None]] = {}
    for replacement in story.replacements:
        if replacement.field == "body":
            lines_of.setdefault(replacement.shown_as, []).append(replacement.line)
            if replacement.kind == "name":
                shown.add(replacement.shown_as)
    phrases = [w for w in sorted(shown) if w.split(" ", 1)[0].lower() in DETERMINERS]
    if not phrases:
        return found
    body = story.body
    lowered = _lowered(body)
    # Where a match may start, found once for every phrase.
    starts = None if lowered is None else _starts_in(body, lowered)
    for words in phrases:
        lines = lines_of.get(words, [])
        pattern = re.compile(_BEFORE + re.escape(words) + r"\b", re.IGNORECASE)
        places: list[int] | None = None  # where the phrase stands: read at a first match
        for match in _matches(pattern, body, starts):
            if places is None:
                places = _places(words, body, lowered)
            end = match.end() - len(words)
            index = places.index(end) if end in places else -1
            line = lines[index] if 0 <= index < len(lines) else _line(story, match.start())
            found.append(Awkward(line, " ".join(match.group().split())))
    return sorted(found, key=lambda a: (a.line or 0, a.text))


#: The possessives _BEFORE opens with, and the characters outside ASCII that Python's
#: case-blind matching reads as an ASCII letter (İ, ı and ſ as i and s; the Kelvin
#: sign as k): a text holding one of these is searched the plain way.
_POSSESSIVES = ("my", "our", "his", "her", "their", "your")
_CASE_BLIND_TWINS_RE = re.compile("[\u0130\u0131\u017f\u212a]")


def _lowered(text: str) -> str | None:
    """``text`` in lower case, where an ASCII letter stands just where a case-blind
    pattern reads that letter in ``text``; None when that is not so (lower case of
    another length, or a case-blind twin of an ASCII letter in it)."""
    lowered = text.lower()
    if len(lowered) != len(text) or _CASE_BLIND_TWINS_RE.search(text):
        return None
    return lowered


def _possessive_starts(text: str) -> list[int] | None:
    """Every place a match of _BEFORE may start, in order; None when only a search at
    every character is sure to find them all (see ``_starts_in``)."""
    lowered = _lowered(text)
    return None if lowered is None else _starts_in(text, lowered)


def _starts_in(text: str, lowered: str) -> list[int]:
    """Each possessive written in any case, found with str.find in ``lowered``
    (``_lowered(text)``), where it is a word, ``\\b``, followed by white space, ``\\s``."""
    found: set[int] = set()
    for word in _POSSESSIVES:
        at = lowered.find(word)
        while at != -1:
            before = text[at - 1] if at else " "
            if (
                not (before.isalnum() or before == "_")
                and text[at + len(word) : at + len(word) + 1].isspace()
            ):
                found.add(at)
            at = lowered.find(word, at + 1)
    return sorted(found)


def _places(words: str, text: str, lowered: str | None) -> list[int]:
    """Where ``re.finditer(re.escape(words), text, re.IGNORECASE)`` finds ``words``:
    for words in ASCII, found with str.find in ``lowered`` (``_lowered(text)``)."""
    if lowered is None or not words.isascii():
        return [m.start() for m in re.finditer(re.escape(words), text, re.IGNORECASE)]
    wanted = words.lower()
    places: list[int] = []
    at = lowered.find(wanted)
    while at != -1:
        places.append(at)
        at = lowered.find(wanted, at + len(wanted))
    return places


def _matches(
    pattern: re.Pattern[str], text: str, starts: list[int] | None
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, trying only ``starts`` (a match starts nowhere else)."""
    if starts is None:
        yield from pattern.finditer(text)
        return
    free = 0  # finditer goes on after a match's end
    for start in starts:
        if start < free:
            continue
        match = pattern.match(text, start)
        if match is not None:
            yield match
            free = match.end()


def _line(story: AnonymisedStory, offset: int) -> int:
    return story.source.body_line + story.body[:offset].count("\n")
