"""Probable names nobody declared: findings that hold a story until a person decides.

Evidence, strongest first:
- a capitalised word after a title (Mr, Mrs, Ms, Miss, Mx, Dr, Prof, Nurse);
- a capitalised word after a phrase that introduces a person ("my name is",
  "called", "my sister", "my care coordinator"…);
- a capitalised word that is a known first name (data/first_names.txt). A first
  name that is also an everyday word (Will, May, Hope, Grace…) counts only in the
  middle of a sentence of prose, never at its start, in a heading or a title.

Words of any declared person (named or not) and words in the allow list are never
findings. Every kind of evidence is one regular expression or one set look-up per
word, so the cost does not grow with the number of people on the site.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import accumulate

from storysite.anonymise.folding import fold, word_key
from storysite.anonymise.names import split_words, word_positions
from storysite.anonymise.replace import starts_sentence
from storysite.models import Person

FIX = (
    "declare the person in the story's `people` with `named: true` or `named: false`, "
    "or add the word to `[anonymise] allow` in storysite.toml"
)

_NAME = r"(?:\*\*|__|\*|_)?([A-Z][^\W\d_]*(?:['’-][A-Z]?[^\W\d_]+)?)"
TITLE_RE = re.compile(rf"\b(Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Nurse|MR|MRS|MS|DR)\.?[ \t]+{_NAME}")
_RELATIONS = (
    "friend|best friend|son|daughter|brother|sister|partner|husband|wife|boyfriend|"
    "girlfriend|mum|mother|dad|father|nan|gran|grandma|grandad|grandson|granddaughter|"
    "cousin|aunt|auntie|uncle|niece|nephew|neighbour|colleague|key ?worker|"
    "care co-?ordinator|support worker|social worker|therapist|counsellor|psychiatrist|"
    "psychologist|doctor|nurse|carer|GP|child|baby|stepson|stepdaughter|flatmate"
)
PHRASE_RE = re.compile(
    rf"\b((?i:my name is|my name's|i am called|i'm called|called|named|"
    rf"(?:my|our|her|his|their) (?:{_RELATIONS}),?))[ \t]+{_NAME}"
)
#: Capitalised words that follow "called" or a title without being names.
_NOT_NAMES = frozenset(
    {"the", "a", "an", "i", "it", "this", "that", "my", "our", "his", "her", "their", "we",
     "you", "he", "she", "they", "and", "but", "in", "on", "at", "to", "for", "of", "me"}
)  # fmt: skip
_MONTH_WORDS = frozenset({"may", "june", "april", "august"})
_TIME_WORDS = frozenset(
    {"in", "on", "of", "during", "since", "until", "till", "by", "from", "last", "next",
     "this", "early", "late", "mid", "before", "after", "through", "that", "each", "every"}
)  # fmt: skip
#: Words of letters, captured so that ``split`` keeps them between the text around them.
_WORD_SPLIT_RE = re.compile(r"([^\W\d_]+)")
#: Where a title cue (TITLE_RE's group 1 and what follows it) can start; see ``suspects``.
_TITLE_CUE_RE = re.compile(r"(?:M(?:r|rs|s|iss|x|R|RS|S)|D[rR]|Prof|Nurse)\.?[ \t]")
_HEADING_RE = re.compile(r"[ \t]{0,3}#{1,6}\s")


@dataclass(frozen=True)
class Suspect:
    """A word that is probably a name: where it is, what it is and why."""

    start: int
    word: str
    why: str
    fix: str = FIX


@cache
def first_names() -> tuple[frozenset[str], frozenset[str]]:
    """(first names, first names that are also everyday words), folded."""
    text = resources.files("storysite").joinpath("data/first_names.txt").read_text("utf-8")
    names: set[str] = set()
    words: set[str] = set()
    target = names
    for line in text.splitlines():
        line = line.strip()
        if line == "[also words]":
            target = words
            continue
        if line and not line.startswith("#"):
            target.update(word_key(fold(w)) for w in line.split())
    return frozenset(names | words), frozenset(words)


def known_words(people: Iterable[Person], allow: Iterable[str]) -> frozenset[str]:
    """Folded words that are never findings: declared people's names and the allow list."""
    known: set[str] = set()
    for person in people:
        for form in person.forms:
            known.update(split_words(form))
    for entry in allow:
        known.update(split_words(entry))
    return frozenset(known)


class Known(Container[str]):
    """Words that are never findings: the site's (shared) and one story's."""

    def __init__(self, *sets: frozenset[str]) -> None:
        self.sets = sets

    def __contains__(self, word: object) -> bool:
        return any(word in s for s in self.sets)


