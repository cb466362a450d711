"""Find people's names in text, loosely, in one pass over its words.

A name is a sequence of folded words (see folding.py). All names of a site sit in
one dictionary keyed by their first word, so a register of thousands of people
costs a dictionary look-up per word of text, never one regular expression per name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import accumulate

from storysite.anonymise.folding import JOINER, PLAIN_WORD_RE, WORD_RE, fold, word_key
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


@dataclass(frozen=True)
class NameMatch:
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
    yield NameForm(split_words(person.name), person, "full")
    for alias in person.aliases:
        yield NameForm(split_words(alias), person, "alias", dotted=alias.endswith("."))
    if with_parts:
        ordinary = ordinary_words()
        for part in name_parts(person.name):
            any_case = not all(word in ordinary for word in part)
            yield NameForm(part, person, "part", any_case=any_case)


class NameIndex:
    """Name forms keyed by their first word."""

    def __init__(self, forms: Iterable[NameForm] = ()) -> None:
        self.by_first: dict[str, list[NameForm]] = {}
        self._protected_firsts: frozenset[str] | None = None
        self._protected_names: frozenset[tuple[str, ...]] | None = None
        self._joined: JoinedKeys | None = None
        self._plans: dict[str, _Plan] = {}
        for form in forms:
            self.add(form)

    def add(self, form: NameForm) -> None:
        if form.words:
            self.by_first.setdefault(form.words[0], []).append(form)
            self._protected_firsts = None
            self._protected_names = None
            self._joined = None
            self._plans.pop(form.words[0], None)

    @property
    def protected_names(self) -> frozenset[tuple[str, ...]]:
        """The words of every protected full name and alias: a longer name that holds
        one of them never shadows it (see NameMatcher.shadows)."""
        if self._protected_names is None:
            self._protected_names = frozenset(
                form.words
                for forms in self.by_first.values()
                for form in forms
                if form.protected and form.kind in ("full", "alias")
            )
        return self._protected_names

    @property
    def joined(self) -> JoinedKeys:
        """Every form with its words run together, for ``NameMatcher.find_joined``."""
        if self._joined is None:
            self._joined = JoinedKeys.of(f for forms in self.by_first.values() for f in forms)
        return self._joined

    def plan(self, word: str) -> _Plan:
        """The forms starting with ``word`` to try, best first (kept: the register's
        index is shared by every story)."""
        found = self._plans.get(word)
        if found is None:
            found = _Plan.of(self.by_first.get(word, ()))
            self._plans[word] = found
        return found

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
        self._plans: dict[str, _Plan] = {}
        self._shadowing: dict[NameForm, bool] = {}

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

    def first_words_in(self, keys: Iterable[str]) -> set[str]:
        """Those of ``keys`` that start some name (one set operation per index)."""
        unique = keys if isinstance(keys, set) else set(keys)
        hits: set[str] = set()
        for firsts in self._firsts:
            hits |= unique & firsts.keys()
        return hits

    def find(self, text: str, parts_any_case: bool = False) -> list[NameMatch]:
        """Every protected name in ``text``, left to right, never overlapping.

        ``parts_any_case`` makes single parts match in lower case too: for slugs and
        file names, which are lower case whatever the name was.
        """
        folded = fold(text)
        # Tokenise in C: the words and the text between them, and where each ends.
        # Only words that start some name are looked at further: in nearly every
        # text there are none, or a handful.
        words = _Words(folded)
        keys = words.keys
        hits = self.first_words_in(set(keys))
        if not any(not hits.isdisjoint(index.protected_firsts) for index in self.indexes):
            return []  # only a protected form is reported, and none starts here
        matches: list[NameMatch] = []
        free_from = 0  # a match covers its words: the next may not start inside it
        for position in word_positions(keys, hits):
            if position < free_from:
                continue
            best = self._best_at(text, folded, words, position, parts_any_case)
            if best is None:
                continue
            form, length = best
            if form.protected:
                matches.append(self._match(text, folded, words, position, length, form))
            free_from = position + length
        return matches

    def find_joined(self, text: str, parts_any_case: bool = False) -> list[NameMatch]:
        """Protected names the word-by-word ``find`` cannot see, because they change
        where words start and end: run together ("JaneQuarrington's", "#janedoe",
        "@jane_doe90", "SmithJones"), in the plural ("the Quarringtons"), or letter
        by letter ("J A N E  D O E"). A word holding one is replaced whole; see
        docs/anonymising.md for the rules that keep ordinary words out."""
        folded = fold(text)
        # Tokenised in C, as in ``find``; only the words that may hold a name (found
        # with set operations, see JoinedKeys.candidates) are looked at one by one.
        if JOINER in folded:
            # JOINER as a letter no folded text holds (ª folds to a), so one plain
            # class splits, then removed from the keys (same lengths, same bounds).
            parts = _LETTERS_SPLIT_RE.split(folded.replace(JOINER, _JOINER_LETTER))
            keys = "\x00".join(parts[1::2]).replace(_JOINER_LETTER, "").split("\x00")
        else:
            parts = _LETTERS_SPLIT_RE.split(folded)
            keys = parts[1::2]
        joined = [index.joined for index in self.indexes if index.by_first]
        unique = set(keys)
        candidates = set().union(*(j.candidates(unique) for j in joined))
        # Three one-letter words in a row (checked in C): perhaps a name letter by letter.
        spaced = b"\x01\x01\x01" in bytes(map((1).__eq__, map(len, keys)))
        if not candidates and not spaced:
            return []
        bounds = list(accumulate(map(len, parts)))
        tokens = [(bounds[2 * n], bounds[2 * n + 1], key) for n, key in enumerate(keys)]
        hits: list[tuple[int, int, NameForm]] = []
        for number in [n for n, key in enumerate(keys) if key in candidates]:
            start, end, key = tokens[number]
            written = text[start:end]
            form = _token_hit(
                joined, key, partial(_lower, text, start, end), parts_any_case, written
            )
            if form is not None:
                hits.append((number, number, form))
        if spaced:
            hits.extend(_spaced_hits(joined, folded, tokens))
        merged = _merged(hits, tokens, folded)
        return [self._joined_match(text, folded, tokens, hit) for hit in merged]

    def _joined_match(
        self,
        text: str,
        folded: str,
        tokens: list[tuple[int, int, str]],
        hit: tuple[int, int, NameForm],
    ) -> NameMatch:
        first, last, form = hit
        start, end = tokens[first][0], tokens[last][1]
        possessive, end = _possessive_after(text, folded, end)
        return NameMatch(start, end, form, start, possessive)

    def _plan(self, word: str) -> _Plan:
        """The forms to try at ``word``: each index's plan, joined (see ``_Plan``)."""
        found = self._plans.get(word)
        if found is None:
            plans = [index.plan(word) for index in self.indexes if word in index.by_first]
            found = plans[0] if len(plans) == 1 else _Plan.joined(plans)
            self._plans[word] = found
        return found

    def _best_at(
        self,
        text: str,
        folded: str,
        words: _Words,
        position: int,
        parts_any_case: bool,
    ) -> tuple[NameForm, int] | None:
        keys = words.keys
        plan = self._plan(keys[position])
        longer = plan.by_second.get(keys[position + 1], ()) if position + 1 < len(keys) else ()
        # Both lists are best first: the first form that matches here is the best one.
        for forms in (longer, plan.singles):
            for form in forms:
                length = len(form.words)
                if (
                    _words_match(folded, words, position, form.words)
                    and not (
                        form.needs_capital
                        and not parts_any_case
                        and _all_lower(text, words, position, length)
                    )
                    and not self.shadows(form)
                ):
                    return form, length
        return None

    def _match(
        self,
        text: str,
        folded: str,
        words: _Words,
        position: int,
        length: int,
        form: NameForm,
    ) -> NameMatch:
        start = words.start(position)
        end = words.end(position + length - 1)
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


