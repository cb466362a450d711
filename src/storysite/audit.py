"""The output gate: an independent second line after the anonymiser.

It does not use the anonymiser's matcher or tokeniser; it shares only data (the
vocabulary, Unicode's confusables) and the small helpers that read letters and digits
Unicode names (folding.letter_named, digit_named). It reads every output file as a
reader, a browser, a feed reader or a search engine gets it (views.py), reduces
each text to skeletons (skeleton.py) and looks for every protected name in one
pass of an Aho-Corasick automaton, and for identifier shapes in the number skeleton.

The automaton reads one haystack made of two views of the same text:

- the words view: lower-case words, one space between them (" jane quarrington "),
  CamelCase words also split ("JaneQuarrington"), letter-spaced words joined
  ("Q U A R R I N G T O N");
- the letters view: every letter, nothing else ("janequarrington"), one line per
  block, so no name runs from one block into the next.

Each protected form is a pattern with the views it counts in (see ``_Kind``):

- a whole name or alias of 8 letters or more: in any view, inside anything
  ("www.janequarrington.co.uk", "J A N E  Q U A R R I N G T O N");
- a part of 5 letters or more that is not ordinary vocabulary and occurs inside no
  ordinary word ("quarrington", not "ellis", which is in "trellis"): inside any word;
- any other part or short name: as a whole word, with its plural and possessive
  forms ("anns"), in any case; a part that IS ordinary vocabulary ("Doe", "Hope")
  only when written with a capital (the gate looks at the word as written).

A longer ``named: true`` name never shadows a protected one inside it: named
people are not read at all.
"""

from __future__ import annotations

import dataclasses
import re
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from operator import methodcaller
from typing import NamedTuple

import ahocorasick_rs

from storysite.anonymise.vocabulary import is_ordinary, ordinary_words
from storysite.config import SiteConfig
from storysite.models import OutputFile, Person, SourceStory
from storysite.skeleton import folded, identifier_keys, latin_look_alikes, letters
from storysite.views import decoded_blocks, file_runs, text_blocks

#: A whole name this long (in letters) is searched inside anything.
MIN_JOINED = 8
#: A part this long, not ordinary and inside no ordinary word, is searched inside words.
MIN_INSIDE = 5

#: A date as the theme writes it ("15 June 2020"): its month is not a person.
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_LONG_DATE_RE = re.compile(  # starts with a digit, so the search skips ahead fast
    rf"[0-9](?<![0-9A-Za-z_][0-9])[0-9]? (?:{_MONTHS}) [0-9]{{4}}\b"
)
#: A long date holds a month's name: a text without one is not searched for dates.
_MONTH_RE = re.compile(_MONTHS)
_RIGHT_TO_LEFT_OVERRIDE = "\u202e"
#: A block as one line: a line break inside it is a space.
_ONE_LINE = methodcaller("replace", "\n", " ")
#: A capital after a small letter (looked for at capitals, which are rarer).
_CAMEL_HINT_RE = re.compile(r"[A-Z](?<=[a-z].)")
_CAMEL_SPLIT_RE = re.compile(r"(?<=[a-z])(?=[A-Z])")
#: Three or more single letters in a row: letter-spaced writing ("J A N E"). (Written
#: to start with a space and look back last: the search then skips ahead fast.)
_SPACED_HINT_RE = re.compile(r" \S \S(?!\S)(?<=\s\S \S \S)")
_SPACED_RE = re.compile(r"(?<!\S)\S(?: +\S){2,}(?!\S)")


class _Kind:
    """Bits of a pattern's kind (plain ints: an IntFlag's every | costs a call)."""

    LETTERS = 1  # anywhere, in every view
    INSIDE = 2  # inside a word of the words view
    TOKEN = 4  # a whole word (or words) of the words view
    CAPITAL = 8  # a whole word of the words view, written with a capital
    WORDS = INSIDE | TOKEN
    WHOLE = 16  # from a protected person's whole name or alias
    PART = 32  # from a part of one
    NAMED = 64  # a whole name of a person who may be named (shields parts only)


