"""The output gate: every file is scanned for every protected name before anything is
written. Text is checked the way a reader or a search engine could see it: HTML tags
removed (both joined and spaced), entities decoded, URL-encoding undone, JSON unescaped,
and the file's path itself. Names are matched as loosely as the anonymiser matches them
(case, accents, separators, hidden characters; see anonymise/names.py).
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import weakref
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from typing import AnyStr
from urllib.parse import unquote, unquote_plus

from storysite.anonymise.names import (
    NameForm,
    NameIndex,
    NameMatcher,
    forms_of,
    holds_key,
    match_pieces,
    pieces,
    split_words,
)
from storysite.config import SiteConfig
from storysite.markup import Markup
from storysite.models import OutputFile, Person, SourceStory

_TAG_RE = re.compile(r"<[^>]*>")
#: Elements that sit inside a line of text. Every other tag ends a block, so words of
#: two blocks (one story's summary, the next story's title) are never read as one name.
_INLINE = "a|abbr|b|bdi|bdo|br|cite|code|del|dfn|em|i|ins|kbd|mark|q|s|samp|small|span|"
_INLINE += "strong|sub|sup|time|u|var|wbr"
_BLOCK_TAG_RE = re.compile(rf"<(?!/?(?:{_INLINE})\b)/?[A-Za-z][^>]*>")
_BLOCK_BREAK = " | "
#: A date as the theme writes it ("15 June 2020"): its month is not a person.
_LONG_DATE_RE = re.compile(
    r"\b\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December) \d{4}\b"
)
_ATTRIBUTE_RE = re.compile(r"""=\s*(?:"([^"]*)"|'([^']*)')""")
#: The month and year of such a date, searched for first (see drop_long_dates).
_MONTH_YEAR_RE = re.compile(
    r"(?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December) \d{4}\b"
)
_DAY_BEFORE_RE = re.compile(r"\b\d{1,2} \Z")
#: A character that may be part of a word once folded: any but ASCII punctuation,
#: spaces and controls (JOINER, U+0001, is a word character: see folding.py).
_MAYBE_WORD = r"[^\x00\x02-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]"
_MAYBE_WORD_RE = re.compile(_MAYBE_WORD)
#: A run of tags followed by what may be part of a word (starts with '<': fast search).
_TAG_RUN_RE = re.compile(rf"<[^>]*>(?:<[^>]*>)*(?={_MAYBE_WORD})")
_WORD_END_RE = re.compile(rf"{_MAYBE_WORD}*\Z")
_WORD_START_RE = re.compile(rf"{_MAYBE_WORD}*")
_LONGEST_JOIN = 100
#: A '<' that meets another '<' or a line break before its '>': a tag may then span
#: lines (or nest), and lines of the text can no longer be read one by one.
_CROSS_LINE_RE = re.compile(r"<[^<>\n]*+[<\n]")  # possessive: no backtracking
#: Nor can they when an '=' opens a quoted value (as _ATTRIBUTE_RE reads one, even
#: once long dates are dropped) that a line break comes before: readable_views decodes
#: such a value up to three times more, and pairs the quotes after it differently.
#: (Searched apart from _CROSS_LINE_RE: one pattern of both is twice as slow.)
_SPANNING_VALUE_RE = re.compile(
    r"=(?:[^\S\n]|\d{1,2} [A-Z][a-z]+ \d{4})*+(?:\n|\"[^\"\n]*+(?:\n|\Z)|'[^'\n]*+(?:\n|\Z))"
)


def _crosses_lines(text: str) -> bool:
    """Whether a tag or a quoted value of ``text`` may span a line break."""
    return bool(_CROSS_LINE_RE.search(text) or _SPANNING_VALUE_RE.search(text))


#: Lines longer than this are never remembered (a search index is one line).
_LONGEST_REMEMBERED = 4096
_MOST_REMEMBERED = 1 << 23  # characters: about 10 MB
_MOST_PASSED = 1 << 14  # lines


#: An attribute value that is an address with a host: '=', then a scheme, // or \\
#: (read as build.FOREIGN_LOAD_RE reads it: case folded as Unicode in text).
_ADDRESS_TAIL = r"""=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:|//|\\\\)"""
_ADDRESS_RE = re.compile(_ADDRESS_TAIL, re.IGNORECASE)
_ADDRESS_BYTES_RE = re.compile(_ADDRESS_TAIL.encode(), re.IGNORECASE)