@dataclass(frozen=True)
class _Plan:
    """The forms that start with one word, in the order ``find`` tries them: sorted
    best first (``_rank``; a stable sort, so the first of equals wins), those of two
    words or more by their second word, and of forms that are tried alike (same words,
    same need of a capital) only the first, since the others can only fail after it.
    Every longer form ranks above every single word, so trying ``by_second[next word]``
    then ``singles`` is trying, in order, every form that could match."""

    by_second: dict[str, tuple[NameForm, ...]]
    singles: tuple[NameForm, ...]

    @classmethod
    def of(cls, forms: Iterable[NameForm]) -> _Plan:
        by_second: dict[str, list[NameForm]] = {}
        singles: list[NameForm] = []
        tried: set[tuple[tuple[str, ...], bool]] = set()
        for form in sorted(forms, key=_rank, reverse=True):
            key = (form.words, form.needs_capital)
            if key in tried:
                continue
            tried.add(key)
            if len(form.words) > 1:
                by_second.setdefault(form.words[1], []).append(form)
            else:
                singles.append(form)
        return cls({k: tuple(v) for k, v in by_second.items()}, tuple(singles))

    @classmethod
    def joined(cls, plans: Sequence[_Plan]) -> _Plan:
        """The plan of several indexes' forms together, in index order. A stable sort
        of the joined lists is the stable sort of everything, and dropping a form
        tried like an earlier one commutes with it."""
        forms = [form for plan in plans for form in plan.singles]
        forms.extend(f for plan in plans for group in plan.by_second.values() for f in group)
        return cls.of(forms)


