"""Find people's names in text, loosely, in one pass over its words.

A name is a sequence of folded words (see folding.py). Each index compiles the words
of all its names into one automaton (Aho-Corasick), run once over the text's words:
a register of thousands of people costs one pass, never a look-up per name.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from itertools import compress
from typing import NamedTuple

import ahocorasick_rs

from storysite.anonymise.folding import JOINER, WORD_RE, fold, word_key
from storysite.anonymise.text import Runs, TextView
from storysite.anonymise.vocabulary import ordinary_words
from storysite.models import Person

#: What may stand between the words of a name: spaces, line breaks, '-', '_', '.',
#: apostrophes inside a name (O'Neill), Markdown emphasis marks (**Jane** Doe), and
#: the joins of addresses and handles: '+' (?q=jane+doe), '/', '·', '•', hyphens and
#: dashes of every kind, and the minus sign.
SEPARATOR_RE = re.compile(rf"[\s\-_.'*~+/\u00b7\u2022\u2027\u2010-\u2015\u2212\ufe63{JOINER}]+")
TITLE_BEFORE_RE = re.compile(r"\b(mr|mrs|ms|miss|mx|dr|prof)\.?\s+$")
POSSESSIVE_RE = re.compile(r"'s(?![^\W_])")


#: How many words a cache of words (see JoinedKeys) holds before it starts again.
_CACHED_WORDS_MAX = 1 << 16


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
    #: A part that is not ordinary English ("quarrington"): it counts in lower case
    #: too. An ordinary one ("doe", "hill") needs a capital, so "the doe ran" stays.
    any_case: bool = False

    @property
    def protected(self) -> bool:
        return self.person is not None and self.person.protected

    @property
    def needs_capital(self) -> bool:
        """A single part of a name that is an ordinary word counts only when it is not
        written all in lower case."""
        return self.kind == "part" and not self.any_case


def _possessive_after(text: str, folded: str, end: int) -> tuple[str, int]:
    """The "'s" or "’s" right after a name (kept after its replacement), and where the
    match then ends."""
    if folded.startswith("'s", end):
        tail = POSSESSIVE_RE.match(folded, end)
        if tail:
            return text[end : tail.end()], tail.end()
    return "", end


class NameMatch(NamedTuple):
    """A name found in a text. (A named tuple, immutable like a frozen dataclass and
    four times faster to make: a story makes one or two per mention of a name.)"""

    start: int
    end: int
    form: NameForm
    title_start: int  # start of "Dr " before the name, or ``start``
    possessive: str  # "'s" or "’s" kept after the replacement, or ""
    opening_marks: str = ""  # emphasis opened inside the name, kept before the replacement


_MARK_RUN_RE = re.compile(r"[*~]+")


def emphasis_marks(text: str, start: int, end: int) -> tuple[str, str]:
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
    yield NameForm(_words_of(person.name), person, "full")
    for alias in person.aliases:
        yield NameForm(_words_of(alias), person, "alias", dotted=alias.endswith("."))
    if with_parts:
        for part, any_case in _parts_of(person.name):
            yield NameForm(part, person, "part", any_case=any_case)


# A story's own people are indexed for each story, and the same names are declared
# in many stories: their words are folded once per name.


@lru_cache(maxsize=16384)
def _words_of(name: str) -> tuple[str, ...]:
    return split_words(name)


@lru_cache(maxsize=16384)
def _parts_of(name: str) -> tuple[tuple[tuple[str, ...], bool], ...]:
    """The parts of a name worth matching alone, each with whether it counts in lower
    case too (it is not all ordinary English)."""
    ordinary = ordinary_words()
    return tuple((part, not all(word in ordinary for word in part)) for part in name_parts(name))


class NameIndex:
    """Name forms, each folded once: grouped by their words, best first (``_rank``), and
    their words compiled into one automaton, for ``NameMatcher.find``."""

    def __init__(self, forms: Iterable[NameForm] = ()) -> None:
        self.forms: list[NameForm] = []
        self._by_words: dict[tuple[str, ...], tuple[NameForm, ...]] | None = None
        self._words: frozenset[str] | None = None
        self._longest: int | None = None
        self._automaton: tuple[ahocorasick_rs.AhoCorasick | None, list[str]] | None = None
        self._protected_names: frozenset[tuple[str, ...]] | None = None
        self._joined: JoinedKeys | None = None
        for form in forms:
            self.add(form)

    def add(self, form: NameForm) -> None:
        if form.words:
            self.forms.append(form)
            self._by_words = None
            self._words = None
            self._longest = None
            self._automaton = None
            self._protected_names = None
            self._joined = None

    @property
    def by_words(self) -> dict[tuple[str, ...], tuple[NameForm, ...]]:
        """The forms of each sequence of words, in the order they are tried (``ranked``)."""
        if self._by_words is None:
            groups: dict[tuple[str, ...], list[NameForm]] = {}
            for form in self.forms:
                groups.setdefault(form.words, []).append(form)
            self._by_words = {words: ranked(forms) for words, forms in groups.items()}
        return self._by_words

    @property
    def longest(self) -> int:
        """The most words a form has."""
        if self._longest is None:
            self._longest = max(map(len, self.by_words), default=0)
        return self._longest

    @property
    def words(self) -> frozenset[str]:
        """Every word of every form."""
        if self._words is None:
            self._words = frozenset(word for words in self.by_words for word in words)
        return self._words

    def hits(self, spaced: str) -> list[tuple[int, int, str]]:
        """Where a word of some form stands in ``spaced`` (``TextView.spaced``): (start,
        end, word). The automaton's patterns carry a space at each end, so a hit is a
        whole word; overlapping, so words one space apart are all found."""
        if self._automaton is None:
            patterns = sorted(self.words)
            automaton = None
            if len(patterns) > _FEW_WORDS:
                automaton = ahocorasick_rs.AhoCorasick([f" {word} " for word in patterns])
            self._automaton = (automaton, patterns)
        automaton, patterns = self._automaton
        if automaton is None:
            return _found_one_by_one(spaced, patterns)
        found = automaton.find_matches_as_indexes(spaced, overlapping=True)
        # ``spaced`` has one more character in front than the folded text.
        return [(start, end - 2, patterns[number]) for number, start, end in found]

    @property
    def protected_names(self) -> frozenset[tuple[str, ...]]:
        """The words of every protected full name and alias: a longer name that holds
        one of them never shadows it (see NameMatcher.shadows)."""
        if self._protected_names is None:
            self._protected_names = frozenset(
                form.words
                for form in self.forms
                if form.protected and form.kind in ("full", "alias")
            )
        return self._protected_names

    @property
    def joined(self) -> JoinedKeys:
        """Every form with its words run together, for ``NameMatcher.find_joined``."""
        if self._joined is None:
            self._joined = JoinedKeys.of(self.forms)
        return self._joined

    @classmethod
    def of_people(cls, people: Iterable[Person], allow: Iterable[str] = ()) -> NameIndex:
        index = cls()
        for person in people:
            for form in forms_of(person):
                index.add(form)
        for word in allow:
            index.add(NameForm(split_words(word), None, "allow"))
        return index


#: An index of this many words or fewer (a story's own people, made for each story)
#: finds them with str.find: compiling an automaton for a handful of words costs more
#: than the searches it saves.
_FEW_WORDS = 8


def _found_one_by_one(spaced: str, words: list[str]) -> list[tuple[int, int, str]]:
    """``NameIndex.hits`` of ``words`` in ``spaced``, each word looked for with str.find,
    overlapping places included, as the automaton finds them (in another order)."""
    found: list[tuple[int, int, str]] = []
    for word in words:
        pattern = f" {word} "
        at = spaced.find(pattern)
        while at != -1:
            found.append((at, at + len(word), word))
            at = spaced.find(pattern, at + 1)
    return found


def ranked(forms: Iterable[NameForm]) -> tuple[NameForm, ...]:
    """Forms of the same words in the order they are tried: best first (a stable sort,
    so the first of equals wins), and of forms tried alike (same need of a capital)
    only the first, since the others can only fail after it."""
    tried: set[bool] = set()
    kept: list[NameForm] = []
    for form in sorted(forms, key=_rank, reverse=True):
        if form.needs_capital not in tried:
            tried.add(form.needs_capital)
            kept.append(form)
    return tuple(kept)


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
        self.indexes = tuple(index for index in indexes if index.forms)
        #: The most words a form has: no longer run of words is looked at.
        self._longest = max((index.longest for index in self.indexes), default=0)
        self._forms: dict[tuple[str, ...], tuple[NameForm, ...]] = {}
        self._tried: dict[tuple[str, ...], tuple[tuple[NameForm, bool], ...]] = {}
        self._shadowing: dict[NameForm, bool] = {}
        #: (key, word as written, parts_any_case) -> what ``_token_hit`` found there.
        self._token_hits: dict[tuple[str, str, bool], NameForm | None] = {}

    def shadows(self, form: NameForm) -> bool:
        """Whether ``form``, a name that may be shown, holds a protected full name or
        alias inside it ("Gordon Pryce Junior" named, "Gordon Pryce" protected): it must
        not win there, or it would publish the protected name inside it."""
        if form.protected or len(form.words) < 2:
            return False
        found = self._shadowing.get(form)
        if found is None:
            words = form.words
            inner = {
                words[i:j]
                for i in range(len(words))
                for j in range(i + 1, len(words) + 1)
                if j - i < len(words)
            }
            found = any(not inner.isdisjoint(index.protected_names) for index in self.indexes)
            self._shadowing[form] = found
        return found

    def forms_of(self, words: tuple[str, ...]) -> tuple[NameForm, ...]:
        """The forms of ``words`` in every index, in the order they are tried."""
        found = self._forms.get(words)
        if found is None:
            groups = [index.by_words.get(words, ()) for index in self.indexes]
            present = [group for group in groups if group]
            found = present[0] if len(present) == 1 else ranked(f for g in present for f in g)
            self._forms[words] = found
        return found

    def find(self, text: str | TextView, parts_any_case: bool = False) -> list[NameMatch]:
        """Every protected name in ``text``, left to right, never overlapping.

        One pass of each index's automaton finds every word of a name in the text; at
        each such word the longest form that follows, then the best ranked, that may
        count there wins, and the next match starts after it. ``parts_any_case`` makes
        single parts match in lower case too: for slugs and file names, which are lower
        case whatever the name was.
        """
        view = TextView.of(text)
        hits = self._hits(view)
        matches: list[NameMatch] = []
        free_from = 0  # a match covers its words: the next may not start inside it
        for number, (start, _, _) in enumerate(hits):
            if start < free_from:
                continue
            best = self._best_at(view, hits, number, parts_any_case)
            if best is None:
                continue
            form, end = best
            if form.protected:
                matches.append(_match(view, start, end, form))
            free_from = end
        return matches

    def _hits(self, view: TextView) -> list[tuple[int, int, str]]:
        """The words of the text that are words of a name, in order: (start, end, key).
        Text with hidden characters (JOINER) that holds such words is tokenised
        instead, and a word made only of them is kept too, with an empty key: it is a
        word between two others, so no name runs across it."""
        found = sorted({hit for index in self.indexes for hit in index.hits(view.spaced)})
        if not found or JOINER not in view.folded:
            return found
        return _with_joiners(view.folded, found)

    def _best_at(
        self,
        view: TextView,
        hits: list[tuple[int, int, str]],
        number: int,
        parts_any_case: bool,
    ) -> tuple[NameForm, int] | None:
        """The form that counts at hit ``number``, and where it ends: the longest whose
        words follow one another there with only separators between, then the best
        ranked of those words that may count there."""
        run = [hits[number]]
        while len(run) < self._longest and number + len(run) < len(hits):
            after = hits[number + len(run)]
            if not SEPARATOR_RE.fullmatch(view.folded, run[-1][1], after[0]):
                break
            run.append(after)
        for length in range(len(run), 0, -1):
            start, end = run[0][0], run[length - 1][1]
            for form, needs_capital in self._tries(tuple(key for _, _, key in run[:length])):
                if needs_capital and not parts_any_case and _all_lower(view.text, start, end):
                    continue
                return form, end
        return None

    def _tries(self, words: tuple[str, ...]) -> tuple[tuple[NameForm, bool], ...]:
        """The forms of ``words`` that may win (``forms_of`` without those that shadow a
        protected name, which never do), each with whether it needs a capital: made
        once per words, for each of their places in every text of the story."""
        found = self._tried.get(words)
        if found is None:
            found = tuple(
                (form, form.needs_capital)
                for form in self.forms_of(words)
                if not self.shadows(form)
            )
            self._tried[words] = found
        return found

    def find_joined(self, text: str | TextView, parts_any_case: bool = False) -> list[NameMatch]:
        """Protected names the word-by-word ``find`` cannot see, because they change
        where words start and end: run together ("JaneQuarrington's", "#janedoe",
        "@jane_doe90", "SmithJones"), in the plural ("the Quarringtons"), or letter
        by letter ("J A N E  D O E"). A word holding one is replaced whole; see
        docs/anonymising.md for the rules that keep ordinary words out."""
        view = TextView.of(text)
        keys = view.letters.keys
        # Only the words that may hold a name (found with set operations, see
        # JoinedKeys.candidates) are looked at one by one.
        joined = [index.joined for index in self.indexes]
        unique = set(keys)
        unusual = unique - ordinary_words()  # the same for every index: made once
        candidates = set().union(*(j.candidates(unique, unusual) for j in joined))
        spaced = _letter_by_letter(keys)
        if not candidates and not spaced:
            return []
        text, folded, tokens = view.text, view.folded, view.letters.tokens
        hits: list[tuple[int, int, NameForm]] = []
        seen = self._token_hits
        starts, keys, ends = tokens.starts, tokens.keys, tokens.ends
        for number in compress(range(len(tokens)), map(candidates.__contains__, keys)):
            start, key = starts[number], keys[number]
            end = start + len(key) if ends is None else ends[number]
            written = text[start:end]
            # The same word written the same way holds the same name: judged once.
            known = (key, written, parts_any_case)
            if known in seen:
                form = seen[known]
            else:
                form = _token_hit(
                    joined, key, partial(_lower, text, start, end), parts_any_case, written
                )
                seen[known] = form
            if form is not None:
                hits.append((number, number, form))
        if spaced:
            hits.extend(_spaced_hits(joined, folded, tokens))
            merged = _merged(hits, tokens, folded)
        else:
            # One word each, in order: already sorted, and none overlaps another.
            merged = [_widened(hit, tokens, folded) for hit in hits]
        return [_joined_match(view, tokens, hit) for hit in merged]


#: A word (folding.WORD_RE, with '_' read as a space) made only of hidden characters.
#: The test of the character before comes after the first JOINER, so the engine jumps
#: from JOINER to JOINER instead of trying every position.
_JOINER_WORD_RE = re.compile(
    rf"{JOINER}(?<![^\W_]{JOINER}|{JOINER}{JOINER}){JOINER}*(?![^\W_]|{JOINER})"
)


def _with_joiners(folded: str, found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The words of ``folded`` (text with JOINER) whose keys ``found`` holds, as
    tokenising it into words (``TextView.words``) and keeping those gives: each hit of
    ``found`` (a place in the text without JOINER, between two separators) taken back
    to ``folded`` with the hidden characters at its ends, and each word made only of
    hidden characters with an empty key. No look at every word."""
    joiners = [m.start() for m in _JOINER_RE.finditer(folded)]
    # Where each JOINER stands in the text without them: a character at ``index``
    # there has ``bisect_right(shifted, index)`` of them before it in ``folded``.
    shifted = [at - number for number, at in enumerate(joiners)]
    size = len(folded) - len(joiners)

    def place(index: int) -> int:
        return index + bisect.bisect_right(shifted, index)

    words = [
        (place(start - 1) + 1 if start else 0, place(end) if end < size else len(folded), key)
        for start, end, key in found
    ]
    spaced = folded.replace("_", " ")
    words.extend((m.start(), m.end(), "") for m in _JOINER_WORD_RE.finditer(spaced))
    return sorted(words)