def search_tag_address(pattern: re.Pattern[AnyStr], text: AnyStr) -> bool:
    """``pattern.search(text) is not None``, for a pattern whose every match starts at
    a '<', holds no '>', and ends with an '=' and a host address as ``_ADDRESS_TAIL``
    reads it (build.FOREIGN_LOAD_RE). Pages hold few such addresses, and a search
    for an '=' is fast: the pattern is tried only from the last '>' before each one,
    up to its end, where any match holding that '=' must lie."""
    finder = _ADDRESS_BYTES_RE if isinstance(text, bytes) else _ADDRESS_RE
    close: AnyStr = b">" if isinstance(text, bytes) else ">"
    for address in finder.finditer(text):
        start = text.rfind(close, 0, address.start()) + 1
        if pattern.search(text, start, address.end()):
            return True
    return False


def drop_long_dates(text: str) -> str:
    """``_LONG_DATE_RE.sub(" ", text)``, five times faster: the month and year are
    found first (a search that skips ahead in C), and only then the day before them.
    Two dates never overlap (each holds one month), so the matches are the same."""
    pieces: list[str] = []
    last = 0
    for found in _MONTH_YEAR_RE.finditer(text):
        start = found.start()
        day = _DAY_BEFORE_RE.search(text, max(0, start - 3), start)
        if day is not None:
            pieces += (text[last : day.start()], " ")
            last = found.end()
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


def readable_views(text: str) -> Iterator[str]:
    """Every way ``text`` could show a name to a reader, a crawler or a script.

    Entities and %-encoding are undone repeatedly (``&amp;#74;`` is still a J), tags
    are removed both joined and spaced, attribute values are read on their own, and
    ``+`` is read as a space in web addresses.
    """
    seen: set[str | bytes] = set()
    for view in _layers(text):
        for variant in _tag_variants(view):
            if _first_time(variant, seen):
                yield variant
        for match in _ATTRIBUTE_RE.finditer(view):
            value = match.group(1) or match.group(2) or ""
            for variant in _layers(value):
                if _first_time(variant, seen):
                    yield variant


def _tag_variants(view: str) -> Iterator[str]:
    """``view``, then with its tags removed (joined, then spaced), made one at a time
    so that a long text (a search index) is not held three times over."""
    yield view
    if "<" not in view:
        return  # no tag: both are the view itself
    blocks = _BLOCK_TAG_RE.sub(_BLOCK_BREAK, view)
    yield _TAG_RE.sub("", blocks)
    yield _TAG_RE.sub(" ", blocks)


#: Texts longer than this are remembered by a digest, not kept whole (readable_views).
_LONGEST_KEPT = 1 << 16


def _first_time(text: str, seen: set[str | bytes]) -> bool:
    """Whether ``text`` is new to ``seen`` (then it is added). A long text is noted by
    its BLAKE2b digest: two different texts with one digest are not known to exist."""
    key: str | bytes = text
    if len(text) > _LONGEST_KEPT:
        key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=32).digest()
    if key in seen:
        return False
    seen.add(key)
    return True


def precheck_parts(text: str) -> Iterator[str]:
    """Texts that together hold every word of every view ``readable_views`` gives.

    Each view is one of these, and its words are in the texts given here:

    - ``text`` itself: given.
    - a decoded layer of ``text`` (as ``_layers`` gives them): no entity or %-escape
      spans a line break, so each line of a layer is the same layer of that line of
      ``text``, and only lines holding '&' or '%' change. Those lines are given, with
      every layer of them (and, when ``text`` holds '%', '+' read as a space too).
    - a layer with its tags removed: its words are the layer's own, but for those that
      a removed run of tags joins (``Xi<b>mena``, ``group</a><a href="/">Older``).
      Those words are given (see ``_joined_words``), or the whole view when they
      cannot be told cheaply.
    - a layer with tags turned into spaces: its words are the layer's own (``<`` and
      ``>`` already end a word).
    - an attribute value and its layers: the value's own words are the layer's, as
      quotes end a word; its decoded layers are given whenever it holds something to
      decode.

    So when no word of these starts a name, no view can hold one: the full scan is
    skipped.
    """
    yield text
    if "&" in text or "%" in text:
        *decoded, last = _layers(_changed_lines(text))
        yield from decoded[1:]
        yield last
        if "%" in text:
            yield unquote_plus(last)
    for layer in _layers_of_lines(text):
        if "<" in layer:
            blocks = _BLOCK_TAG_RE.sub(_BLOCK_BREAK, layer)
            joined = _joined_words(blocks)
            if joined is None:
                yield _TAG_RE.sub("", blocks)
            elif joined:
                yield "\n".join(joined)
        if "&" in layer or "%" in layer:
            for match in _ATTRIBUTE_RE.finditer(layer):
                value = match.group(1) or match.group(2) or ""
                if "&" in value or "%" in value:
                    yield from _layers(value)