#: A word for ``find_joined``: letters only (digits and '_' end it), hidden
#: characters and combining marks (JOINER) inside; captured for ``split``.
_LETTERS_SPLIT_RE = re.compile(r"([^\W\d_]+)")
_JOINER_LETTER = "\u00aa"
#: What may join two parts of one name run together in a handle or an address.
_JOIN_GAP_RE = re.compile(r"[_\-.+/'\u00b7\u2022\u2010-\u2015\u2212]{1,2}")
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
    #: Words not ordinary English, by whether a name is inside them (bounded; the
    #: register's keys are shared by every story, and such words repeat).
    _holds: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)

    def candidates(self, words: set[str]) -> set[str]:
        """Those of ``words`` (keys) that may hold a protected name, in any case: a name
        or part, alone or in the plural, or a word not ordinary English with one
        inside. A superset: ``_token_hit`` decides for each place such a word is."""
        found = words & self.exact.keys()
        found.update(
            word
            for word in words
            if word.endswith("s")
            and (word[:-1] in self.exact or (word.endswith("es") and word[:-2] in self.exact))
        )
        for word in words - ordinary_words() - found:
            if len(word) >= 4 and self._holds_inside(word):
                found.add(word)
        return found

    def _holds_inside(self, word: str) -> bool:
        known = self._holds.get(word)
        if known is None:
            known = any(
                word.startswith(whole, at)
                for at in range(len(word) - 3)
                for whole, _ in self.inner.get(word[at : at + 4], ())
            )
            if len(self._holds) >= _CACHED_WORDS_MAX:
                self._holds.clear()
            self._holds[word] = known
        return known

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
    joined: Sequence[JoinedKeys], folded: str, tokens: list[tuple[int, int, str]]
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
    hits: list[tuple[int, int, NameForm]], tokens: list[tuple[int, int, str]], folded: str
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
    hit: tuple[int, int, NameForm], tokens: list[tuple[int, int, str]], folded: str
) -> tuple[int, int, NameForm]:
    first, last, form = hit
    person = form.person
    if person is None:
        return hit
    parts = {"".join(p) for p in name_parts(person.name)} | {"".join(split_words(person.name))}

    def joins(a: int, b: int) -> bool:
        return bool(_JOIN_GAP_RE.fullmatch(folded, tokens[a][1], tokens[b][0]))

    while first > 0 and tokens[first - 1][2] in parts and joins(first - 1, first):
        first -= 1
    while last + 1 < len(tokens) and tokens[last + 1][2] in parts and joins(last, last + 1):
        last += 1
    return first, last, form