_JOINER_RE = re.compile(JOINER)


def _letter_by_letter(keys: list[str]) -> bool:
    """Whether three words of one letter stand in a row (perhaps a name written letter
    by letter): the words joined by single spaces, searched for " x y z " in C. A key
    holds no white space (``str.split`` made it), so each "." is one whole key."""
    return _THREE_LETTERS_RE.search(f" {' '.join(keys)} ") is not None


_THREE_LETTERS_RE = re.compile(" . . . ")


def _joined_match(view: TextView, tokens: Runs, hit: tuple[int, int, NameForm]) -> NameMatch:
    first, last, form = hit
    start, end = tokens.starts[first], tokens.end(last)
    possessive, end = _possessive_after(view.text, view.folded, end)
    return NameMatch(start, end, form, start, possessive)


def _match(view: TextView, start: int, end: int, form: NameForm) -> NameMatch:
    text, folded = view.text, view.folded
    title_start = start
    # A title ends in a letter or '.' and then white space: test that in C first.
    before = folded[max(0, start - 8) : start]
    if before[-1:].isspace() and before.rstrip()[-1:] in _TITLE_ENDS:
        title = TITLE_BEFORE_RE.search(folded, max(0, start - 8), start)
        title_start = title.start() if title else start
    # Emphasis marks inside a name are kept, so the Markdown around it stays
    # balanced: a mark that closes (**Jane** Doe) goes after the replacement, one
    # that opens (Priya *Okafor*) before it.
    opening, closing = "", ""
    if "*" in text[start:end] or "~" in text[start:end]:
        opening, closing = emphasis_marks(text, start, end)
    # "J.D. said": the final dot belongs to the initials, unless it ends the text.
    after = folded[end + 1 : end + 2]
    if form.dotted and folded.startswith(".", end) and after and after in " ,;:)":
        end += 1
    possessive, end = _possessive_after(text, folded, end)
    return NameMatch(start, end, form, title_start, closing + possessive, opening)