def _changed_lines(text: str) -> str:
    """The lines of ``text`` that decoding may change: those holding '&' or '%'."""
    return "\n".join(line for line in text.split("\n") if "&" in line or "%" in line)


def line_by_line(text: str, dated: bool = False) -> bool:
    """Whether every view of ``text`` (with its long dates dropped, when ``dated``) is
    its lines' views, line by line: no tag of it or of a decoded layer of it spans a
    line break (or holds another '<'), nor does a quoted value (_SPANNING_VALUE_RE:
    each line's values are then the text's, and pair their quotes as it does).

    Entities and %-escapes never span a line break (see precheck_parts); tags are read
    from a '<' to the next '>', so when each '<' meets its '>' before any '<' or line
    break, in the text and in every decoded layer, no tag spans lines either, and the
    pre-check parts of any set of lines of the text hold every word of their views.
    Decoding keeps every '<', '>' and line break (it only adds some), and changes only
    the lines ``_changed_lines`` gives, so those are all that are decoded here; dropping
    dates keeps them too, but may break an entity (``&#62 June 2020``), so it is done
    before decoding. Quotes, '=' and line breaks are kept alike; a dropped date may
    join an '=' to its quote, and _SPANNING_VALUE_RE reads through one.
    """
    if _crosses_lines(text):
        return False
    if "&" not in text and "%" not in text:
        return True
    changed = _changed_lines(text)
    if dated:
        changed = drop_long_dates(changed)
    return not any(_crosses_lines(layer) for layer in _layers_of_lines(changed))


def _layers_of_lines(text: str) -> Iterator[str]:
    """``_layers(text)``, and '+' read as a space in the last one whenever ``text``
    holds '%'. ``_layers`` does that only when '+' is left somewhere in the text, and
    a text holding these lines may have one on another line: so any text holding
    them has no layer whose lines are not among these."""
    last = text
    for last in _layers(text):
        yield last
    if "%" in text:
        yield unquote_plus(last)


def _joined_words(blocks: str) -> list[str] | None:
    """The words that ``_TAG_RE.sub("", blocks)`` makes by closing up runs of tags, or
    None when a word runs on into another tag or is too long to read back cheaply.

    ``_TAG_RE.sub`` and ``_TAG_RUN_RE`` both read a tag from a '<' to the next '>',
    left to right, so every run of tags the removal closes up between two characters
    that may belong to a word is a match here (no match starts inside a removed tag:
    it would end where that tag ends, and the match from the tag's own '<' covers it).
    The word is then what may be a word on each side, up to a character that ends a
    word; when that character is '>' or '<' another run of tags may go on joining
    it, and the caller reads the whole view instead.
    """
    words: list[str] = []
    for run in _TAG_RUN_RE.finditer(blocks):
        start, end = run.span()
        if not start or not _MAYBE_WORD_RE.match(blocks, start - 1):
            continue
        low = max(0, start - _LONGEST_JOIN)
        left = _WORD_END_RE.search(blocks, low, start)
        right = _WORD_START_RE.match(blocks, end)
        if left is None or right is None:  # cannot happen: both may match nothing
            return None
        begin, finish = left.start(), right.end()
        if (
            (begin == low and low > 0)
            or blocks.startswith(">", begin - 1)
            or blocks.startswith("<", finish)
            or finish - end > _LONGEST_JOIN
        ):
            return None
        words.append(blocks[begin:start] + blocks[end:finish])
    return words


