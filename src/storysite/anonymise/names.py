"""Find people's names in text, loosely, in one pass over its words.

A name is a sequence of folded words (see folding.py). All names of a site sit in
one dictionary keyed by their first word, so a register of thousands of people
costs a dictionary look-up per word of text, never one regular expression per name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from storysite.anonymise.folding import JOINER, PLAIN_WORD_RE, WORD_RE, fold, word_key
from storysite.models import Person

#: What may stand between the words of a name: spaces, line breaks, '-', '_', '.',
#: apostrophes inside a name (O'Neill), and Markdown emphasis marks (**Jane** Doe).
SEPARATOR_RE = re.compile(rf"[\s\-_.'*~{JOINER}]+")
TITLE_BEFORE_RE = re.compile(r"\b(mr|mrs|ms|miss|mx|dr|prof)\.?\s+$")
POSSESSIVE_RE = re.compile(r"'s(?![^\W_])")
#: A character no word holds (see folding.WORD_RE), and the size of a piece of text.
_BREAK_RE = re.compile(rf"_|[^\w{JOINER}]")
_PIECE = 1 << 20


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
    opening_marks: str = ""  # emphasis opened inside the name, kept before the replacement


_MARK_RUN_RE = re.compile(r"[*~]+")


def _emphasis_marks(text: str, start: int, end: int) -> tuple[str, str]:
    """The emphasis marks between ``start`` and ``end``: (those that open, those that
    close). A run followed by a letter opens; any other run closes."""
    opening: list[str] = []
    closing: list[str] = []
    for run in _MARK_RUN_RE.finditer(text, start, end):
        follows = text[run.end() : run.end() + 1]
        (opening if follows and not follows.isspace() else closing).append(run.group())
    return "".join(opening), "".join(closing)


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
        self._protected_firsts: frozenset[str] | None = None
        for form in forms:
            self.add(form)

    def add(self, form: NameForm) -> None:
        if form.words:
            self.by_first.setdefault(form.words[0], []).append(form)
            self._protected_firsts = None

    @property
    def protected_firsts(self) -> frozenset[str]:
        """First words of the protected forms: only these can start a match ``find``
        reports (the others only stop a shorter protected name inside them)."""
        if self._protected_firsts is None:
            self._protected_firsts = frozenset(
                key for key, forms in self.by_first.items() if any(f.protected for f in forms)
            )
        return self._protected_firsts

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
        self._candidates: dict[str, list[NameForm]] = {}

    def candidates(self, word: str) -> list[NameForm]:
        found = self._candidates.get(word)
        if found is None:
            found = []
            for index in self.indexes:
                found.extend(index.by_first.get(word, ()))
            found.sort(key=_rank, reverse=True)
            self._candidates[word] = found
        return found

    def first_words_in(self, keys: Iterable[str]) -> set[str]:
        """Those of ``keys`` that start some name (one set operation per index)."""
        unique = keys if isinstance(keys, set) else set(keys)
        hits: set[str] = set()
        for firsts in self._firsts:
            hits |= unique & firsts.keys()
        return hits

    def may_find(self, text: str) -> bool:
        """False when ``find`` cannot match anything in ``text``: no word of it starts a
        name. (Every match starts at such a word, whatever ``parts_any_case`` is.)"""
        folded = fold(text)
        # A long text (a search index) is read in pieces cut where no word can go on,
        # so its millions of words are never all in one list.
        start = 0
        while start < len(folded):
            cut = _BREAK_RE.search(folded, start + _PIECE) if len(folded) > _PIECE else None
            end = cut.end() if cut else len(folded)
            if self._any_protected_first(_keys(folded[start:end])):
                return True
            start = end
        return False

    def _any_protected_first(self, keys: list[str]) -> bool:
        unique = set(keys)
        return any(not unique.isdisjoint(index.protected_firsts) for index in self.indexes)

    def find(self, text: str, parts_any_case: bool = False) -> list[NameMatch]:
        """Every protected name in ``text``, left to right, never overlapping.

        ``parts_any_case`` makes single parts match in lower case too: for slugs and
        file names, which are lower case whatever the name was.
        """
        folded = fold(text)
        # Tokenise in C, and look further only at words that start some name: in
        # nearly every text there are none, or a handful.
        keys = _keys(folded)
        if not self._any_protected_first(keys):
            return []  # only a protected form is reported, and none starts here
        hits = self.first_words_in(keys)
        starts = [i for i, key in enumerate(keys) if key in hits]
        words = list((WORD_RE if JOINER in folded else PLAIN_WORD_RE).finditer(folded))
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
        following = keys[position + 1] if position + 1 < len(keys) else None
        failed: set[tuple[tuple[str, ...], bool]] = set()
        # Candidates are sorted best first (stable, so the first of equals wins as
        # before): the first form that matches here is the best one.
        for form in self.candidates(keys[position]):
            length = len(form.words)
            if length > 1 and form.words[1] != following:
                continue  # cheap test first: most forms sharing a first word differ here
            tried = (form.words, form.needs_capital)
            if tried in failed:
                continue
            if not _words_match(folded, words, keys, position, form.words) or (
                form.needs_capital
                and not parts_any_case
                and _all_lower(text, words, position, length)
            ):
                failed.add(tried)
                continue
            return form, length
        return None

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
        # Emphasis marks inside a name are kept, so the Markdown around it stays
        # balanced: a mark that closes (**Jane** Doe) goes after the replacement, one
        # that opens (Priya *Okafor*) before it.
        opening, closing = _emphasis_marks(text, start, end)
        # "J.D. said": the final dot belongs to the initials, unless it ends the text.
        after = folded[end + 1 : end + 2]
        if form.dotted and folded.startswith(".", end) and after and after in " ,;:)":
            end += 1
        possessive = ""
        tail = POSSESSIVE_RE.match(folded, end)
        if tail:
            possessive = text[end : tail.end()]
            end = tail.end()
        return NameMatch(start, end, form, title_start, closing + possessive, opening)


def _keys(folded: str) -> list[str]:
    """The lookup keys of the words of folded text, in order."""
    if JOINER not in folded:
        return PLAIN_WORD_RE.findall(folded)  # the same words as WORD_RE's, faster
    return [word_key(word) for word in WORD_RE.findall(folded)]


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