#: What may join two parts of one name run together in a handle or an address.
_JOIN_GAP_RE = re.compile(r"[_\-.+/'\u00b7\u2022\u2010-\u2015\u2212]{1,2}")
#: The characters of _JOIN_GAP_RE's class (a test checks all of Unicode).
_JOIN_MARKS = frozenset("_-.+/'\u00b7\u2022\u2212") | frozenset(map(chr, range(0x2010, 0x2016)))
#: Letters written one by one: this many in a row are read as one word.
SPACED_RUN = 3
#: What may stand between the letters of a name written letter by letter.
_SPACED_GAP_RE = re.compile(rf"[\s.\-_*+/\u00b7\u2022{JOINER}]{{1,3}}")

#: A part of one word must be this long to be found inside a longer word
#: ("Quarrington" in "JaneQuarrington"; "Ann" is never looked for in "Annual").
INNER_PART = 5
#: A part this long is found anywhere inside a word that is not ordinary English
#: ("Quarringtonxyz"); a shorter one must stand apart from the rest ("Maria" is not
#: found in "Marianne").
DISTINCT_PART = 8


@dataclass(frozen=True)
class JoinedKeys:
    """One index's protected names with their words run together ("janedoe"), for
    words that hold them: ``exact`` by the whole word, ``inner`` by their first four
    letters, for a look-up at each letter of a word that is not ordinary English.
    ``shown`` holds the words of names that may be shown (named people, the allow
    list): such a word is never read as holding a protected name."""

    exact: dict[str, tuple[NameForm, ...]]
    inner: dict[str, tuple[tuple[str, NameForm], ...]]
    shown: frozenset[str]
    #: Each key of ``exact`` with -s and with -es.
    plurals: frozenset[str]
    #: Words not ordinary English already looked at, by whether a name is inside them
    #: (bounded; the register's keys are shared by every story, and such words
    #: repeat): sets, so that a text's words are sorted by them in C.
    _holding: set[str] = field(default_factory=set, compare=False, repr=False)
    _not_holding: set[str] = field(default_factory=set, compare=False, repr=False)

    def candidates(self, words: set[str], unusual: set[str] | None = None) -> set[str]:
        """Those of ``words`` (keys) that may hold a protected name, in any case: a name
        or part, alone or in the plural, or a word not ordinary English with one
        inside. A superset: ``_token_hit`` decides for each place such a word is.
        ``unusual``: ``words - ordinary_words()``, when the caller has made it."""
        found = words & self.exact.keys()
        found.update(words & self.plurals)
        if unusual is None:
            unusual = words - ordinary_words()
        unusual = unusual - found - self._not_holding
        found.update(unusual & self._holding)
        for word in unusual - self._holding:  # words not seen before
            if self._holds_inside(word):
                found.add(word)
        return found

    def _holds_inside(self, word: str) -> bool:
        """Whether a protected name is inside ``word`` (four letters or more), kept."""
        holds = len(word) >= 4 and any(
            word.startswith(whole, at)
            for at in range(len(word) - 3)
            for whole, _ in self.inner.get(word[at : at + 4], ())
        )
        if len(self._holding) + len(self._not_holding) >= _CACHED_WORDS_MAX:
            self._holding.clear()
            self._not_holding.clear()
        (self._holding if holds else self._not_holding).add(word)
        return holds

    @classmethod
    def of(cls, forms: Iterable[NameForm]) -> JoinedKeys:
        exact: dict[str, list[NameForm]] = {}
        inner: dict[str, list[tuple[str, NameForm]]] = {}
        shown: set[str] = set()
        for form in sorted(forms, key=_rank, reverse=True):
            key = "".join(form.words)
            if not form.protected:
                if len(form.words) == 1:
                    shown.add(key)
                continue
            exact.setdefault(key, []).append(form)
            if len(key) >= (INNER_PART if len(form.words) == 1 else 4):
                inner.setdefault(key[:4], []).append((key, form))
        return cls(
            {k: tuple(v) for k, v in exact.items()},
            {k: tuple(v) for k, v in inner.items()},
            frozenset(shown),
            frozenset(k + ending for k in exact for ending in ("s", "es")),
        )