def _lower(text: str, start: int, end: int) -> bool:
    return not any(char.isupper() for char in text[start:end])


#: The last character of a title TITLE_BEFORE_RE finds (mr, mrs, ms, miss, mx, dr,
#: prof, or a final '.').
_TITLE_ENDS = frozenset("rsxf.")
#: A word of folded text (folding.WORD_RE), captured so that ``split`` keeps it.
_JOINED_SPLIT_RE = re.compile(rf"([\w{JOINER}]+)")
_PLAIN_SPLIT_RE = re.compile(rf"({PLAIN_WORD_RE.pattern})")


class _Words:
    """The words of folded text, tokenised in C: their keys, and where each starts
    and ends. ``split`` gives the text between words and the words in turn, so the
    running sum of their lengths holds every word's start and end."""

    __slots__ = ("bounds", "keys")

    def __init__(self, folded: str) -> None:
        if JOINER in folded:
            # "_" is no word character: read as a space (same length), every other
            # character \w allows is, so the class below is WORD_RE's, but faster.
            parts = _JOINED_SPLIT_RE.split(folded.replace("_", " "))
            self.keys = _without_joiners(parts[1::2])
        else:
            parts = _PLAIN_SPLIT_RE.split(folded)
            self.keys = parts[1::2]
        self.bounds = list(accumulate(map(len, parts)))

    def __len__(self) -> int:
        return len(self.keys)

    def start(self, index: int) -> int:
        return self.bounds[2 * index]

    def end(self, index: int) -> int:
        return self.bounds[2 * index + 1]


#: Up to this many keys, ``word_positions`` scans once per key (measured).
_SCANNED_KEYS = 3


def word_positions(keys: list[str], hits: set[str]) -> list[int]:
    """The indexes of the words that are in ``hits``, in order. A few keys are found by
    C scans (one scan of ``keys`` per key); for more, one pass with a set look-up per
    word is cheaper, and a long text with hundreds of keys stays linear."""
    if not hits:
        return []
    if len(hits) > _SCANNED_KEYS:
        return [index for index, key in enumerate(keys) if key in hits]
    found: list[int] = []
    for key in hits:
        index = -1
        try:
            while True:
                index = keys.index(key, index + 1)
                found.append(index)
        except ValueError:
            pass
    found.sort()
    return found


def _keys(folded: str) -> list[str]:
    """The lookup keys of the words of folded text, in order."""
    if JOINER not in folded:
        return PLAIN_WORD_RE.findall(folded)  # the same words as WORD_RE's, faster
    return _without_joiners(WORD_RE.findall(folded))


def _without_joiners(words: list[str]) -> list[str]:
    """``[word_key(word) for word in words]``, in C: a word never holds NUL (not a
    word character), so the words are joined with it, JOINER removed, and split."""
    if not words:
        return []
    return "\x00".join(words).replace(JOINER, "").split("\x00")


def _words_match(
    folded: str,
    words: _Words,
    position: int,
    wanted: tuple[str, ...],
) -> bool:
    keys = words.keys
    if position + len(wanted) > len(keys):
        return False
    for offset, word in enumerate(wanted):
        if keys[position + offset] != word:
            return False
        if offset:
            gap = folded[words.end(position + offset - 1) : words.start(position + offset)]
            if not SEPARATOR_RE.fullmatch(gap):
                return False
    return True


def _all_lower(text: str, words: _Words, position: int, length: int) -> bool:
    span = text[words.start(position) : words.end(position + length - 1)]
    return not any(char.isupper() or _looks_capital(char) for char in span)


def _looks_capital(char: str) -> bool:
    """A small capital (ᴊ) or a squared or circled capital (🅹) reads as a capital."""
    return not char.isascii() and "CAPITAL" in unicodedata.name(char, "")