def _layers(text: str, depth: int = 3) -> Iterator[str]:
    """``text``, then with entities decoded and %-encoding undone, again and again."""
    yield text
    current = text
    for _ in range(depth):
        decoded = html.unescape(current)
        if "%" in decoded:
            decoded = unquote(decoded)
        if decoded == current:
            break
        yield decoded
        current = decoded
    if "+" in current and "%" in text:
        yield unquote_plus(current)


def json_strings(text: str) -> Iterator[str]:
    """Every string (keys too) in a JSON document, unescaped; nothing if it is not JSON."""
    try:
        data = json.loads(text)
    except ValueError:
        return
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


class Gate:
    """Protected names of the whole site, with the spans each page may keep."""

    def __init__(self, config: SiteConfig, stories: Iterable[SourceStory]) -> None:
        stories = list(stories)  # not kept: only their people are needed
        self._forms = _FormsOf()  # each person's forms are read once, for every index
        protected = [p for s in stories for p in s.people if p.protected]
        self.register_index = _gate_index(config.register, config.allow)
        self.everyone_protected = _gate_index(protected, foreign=True, forms=self._forms)
        # Paths are lower case whatever the text was, so there a lone part of another
        # story's person cannot be told from an ordinary word ("wood-carving"):
        # paths are checked for their full names and aliases only.
        self.everyone_protected_full = _gate_index(protected, with_parts=False, forms=self._forms)
        named = [p for s in stories for p in s.people if p.named]
        self.everyone_named = _gate_index(named, forms=self._forms)
        self._matchers: dict[tuple[int, bool], tuple[SourceStory, NameMatcher]] = {}
        self._pre = _Precheck((self.register_index, self.everyone_named, self.everyone_protected))

    def story_matcher(self, story: SourceStory, for_paths: bool = False) -> NameMatcher:
        """For text that belongs to one story: its own people (with parts), the register,
        the full names and aliases protected by any other story, and every named person
        (other stories' titles appear on this page as links)."""
        key = (id(story), for_paths)
        cached = self._matchers.get(key)
        if cached is not None and cached[0] is story:
            return cached[1]
        other = self._matchers.get((id(story), not for_paths))
        if other is not None and other[0] is story:
            own = other[1].indexes[1]  # the same people: made once for both
        else:
            own = _gate_index(story.people, forms=self._forms)
        foreign = self.everyone_protected_full if for_paths else self.everyone_protected
        matcher = NameMatcher([self.register_index, own, self.everyone_named, foreign])
        self._matchers[key] = (story, matcher)
        return matcher

    def site_matcher(self, for_paths: bool = False) -> NameMatcher:
        """For shared pages (index, tags, feed, search)."""
        foreign = self.everyone_protected_full if for_paths else self.everyone_protected
        return NameMatcher([self.register_index, self.everyone_named, foreign])

    def leaks(
        self,
        matcher: NameMatcher,
        path: str,
        texts: Iterable[str],
        path_matcher: NameMatcher | None = None,
        known: Sequence[str] = (),
    ) -> bool:
        """Whether a protected name shows in ``path`` or any view of ``texts``.
        ``known``: texts whose lines ``clean`` found clean (their lines are skipped)."""
        return self.path_leaks(path_matcher or matcher, path) or self.text_leaks(
            matcher, texts, known
        )

    def path_leaks(self, matcher: NameMatcher, path: str) -> bool:
        # Paths are lower case whatever the name was: every part counts there. A match
        # starts at a protected first word (see NameMatcher.may_find): look for one first.
        covered = self._pre.covers(matcher)
        return any(
            matcher.find(view, parts_any_case=True)
            for view in _layers(path)
            if not covered or self._pre.hits(view)
        )

    def text_leaks(
        self, matcher: NameMatcher, texts: Iterable[str], known: Sequence[str] = ()
    ) -> bool:
        texts = list(texts)
        if not self.may_hold_name(matcher, texts, known):
            return False  # no word of any view starts a name: see precheck_parts
        return self.full_scan(matcher, texts)

    @staticmethod
    def full_scan(matcher: NameMatcher, texts: Iterable[str]) -> bool:
        return any(
            matcher.find(piece)
            for text in texts
            for view in readable_views(text)
            for piece in match_pieces(view)
        )

    def may_hold_name(
        self,
        matcher: NameMatcher,
        texts: Iterable[str],
        known: Sequence[str] = (),
        *,
        dated: bool = False,
        remember: bool = False,
    ) -> bool:
        """The pre-check: False when no word of any view of ``texts`` starts a name
        ``matcher`` reports, so the full scan can be skipped. ``dated``: the texts are
        read with their long dates dropped (drop_long_dates). ``remember``: keep the
        clean lines for the next texts (``known`` ones are skipped; see _Precheck)."""
        texts = list(texts)
        if not self._pre.covers(matcher):
            real = [drop_long_dates(text) if dated else text for text in texts]
            return any(matcher.may_find(part) for text in real for part in precheck_parts(text))
        if len(texts) > 1:
            # A story's title, summary, tags...: read at once when each line can be read
            # on its own (then the lines of all are all the texts' lines).
            joined = "\n".join(texts)
            if self._pre.line_by_line(joined, dated):
                return self._pre.may_hold(joined, known, dated, remember, by_line=True)
        return any(self._pre.may_hold(text, known, dated, remember) for text in texts)

    def remember_clean(self, matcher: NameMatcher, markup: Markup) -> None:
        """Note that ``markup.html`` passed ``may_hold_name`` with ``matcher``. When
        that read it line by line against every protected first word of the site, and
        it holds no long date, each of its lines is clean whether its dates are dropped
        or not: a page holding those lines may skip them (clean_lines_of)."""
        html_ = markup.html
        if self._pre.covers(matcher) and line_by_line(html_) and not _MONTH_YEAR_RE.search(html_):
            self._pre.clean_markup.add(markup)

    def clean_lines_of(self, markup: Markup) -> tuple[str, ...]:
        return (markup.html,) if markup in self._pre.clean_markup else ()

    def scan_file(
        self,
        matcher: NameMatcher,
        file: OutputFile,
        path_matcher: NameMatcher | None = None,
        known: Sequence[str] = (),
    ) -> bool:
        """Check one output file: its path, and its text as every kind of reader sees it
        (long dates dropped: their months are not people). A picture's bytes are not
        text (its metadata was removed): only its path counts. ``known``: texts whose
        lines are clean (Gate.clean_lines_of)."""
        if file.kind == "image":
            return self.leaks(matcher, file.path, [], path_matcher)
        if self.path_leaks(path_matcher or matcher, file.path):
            return True
        text = file.content.decode("utf-8", "replace")
        if not file.path.endswith(".json"):
            if not self.may_hold_name(matcher, [text], known, dated=True, remember=True):
                return False
            return self.full_scan(matcher, [drop_long_dates(text)])
        text = drop_long_dates(text)
        strings = list(json_strings(text))
        if not self.may_hold_name(matcher, [text, *_unlike_the_text(text, strings)], known):
            return False
        return self.full_scan(matcher, [text, *strings])