def _counts(form: NameForm, lower: Callable[[], bool], parts_any_case: bool) -> bool:
    """Whether a hit of ``form`` counts: a part that is an ordinary word needs a capital."""
    return not (form.needs_capital and not parts_any_case and lower())


def _token_hit(
    joined: Sequence[JoinedKeys],
    key: str,
    lower: Callable[[], bool],
    parts_any_case: bool,
    written: str = "",
) -> NameForm | None:
    """The protected name one word holds, if any: the word is the name run together or
    one part of it, alone or in the plural (-s, -es), or, when the word is not ordinary
    English, holds a whole name inside it, or a long part that stands apart from the
    rest of the word (``_stands_apart``)."""
    if any(key in keys.shown for keys in joined):
        return None  # a named person's or an allowed word: ``find`` decides there
    stems = [key]
    if key.endswith("s") and len(key) > 2:
        stems.append(key[:-1])
        if key.endswith("es"):
            stems.append(key[:-2])
    for keys in joined:
        for stem in stems:
            for form in keys.exact.get(stem, ()):
                if _counts(form, lower, parts_any_case):
                    return form
    if len(key) < 4 or key in ordinary_words():
        return None
    for keys in joined:
        for at in range(len(key) - 3):
            for whole, form in keys.inner.get(key[at : at + 4], ()):
                if (
                    key.startswith(whole, at)
                    and _counts(form, lower, parts_any_case)
                    and (
                        len(form.words) > 1
                        or len(whole) >= DISTINCT_PART
                        or _stands_apart(joined, key, at, at + len(whole), written)
                    )
                ):
                    return form
    return None