@dataclass(frozen=True)
class Leak:
    """What the gate found, never the text itself: "name", "phone", "nhs_number" or
    "postcode"."""

    kind: str

    @property
    def what(self) -> str:
        return {
            "name": "a name that must stay private",
            "phone": "a phone number",
            "nhs_number": "an NHS number",
            "postcode": "a postcode",
        }[self.kind]


class Gate:
    """Every name the site protects, compiled once per build, and the identifiers the
    site publishes on purpose (its own helplines)."""

    def __init__(
        self,
        config: SiteConfig,
        stories: Iterable[SourceStory],
        patterns: dict[str, int] | None = None,
    ) -> None:
        """``patterns``: ``gate_patterns(config, stories)``, when already worked out (a
        build's cache keeps them: they are most of the cost of making a gate)."""
        if patterns is None:
            patterns = gate_patterns(config, stories)
        self.patterns = patterns
        self._keys = list(patterns)
        self._kinds = [patterns[key] for key in self._keys]
        # A DFA: more memory than the default NFA, and its search is 2-3 times faster.
        dfa = ahocorasick_rs.Implementation.DFA
        self._names = ahocorasick_rs.AhoCorasick(self._keys, implementation=dfa)
        latin_look_alikes()  # read once here, not in every worker
        self._own = own_identifiers(config)

    def story_leak(self, texts: Iterable[str], paths: Iterable[str]) -> Leak | None:
        """Whether a story's own texts (title, summary, tags, its HTML...) or the paths
        of its pages show a protected name or an identifier."""
        return self.judge(story_reading(texts, paths))

    def file_leak(self, file: OutputFile) -> Leak | None:
        """Whether one output file, in any view, shows a protected name or identifier."""
        return self.judge(file_reading(file))

    def judge(self, reading: Reading) -> Leak | None:
        """Whether what was read shows a protected name (first), or an identifier the
        site does not publish on purpose."""
        if self._has_name(reading.words, reading.haystack):
            return Leak("name")
        return self._identifier_leak(reading.identifiers)

    def _identifier_leak(self, found: Iterable[tuple[str, str]]) -> Leak | None:
        for kind, key in sorted(found):
            if (kind, key) not in self._own:
                return Leak(kind)
        return None

    def _has_name(self, words: str, haystack: str) -> bool:
        """Whether the automaton finds a protected name in ``haystack`` (``Reading``)."""
        found = self._names.find_matches_as_indexes(haystack, overlapping=True)
        named = [(start, end) for index, start, end in found if self._kinds[index] & _Kind.NAMED]
        for index, start, end in found:
            kinds = self._kinds[index]
            in_words = end <= len(words)  # else in the letters view: whole names only
            capital = kinds & _Kind.CAPITAL and not _word_before(words, end - 1).islower()
            if not (kinds & _Kind.LETTERS or (in_words and (kinds & _Kind.WORDS or capital))):
                continue
            # "Gordon" of the register's Gordon Pryce, inside a named "Gordon Price".
            shielded = kinds & _Kind.PART and not kinds & _Kind.WHOLE
            if not (shielded and any(s <= start and end <= e for s, e in named)):
                return True
        return False


def _without_dates(text: str) -> str:
    return _LONG_DATE_RE.sub(" ", text) if _MONTH_RE.search(text) else text


class Reading(NamedTuple):
    """What the gate reads of a file or of a story's texts, whatever names it protects:
    the words of its letter skeleton (case kept, one space between them, " " before
    and after), every letter of it in lower case (one line per block), and the
    identifiers in it. A pure function of what was read and of the code: a build
    keeps it by content (``pack``) and judges it again when the names change."""

    words: str
    letters: str
    identifiers: frozenset[tuple[str, str]]

    @property
    def haystack(self) -> str:
        """The automaton's haystack: the words in lower case, then every letter."""
        return f"{self.words.lower()}\0{self.letters}"


