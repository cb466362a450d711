"""Find people's names in text, loosely, in one pass over its words.

A name is a sequence of folded words (see folding.py). All names of a site sit in
one dictionary keyed by their first word, so a register of thousands of people
costs a dictionary look-up per word of text, never one regular expression per name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from storysite.anonymise.folding import JOINER, WORD_RE, fold, word_key
from storysite.models import Person

#: What may stand between the words of a name: spaces, line breaks, '-', '_', '.',
#: apostrophes inside a name (O'Neill), and Markdown emphasis marks (**Jane** Doe).
SEPARATOR_RE = re.compile(rf"[\s\-_.'*~{JOINER}]+")
TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof"})
TITLE_BEFORE_RE = re.compile(r"\b(mr|mrs|ms|miss|mx|dr|prof)\.?\s+$")
POSSESSIVE_RE = re.compile(r"'s(?![^\W_])")


@dataclass(frozen=True)
class NameForm:
    """One way of writing a name: its folded words, and what a match of it means."""

    words: tuple[str, ...]
    person: Person | None  # None for a word in the site's allow list
    kind: str  # "full", "alias", "part" or "allow"
    dotted: bool = False  # written with a final '.', like the initials "J.D."
    #: A part of a name kept private by *another* story: a name this story declares
    #: itself (say its own named "Sam Rivera") wins a tie against it.
    foreign: bool = False

    @property
    def protected(self) -> bool:
        return self.person is not None and self.person.protected

    @property
    def needs_capital(self) -> bool:
        """A single part of a name counts only when it is not written all in lower case."""
        return self.kind == "part"


@dataclass(frozen=True)
class NameMatch:
    start: int
    end: int
    form: NameForm
    title_start: int  # start of "Dr " before the name, or ``start``
    possessive: str  # "'s" or "’s" kept after the replacement, or ""


def split_words(text: str) -> tuple[str, ...]:
    return tuple(word_key(w) for w in WORD_RE.findall(fold(text)) if word_key(w))


def name_parts(name: str) -> list[tuple[str, ...]]:
    """The single parts of a full name worth matching alone: two letters or more."""
    whole_parts = [p for p in name.split() if p]
    pieces = [p for p in re.split(r"[\s\-_.]+", name) if p]
    if len(pieces) < 2:
        return []
    # "Delacroix-Byrne" counts whole, and so do "Delacroix" and "Byrne" alone.
    candidates = dict.fromkeys(
        [split_words(p) for p in whole_parts if len(whole_parts) > 1]
        + [split_words(p) for p in pieces]
    )
    return [w for w in candidates if w and sum(len(x) for x in w) >= 2]


def forms_of(person: Person, with_parts: bool = True) -> Iterator[NameForm]:
    yield NameForm(split_words(person.name), person, "full")
    for alias in person.aliases:
        yield NameForm(split_words(alias), person, "alias", dotted=alias.endswith("."))
    if with_parts:
        for part in name_parts(person.name):
            yield NameForm(part, person, "part")


class NameIndex:
    """Name forms keyed by their first word."""

    def __init__(self, forms: Iterable[NameForm] = ()) -> None:
        self.by_first: dict[str, list[NameForm]] = {}
        for form in forms:
            self.add(form)

    def add(self, form: NameForm) -> None:
        if form.words:
            self.by_first.setdefault(form.words[0], []).append(form)

    @classmethod
    def of_people(cls, people: Iterable[Person], allow: Iterable[str] = ()) -> NameIndex:
        index = cls()
        for person in people:
            for form in forms_of(person):
                index.add(form)
        for word in allow:
            index.add(NameForm(split_words(word), None, "allow"))
        return index


def _rank(form: NameForm) -> tuple[int, int]:
    """Longer names win; on a tie a protected name wins, except that an explicit allow
    entry beats a lone part of a protected name, and a story's own people beat a lone
    part of someone another story keeps private."""
    if form.kind == "allow":
        strength = 2
    elif form.foreign:
        strength = -1
    elif form.protected:
        strength = 1 if form.kind == "part" else 3
    else:
        strength = 0
    return (len(form.words), strength)


class NameMatcher:
    """Finds protected names (and the spans that must be kept) in any text."""

    def __init__(self, indexes: Sequence[NameIndex]) -> None:
        self.indexes = tuple(indexes)
        # The register's index is shared by every story: look in each index rather than
        # copying its keys into one set per story.
        self._firsts = tuple(index.by_first for index in self.indexes if index.by_first)

    def is_first_word(self, key: str) -> bool:
        return any(key in firsts for firsts in self._firsts)

    def candidates(self, word: str) -> list[NameForm]:
        found: list[NameForm] = []
        for index in self.indexes:
            found.extend(index.by_first.get(word, ()))
        return found

    def find(self, text: str, parts_any_case: bool = False) -> list[NameMatch]:
        """Every protected name in ``text``, left to right, never overlapping.

        ``parts_any_case`` makes single parts match in lower case too: for slugs and
        file names, which are lower case whatever the name was.
        """
        folded = fold(text)
        words = list(WORD_RE.finditer(folded))
        keys = [word_key(m.group()) for m in words]
        starts = [i for i, key in enumerate(keys) if self.is_first_word(key)]
        if not starts:
            return []
        matches: list[NameMatch] = []
        free_from = 0  # a match covers its words: the next may not start inside it
        for position in starts:
            if position < free_from:
                continue
            best = self._best_at(text, folded, words, keys, position, parts_any_case)
            if best is None:
                continue
            form, length = best
            if form.protected:
                matches.append(self._match(text, folded, words, position, length, form))
            free_from = position + length
        return matches

    def _best_at(
        self,
        text: str,
        folded: str,
        words: list[re.Match[str]],
        keys: list[str],
        position: int,
        parts_any_case: bool,
    ) -> tuple[NameForm, int] | None:
        best: NameForm | None = None
        for form in self.candidates(keys[position]):
            length = len(form.words)
            if not _words_match(folded, words, keys, position, form.words):
                continue
            if (
                form.needs_capital
                and not parts_any_case
                and _all_lower(text, words, position, length)
            ):
                continue
            if best is None or _rank(form) > _rank(best):
                best = form
        return (best, len(best.words)) if best is not None else None

    def _match(
        self,
        text: str,
        folded: str,
        words: list[re.Match[str]],
        position: int,
        length: int,
        form: NameForm,
    ) -> NameMatch:
        start = words[position].start()
        end = words[position + length - 1].end()
        title = TITLE_BEFORE_RE.search(folded, max(0, start - 8), start)
        title_start = title.start() if title else start
        # Emphasis marks inside a name (**Jane** Doe) are kept after the replacement,
        # so the Markdown around it stays balanced.
        marks = "".join(c for c in text[start:end] if c in "*~")
        # "J.D. said": the final dot belongs to the initials, unless it ends the text.
        after = folded[end + 1 : end + 2]
        if form.dotted and folded.startswith(".", end) and after and after in " ,;:)":
            end += 1
        possessive = ""
        tail = POSSESSIVE_RE.match(folded, end)
        if tail:
            possessive = text[end : tail.end()]
            end = tail.end()
        return NameMatch(start, end, form, title_start, marks + possessive)


def _words_match(
    folded: str,
    words: list[re.Match[str]],
    keys: list[str],
    position: int,
    wanted: tuple[str, ...],
) -> bool:
    if position + len(wanted) > len(words):
        return False
    for offset, word in enumerate(wanted):
        if keys[position + offset] != word:
            return False
        if offset:
            gap = folded[words[position + offset - 1].end() : words[position + offset].start()]
            if not SEPARATOR_RE.fullmatch(gap):
                return False
    return True


def _all_lower(text: str, words: list[re.Match[str]], position: int, length: int) -> bool:
    span = text[words[position].start() : words[position + length - 1].end()]
    return not any(char.isupper() for char in span)