def _unlike_the_text(text: str, strings: list[str]) -> list[str]:
    """Those of a JSON document's strings whose pre-check parts may hold a word that the
    document's own do not. Without a backslash in the document each string is written
    as it is, between quotes (which end a word), so its words are the document's; its
    other parts are then its own text unless it holds '<', '&' or '%'."""
    if "\\" in text:
        return strings
    return [s for s in strings if "<" in s or "&" in s or "%" in s]


class _Precheck:
    """The pre-check with a memory: lines already found to hold no word that starts a
    protected name anywhere on the site are not read again (the theme's lines repeat
    on every page, a story's lines on its page and the listings).

    What is remembered is a fact about a line's own text, found by the same pre-check
    against the first words of every name the site protects, so it holds for any
    matcher whose protected first words are among those (``covers``). It is used only
    for texts that ``line_by_line`` lets be read one line at a time.
    """

    def __init__(self, indexes: Sequence[NameIndex]) -> None:
        self.indexes = tuple(indexes)
        self.firsts = frozenset().union(*(index.protected_firsts for index in self.indexes))
        self.ascii_firsts = frozenset(word.encode() for word in self.firsts if word.isascii())
        #: Lines found clean as they are (False) or with long dates dropped (True).
        self.lines: dict[bool, set[str]] = {False: set(), True: set()}
        self.size = 0  # characters remembered, about
        #: Lines whose decoded layers hold no tag that spans lines (see line_by_line).
        self.passed: dict[bool, set[str]] = {False: set(), True: set()}
        self.clean_markup: weakref.WeakSet[Markup] = weakref.WeakSet()
        self._covered: dict[int, tuple[NameMatcher, bool]] = {}

    def covers(self, matcher: NameMatcher) -> bool:
        found = self._covered.get(id(matcher))
        if found is None or found[0] is not matcher:
            ok = all(
                index in self.indexes or index.protected_firsts <= self.firsts
                for index in matcher.indexes
            )
            found = self._covered[id(matcher)] = (matcher, ok)
        return found[1]

    def line_by_line(self, text: str, dated: bool) -> bool:
        """``line_by_line(text, dated)``, remembering the lines that pass: the checks
        of the decoded layers are made line by line (the regular expression cannot
        cross a line break, and each line's layers are its own: see _layers_of_lines)."""
        if _crosses_lines(text):
            return False
        if "&" not in text and "%" not in text:
            return True
        passed = self.passed[dated]
        changed = [
            line for line in text.split("\n") if ("&" in line or "%" in line) and line not in passed
        ]
        if not changed:
            return True
        if not line_by_line("\n".join(changed), dated):
            return False
        if len(passed) > _MOST_PASSED:
            passed.clear()
        passed.update(line for line in changed if len(line) <= _LONGEST_REMEMBERED)
        return True

    def may_hold(
        self, text: str, known: Sequence[str], dated: bool, remember: bool, by_line: bool = False
    ) -> bool:
        if not by_line and not self.line_by_line(text, dated):
            real = drop_long_dates(text) if dated else text
            return any(self.hits(part) for part in precheck_parts(real))
        lines = set(text.split("\n"))
        remembered = self.lines[dated]
        lines -= remembered
        for clean in known:
            lines.difference_update(clean.split("\n"))
        if not lines:
            return False
        rest = "\n".join(lines)
        real = drop_long_dates(rest) if dated else rest
        if any(self.hits(part) for part in precheck_parts(real)):
            return True
        if remember:
            if self.size + len(rest) > _MOST_REMEMBERED:
                remembered.clear()
                self.size = 0
            remembered.update(line for line in lines if len(line) <= _LONGEST_REMEMBERED)
            self.size += len(rest)
        return False

    def hits(self, text: str) -> bool:
        """``NameMatcher.may_find`` against every protected first word of the site."""
        return any(holds_key(piece, self.firsts, self.ascii_firsts) for piece in pieces(text))