def file_reading(file: OutputFile) -> Reading:
    """``blocks_reading`` of every block of ``file``, with what each run of blocks that
    the site's files repeat (the theme's) gives worked out once (``_facts_of``)."""
    runs = file_runs(file)
    facts, keys = _facts_of(runs)
    found = _joined(facts)
    if found is None:
        return blocks_reading([block for run in runs for block in run])
    return Reading(*found, frozenset(keys))


def story_reading(texts: Iterable[str], paths: Iterable[str]) -> Reading:
    """``blocks_reading`` of a story's own texts and of the paths of its pages."""
    return blocks_reading([*text_blocks(list(texts)), *decoded_blocks(list(paths))])


def blocks_reading(blocks: list[str]) -> Reading:
    """What the gate reads of ``blocks``, each read as one line (and a right-to-left
    one also backwards: it shows the letters after it backwards)."""
    text = "\n".join(map(_ONE_LINE, blocks))
    if _RIGHT_TO_LEFT_OVERRIDE in text:
        backwards = [b[::-1] for b in blocks if _RIGHT_TO_LEFT_OVERRIDE in b]
        text = "\n".join([text, *map(_ONE_LINE, backwards)])
    words, every_letter = _haystack(letters(_without_dates(text)))
    return Reading(words, every_letter, frozenset(identifier_keys(text)))


#: How a reading is kept: its three parts apart by NUL, which none holds.
_PARTS = "\0"


def pack(reading: Reading) -> bytes | None:
    """``reading``, compressed, for the build's cache (``unpack``); None when it
    cannot be written so that it comes back exactly."""
    pairs = sorted(reading.identifiers)
    if any("\t" in kind or "\n" in kind + key for kind, key in pairs):
        return None
    text = _PARTS.join([reading.words, reading.letters, "\n".join(map("\t".join, pairs))])
    if text.count(_PARTS) != 2:
        return None
    return zlib.compress(text.encode("utf-8", "surrogatepass"), 1)


def unpack(packed: bytes) -> Reading | None:
    """The reading ``pack`` kept; None for anything else."""
    try:
        text = zlib.decompress(packed).decode("utf-8", "surrogatepass")
        words, every_letter, identifiers = text.split(_PARTS)
        pairs = [line.split("\t", 1) for line in identifiers.split("\n") if line]
        keys = frozenset((kind, key) for kind, key in pairs)
    except (zlib.error, UnicodeDecodeError, ValueError):
        return None
    return Reading(words, every_letter, keys)


class _Facts(NamedTuple):
    """What ``blocks_reading`` reads of some blocks, each read as one line, as far as it is
    theirs alone: neither a skeleton nor an identifier runs across a line break, but
    the words view runs on from one block into the next, and the CamelCase words of
    all blocks are read together (``_haystack``)."""

    lines: int
    words: str  # the words of the letter skeleton, one space between them
    letters: str  # the letters, one line per block
    camel: tuple[str, ...]  # its words with a small letter before a capital
    spaced: bool  # three single letters in a row (read whole: ``_joined``)
    backwards: bool  # a right-to-left override (read whole)


def _facts(text: str, lines: int) -> _Facts:
    """The facts of ``text``, its blocks' ``lines`` (one line each)."""
    cased = letters(_without_dates(text))
    return _Facts(
        lines,
        " ".join(cased.split()),
        cased.replace(" ", ""),
        tuple(_camel_words(f" {cased}")),
        bool(_SPACED_HINT_RE.search(f" {cased}")),
        _RIGHT_TO_LEFT_OVERRIDE in text,
    )


def _lines(blocks: Sequence[str]) -> str:
    return "\n".join(map(_ONE_LINE, blocks))


#: Runs of blocks whose facts and identifiers are kept, and the hashes of runs seen
#: once: a run is kept the second time it is seen (a theme's are, a story's text
#: rarely is); others are read together, as ``blocks_reading`` reads. (Each is bounded:
#: emptied when full.)
_KEPT: dict[tuple[str, ...], tuple[_Facts, frozenset[tuple[str, str]]]] = {}
_SEEN: set[int] = set()
_KEPT_RUNS, _SEEN_RUNS, _KEPT_RUN_LENGTH = 4096, 65536, 2048