def _stands_apart(
    joined: Sequence[JoinedKeys], key: str, start: int, end: int, written: str
) -> bool:
    """Whether a part found at ``key[start:end]`` is a word of its own there, not the
    start of another name ("Maria" in "Marianne"): a capital starts it and ends it
    (QuarringtonJane, SmithJones), or what is left on each side is nothing, a plural
    ending, or made of ordinary words and names (TheQuarringtons, MrQuarrington)."""
    # Capitals mark the parts only in mixed case (not in SMITHJONES), and only when
    # no hidden character stands between the letters (the same letters, same places).
    if len(written) == len(key) and not written.isupper():
        begins = start == 0 or written[start].isupper()
        ends = end == len(key) or written[end].isupper()
        if begins and ends:
            return True
    return _wordy(joined, key[:start]) and (key[end:] in ("s", "es") or _wordy(joined, key[end:]))


def _wordy(joined: Sequence[JoinedKeys], letters: str) -> bool:
    """Whether ``letters`` is nothing, or ordinary words and names run together."""
    if not letters:
        return True
    ordinary = ordinary_words()
    can_end = [True] + [False] * len(letters)  # can_end[i]: letters[:i] splits into words
    for stop in range(2, len(letters) + 1):
        can_end[stop] = any(
            can_end[begin]
            and (
                letters[begin:stop] in ordinary
                or any(letters[begin:stop] in keys.exact for keys in joined)
            )
            for begin in range(stop - 1)
        )
    return can_end[-1]