class _FormsOf:
    """``forms_of(person)`` (parts too), remembered by person: a story's people are in
    its own index and in the site's protected or named one."""

    def __init__(self) -> None:
        self._known: dict[int, tuple[Person, tuple[NameForm, ...]]] = {}

    def __call__(self, person: Person) -> tuple[NameForm, ...]:
        found = self._known.get(id(person))
        if found is None or found[0] is not person:
            found = self._known[id(person)] = (person, tuple(forms_of(person)))
        return found[1]


def _gate_index(
    people: Iterable[Person],
    allow: Iterable[str] = (),
    foreign: bool = False,
    with_parts: bool = True,
    forms: _FormsOf | None = None,
) -> NameIndex:
    """Names for the gate. A form of one letter is left out: the anonymiser replaces
    it in stories, but in a whole page it would match every "X-" and "A" of the theme.
    ``foreign`` marks the parts of people another story keeps private (see _rank).
    ``forms`` gives each person's forms with parts (forms_of); parts come last there,
    so without them they are the same forms, in the same order."""
    index = NameIndex()
    for person in people:
        every = forms(person) if forms is not None else forms_of(person)
        for form in every:
            if not with_parts and form.kind == "part":
                continue
            if sum(len(word) for word in form.words) < 2:
                continue
            if foreign and form.kind == "part":
                form = replace(form, foreign=True)
            index.add(form)
    for word in allow:
        index.add(NameForm(split_words(word), None, "allow"))
    return index