def _facts_of(runs: list[tuple[str, ...]]) -> tuple[list[_Facts], set[tuple[str, str]]]:
    """The facts of ``runs``, in order (kept ones, and those of the runs between them
    read together), and the identifiers in them (those of the runs not kept read in
    one go)."""
    facts: list[_Facts] = []
    keys: set[tuple[str, str]] = set()
    between: list[str] = []
    unkept: list[str] = []
    for run in runs:
        kept = _KEPT.get(run)
        if kept is None:
            seen = hash(run)
            if seen not in _SEEN or sum(map(len, run)) > _KEPT_RUN_LENGTH:
                if len(_SEEN) >= _SEEN_RUNS:
                    _SEEN.clear()
                _SEEN.add(seen)
                between += run
                continue
            if len(_KEPT) >= _KEPT_RUNS:
                _KEPT.clear()
            text = _lines(run)
            kept = _KEPT[run] = _facts(text, len(run)), frozenset(identifier_keys(text))
        if between:
            unkept.append(_lines(between))
            facts.append(_facts(unkept[-1], len(between)))
            between = []
        facts.append(kept[0])
        keys |= kept[1]
    if between:
        unkept.append(_lines(between))
        facts.append(_facts(unkept[-1], len(between)))
    return facts, keys | identifier_keys("\n".join(unkept))


def _joined(facts: list[_Facts]) -> tuple[str, str] | None:
    """``_haystack`` of the skeleton of all the facts' blocks, from their facts; None
    where the blocks must be read whole (letter-spaced writing, right-to-left)."""
    if any(f.spaced or f.backwards for f in facts):
        return None
    read = [f for f in facts if f.lines]
    words = [f.words for f in read if f.words]
    every_letter = "\n".join([f.letters for f in read])
    camel = [word for f in read for word in f.camel]
    if camel:  # "JaneQuarrington" also as "Jane Quarrington"
        words.append(" ".join(_CAMEL_SPLIT_RE.sub(" ", " ".join(camel)).split()))
        every_letter += "\n" + "".join(camel)
    return f" {' '.join(words)} ", every_letter.lower()


def _haystack(cased: str) -> tuple[str, str]:
    """The words of a letter skeleton (case kept, one space between them), and every
    letter of it alone in lower case, one line per block (``Reading``)."""
    cased = f" {cased}"
    if _SPACED_HINT_RE.search(cased):
        cased = _SPACED_RE.sub(lambda m: m.group().replace(" ", ""), cased)
    camel = _camel_words(cased)
    if camel:  # "JaneQuarrington" also as "Jane Quarrington"
        cased += "\n" + _CAMEL_SPLIT_RE.sub(" ", " ".join(camel))
    # (Its lower case is as long as it: skeleton letters keep their length.)
    return f" {' '.join(cased.split())} ", cased.replace(" ", "").lower()


def _camel_words(cased: str) -> list[str]:
    """Each word of a letter skeleton (words are apart by " " or a line break; the
    skeleton starts with " ") that holds a small letter before a capital."""
    words: list[str] = []
    end = 0
    for hint in _CAMEL_HINT_RE.finditer(cased):
        at = hint.start() - 1
        if at < end:  # in the word just taken
            continue
        space = cased.rfind(" ", 0, at)
        start = max(space, cased.rfind("\n", space, at)) + 1
        space = cased.find(" ", at) % (len(cased) + 1)  # -1: the end
        end = min(space, cased.find("\n", at, space) % (len(cased) + 1))
        words.append(cased[start:end])
    return words


def _word_before(words: str, space: int) -> str:
    """The word of ``words`` that ends just before the space at ``space``."""
    return words[words.rfind(" ", 0, space) + 1 : space]


def gate_patterns(config: SiteConfig, stories: Iterable[SourceStory]) -> dict[str, int]:
    """The automaton's patterns for the site's people: the register and every story's."""
    people = [*config.register, *(p for s in stories for p in s.people)]
    return _patterns([p for p in people if p.protected], [p for p in people if p.named])