def _spaced_hits(
    joined: Sequence[JoinedKeys], folded: str, tokens: Runs
) -> Iterator[tuple[int, int, NameForm]]:
    """Names written letter by letter ("J A N E  D O E", "D.O.E."): a run of single
    letters is read as one word, and any protected name or part of three letters or
    more inside it counts."""
    run: list[int] = []
    for number, (start, _, key) in enumerate([*tokens, (len(folded), len(folded), "")]):
        if len(key) == 1 and run and _SPACED_GAP_RE.fullmatch(folded, tokens[run[-1]][1], start):
            run.append(number)
            continue
        if len(run) >= SPACED_RUN:
            form = _inside(joined, "".join(tokens[n][2] for n in run))
            if form is not None:
                yield run[0], run[-1], form
        run = [number] if len(key) == 1 else []


def _inside(joined: Sequence[JoinedKeys], letters: str) -> NameForm | None:
    for keys in joined:
        for key, forms in keys.exact.items():
            if len(key) >= SPACED_RUN and key in letters:
                return forms[0]
    return None


def _merged(
    hits: list[tuple[int, int, NameForm]], tokens: Runs, folded: str
) -> list[tuple[int, int, NameForm]]:
    """Hits in order, overlapping ones joined, and a hit next to another part of the same
    person's name with only a joining mark between (jane_quarrington90) joined to it."""
    ordered = sorted(hits, key=lambda h: (h[0], -h[1]))
    merged: list[tuple[int, int, NameForm]] = []
    for first, last, form in ordered:
        if merged and first <= merged[-1][1]:
            prior = merged[-1]
            merged[-1] = (prior[0], max(prior[1], last), prior[2])
            continue
        merged.append((first, last, form))
    return [_widened(hit, tokens, folded) for hit in merged]