def suspects(text: str, known: Container[str], prose: bool = True) -> Iterator[Suspect]:
    """Probable undeclared names in ``text``. ``prose`` is false for titles and tags,
    which are often written in title case."""
    seen: set[int] = set()
    # Every match of TITLE_RE starts where _TITLE_CUE_RE matches (a scan in C that
    # jumps from capital to capital), so TITLE_RE is read only from the first cue on.
    title_cue = _TITLE_CUE_RE.search(text)
    for regex, label, start in (
        (TITLE_RE, "the title", title_cue.start() if title_cue else -1),
        (PHRASE_RE, "the words", 0),
    ):
        if start < 0:
            continue
        for match in regex.finditer(text, start):
            word = match.group(2)
            if _is_known(word, known) or match.start(2) in seen:
                continue
            seen.add(match.start(2))
            cue = " ".join(match.group(1).split())
            yield Suspect(
                match.start(2), word, f"follows {label} '{cue}', so it is probably a name"
            )
    yield from _first_names(text, known, prose, seen)


def _first_names(
    text: str, known: Container[str], prose: bool, seen: set[int]
) -> Iterator[Suspect]:
    """Capitalised known first names nobody declared, left to right. Each distinct word
    is judged once; only the places of the words that are suspect are looked up."""
    names, everyday = first_names()
    parts = _WORD_SPLIT_RE.split(text)  # the text between words, and the words, in turn
    words = parts[1::2]
    wanted: set[str] = set()
    for word in set(words):
        if word[0].isupper():
            key = word_key(fold(word))
            if key in names and key not in known:
                wanted.add(word)
    if not wanted:
        return
    bounds = list(accumulate(map(len, parts)))
    for index in word_positions(words, wanted):
        word = words[index]
        start, end = bounds[2 * index], bounds[2 * index + 1]
        if start in seen:
            continue
        key = word_key(fold(word))
        if key in everyday and not _counts_as_name(text, start, end, key, prose):
            continue
        yield Suspect(start, word, "is a common first name that nobody declared")


def _is_known(word: str, known: Container[str]) -> bool:
    keys = split_words(word)
    return not keys or all(k in known or k in _NOT_NAMES for k in keys)


def _counts_as_name(text: str, start: int, end: int, key: str, prose: bool) -> bool:
    """An everyday word that is also a name counts only mid-sentence in prose."""
    if not prose or starts_sentence(text, start):
        return False
    line_start = text.rfind("\n", 0, start) + 1
    if _HEADING_RE.match(text, line_start):
        return False
    if key in _MONTH_WORDS:
        before = text[max(0, start - 20) : start].split()
        after = text[end : end + 8].lstrip()
        previous = before[-1].lower() if before else ""
        if previous in _TIME_WORDS or previous.isdigit() or after[:1].isdigit():
            return False
    return True


#: Names of organisations and places everyone knows that contain a first name. A
#: site adds its own to ``[anonymise] allow``.
_WELL_KNOWN_RE = re.compile(
    r"\bMarks\s*(?:&|&amp;|and)\s*Spencer\b|\bJohn\s+Lewis\b|\bSt\.?\s+John\s+Ambulance\b"
    r"|\bSt\.?\s+[A-Z][a-z]+(?:'s)?\s+(?:Hospital|Church|Road|Street|Square|Park|School)\b"
    r"|\bVictoria\s+(?:Station|Park|Line)\b|\bKing'?s\s+College\b|\bPrince\s+Charles\b",
)


def not_names(text: str) -> list[tuple[int, int]]:
    """Spans of well-known names of places and organisations (Marks & Spencer)."""
    return [(m.start(), m.end()) for m in _WELL_KNOWN_RE.finditer(text)]


#: Initials in capitals: "J.D.", "J. D.", "JD", "J.A.D.", not after a letter, digit,
#: '_' or '.'. That test comes after the first capital, so the engine jumps from
#: capital to capital instead of trying every position (a test compares the matches
#: with the plain pattern, whose look-behind comes first).
INITIALS_RE = re.compile(r"([A-Z](?<![\w.].)(?:\.[ \t]?(?:[A-Z]\.[ \t]?){1,2}|[A-Z]{1,2}))(?![\w])")


def initials_of(person: Person) -> str:
    parts = [p for p in re.split(r"[\s\-_.]+", person.name) if p]
    return "".join(p[0].upper() for p in parts) if len(parts) >= 2 else ""


def initials(text: str, people: Iterable[Person]) -> Iterator[Suspect]:
    """Initials of a declared person: flagged, never guessed at. A named person's are
    not (they agreed to be named), unless someone protected has the same initials."""
    wanted = {initials_of(p) for p in people if not p.named} - {""}
    if not wanted:
        return
    for match in INITIALS_RE.finditer(text):
        letters = re.sub(r"[^A-Z]", "", match.group(1))
        if letters in wanted:
            yield Suspect(
                match.start(1),
                match.group(1).strip(),
                "may be the initials of a person declared in this story",
                "if it is them, add it to that person's `aliases` so it is replaced; "
                "if not, add it to `[anonymise] allow` in storysite.toml",
            )