def _patterns(protected: list[Person], named: list[Person]) -> dict[str, int]:
    """Every protected form as automaton patterns, with the views each counts in, and
    the whole names of people who may be named (they shield a part of a protected
    name written inside theirs, never a whole protected name)."""
    patterns: dict[str, int] = {}
    inside: list[str] = []
    for person in protected:
        for form in person.forms:
            words = letters(form).lower().split()
            joined = "".join(words)
            if len(joined) >= MIN_JOINED:
                inside.append(joined)
                _add(patterns, joined, _Kind.LETTERS | _Kind.WHOLE)
            elif len(joined) >= 2:
                for key in (f" {' '.join(words)} ", f" {joined} "):
                    _add_word(patterns, key, _Kind.TOKEN | _Kind.WHOLE)
        for part in name_parts(person.name):
            if is_ordinary(part):
                _add_word(patterns, f" {part} ", _Kind.CAPITAL | _Kind.PART)
            elif len(part) >= MIN_INSIDE:
                inside.append(part)
                _add(patterns, part, _Kind.INSIDE | _Kind.PART)
            else:
                _add_word(patterns, f" {part} ", _Kind.TOKEN | _Kind.PART)
    # Those found inside ordinary words ("ellis" in "trellis") keep word boundaries.
    for found in _inside_vocabulary(inside):
        kind = patterns.pop(found)
        _add_word(patterns, f" {found} ", _Kind.TOKEN | (kind & (_Kind.WHOLE | _Kind.PART)))
    for person in named:  # as written, run together, plural or possessive ("Prices")
        for form in person.forms:
            words = letters(form).lower().split()
            for written in {" ".join(words), "".join(words)} - {""}:
                for ending in ("", "s", "es"):
                    _add(patterns, f" {written}{ending} ", _Kind.NAMED)
    return patterns


def _add(patterns: dict[str, int], key: str, kind: int) -> None:
    patterns[key] = patterns.get(key, 0) | kind


def _add_word(patterns: dict[str, int], key: str, kind: int) -> None:
    """A whole-word pattern, with its plural and possessive forms ("Ann's" is "anns"
    once the apostrophe is gone) unless those are ordinary words ("Does")."""
    _add(patterns, key, kind)
    last = key.split()[-1]
    for ending in ("s", "es"):
        if not is_ordinary(last + ending):
            _add(patterns, f"{key[:-1]}{ending} ", kind)


def name_parts(name: str) -> list[str]:
    """The skeletons of a name's parts worth reading alone (two letters or more):
    each word, each piece of a hyphenated word, and the hyphenated word whole."""
    words = name.split()
    pieces = [*words, *(p for w in words for p in re.split(r"[\-_.]+", w))]
    return list(dict.fromkeys(p for p in map(folded, pieces) if len(p) >= 2))


@cache
def _vocabulary_text() -> str:
    return "\n" + "\n".join(ordinary_words()) + "\n"  # in any order: what is found is a set


def _inside_vocabulary(candidates: list[str]) -> set[str]:
    """Those ``candidates`` that occur inside an ordinary word: one automaton pass
    over the whole vocabulary."""
    if not candidates:
        return set()
    automaton = ahocorasick_rs.AhoCorasick(sorted(set(candidates)))
    return set(automaton.find_matches_as_strings(_vocabulary_text(), overlapping=True))


def own_identifiers(config: SiteConfig) -> frozenset[tuple[str, str]]:
    """Identifiers the site publishes on purpose: any in storysite.toml's texts (the
    support box's helplines, the contact, the title...). People are not texts."""
    found: set[tuple[str, str]] = set()
    for text in _config_texts(config):
        found |= identifier_keys(text)
    return frozenset(found)


def _config_texts(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple):
        for item in value:
            yield from _config_texts(item)
    elif isinstance(value, SiteConfig):  # people (the register) are not texts
        for field in dataclasses.fields(value):
            yield from _config_texts(getattr(value, field.name))