def _widened(
    hit: tuple[int, int, NameForm], tokens: Runs, folded: str
) -> tuple[int, int, NameForm]:
    first, last, form = hit
    person = form.person
    if person is None:
        return hit
    parts = _joined_parts(person.name)
    keys = tokens.keys  # tokens[n][2], without making the whole of tokens[n]
    while first > 0 and keys[first - 1] in parts and _joins(tokens, folded, first - 1):
        first -= 1
    while last + 1 < len(keys) and keys[last + 1] in parts and _joins(tokens, folded, last):
        last += 1
    return first, last, form


def _joins(tokens: Runs, folded: str, number: int) -> bool:
    """Whether runs ``number`` and ``number + 1`` have only a joining mark between them
    (``_JOIN_GAP_RE``: one or two of _JOIN_MARKS; tested as a set, no pattern)."""
    gap = folded[tokens.end(number) : tokens.starts[number + 1]]
    return 0 < len(gap) <= 2 and _JOIN_MARKS.issuperset(gap)


@lru_cache(maxsize=4096)
def _joined_parts(name: str) -> frozenset[str]:
    """A name and each part of it, with their words run together."""
    parts = {"".join(p) for p in name_parts(name)}
    return frozenset(parts | {"".join(split_words(name))})


def _lower(text: str, start: int, end: int) -> bool:
    return not any(char.isupper() for char in text[start:end])


#: The last character of a title TITLE_BEFORE_RE finds (mr, mrs, ms, miss, mx, dr,
#: prof, or a final '.').
_TITLE_ENDS = frozenset("rsxf.")


def _all_lower(text: str, start: int, end: int) -> bool:
    return not any(char.isupper() or _looks_capital(char) for char in text[start:end])


def _looks_capital(char: str) -> bool:
    """A small capital (ᴊ) or a squared or circled capital (🅹) reads as a capital."""
    return not char.isascii() and "CAPITAL" in unicodedata.name(char, "")
