"""The anonymiser: SourceStory -> AnonymisedStory (see the package's docstring)."""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate

from storysite._seal import ANONYMISER_SEAL
from storysite.anonymise.findings import initials, not_names, suspects
from storysite.anonymise.folding import JOINER
from storysite.anonymise.hidden import find_hidden
from storysite.anonymise.identifiers import Identifier, find_identifiers, replacement_texts
from storysite.anonymise.index import Known, PrivacyIndex
from storysite.anonymise.names import NameMatch, NameMatcher, emphasis_marks
from storysite.anonymise.normalise import Decoded, decode
from storysite.anonymise.replace import Span, apply_spans
from storysite.anonymise.text import TextView
from storysite.anonymise.tree import BLOCK_TAGS, TreeAnonymiser
from storysite.config import SiteConfig
from storysite.models import AnonymisedStory, Finding, Person, Replacements, SourceStory
from storysite.slugs import slugify

__all__ = ["Anonymiser"]

#: Link targets in Markdown: inline ``](...)``, autolinks ``<...>``, reference
#: definitions (not footnotes, ``[^1]:``, whose text is prose), and bare web
#: addresses. A name there is replaced by a slug.
_URL_RES = (
    re.compile(r"\]\(\s*<?([^)\s>]+)"),
    re.compile(r"<((?:https?:|mailto:|ftp:)[^>\s]+)>"),
    re.compile(r"^\s{0,3}\[(?!\^)[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE),
    # A bare address: not after '(' or '<', nor inside a word. The test of the
    # character before comes after the first letter, so the engine can jump from 'h'
    # to 'w' instead of trying every position (same matches; a test compares them).
    re.compile(r"((?:h(?<![(<\w]h)ttps?://|w(?<![(<\w]w)ww\.)[^\s<>()\]]+)"),
)

#: Text every match of the pattern of the same place in _URL_RES holds.
_URL_NEEDS = (("](",), ("<",), ("]:",), ("http", "www."))


#: What a story declares: its people and its allow list.
_Declared = tuple[tuple[Person, ...], tuple[str, ...]]


#: One replacement as a row of ``Replacements``: (field, line, kind, shown_as).
_Row = tuple[str, int | None, str, str]


@dataclass(frozen=True)
class FieldResult:
    text: str
    replacements: tuple[_Row, ...]


@dataclass
class _StoryRun:
    """What one story's fields share while they are anonymised."""

    source: SourceStory
    matcher: NameMatcher
    known: Known
    findings: dict[tuple[int | None, str, str], Finding] = field(default_factory=dict)

    def add(self, line: int | None, word: str, why: str, fix: str, signal: str = "") -> None:
        key = (line, word, why)
        if key not in self.findings:
            self.findings[key] = Finding(self.source.display_path, line, word, why, fix, signal)


class Anonymiser:
    """Holds what every story shares: the site's privacy index (register and allow
    list, folded once; see index.py), built once per build unless one is given."""

    def __init__(self, config: SiteConfig, index: PrivacyIndex | None = None) -> None:
        self.config = config
        self.index = index if index is not None else PrivacyIndex.of_site(config)
        self.identifier_texts = replacement_texts(dict(config.replacements))

    def matcher_for(self, story: SourceStory) -> NameMatcher:
        """The register's names and the story's own."""
        return self.index.for_story(story.people, story.allow).matcher

    def story(self, source: SourceStory) -> tuple[AnonymisedStory, list[Finding]]:
        own = self.index.for_story(source.people, source.allow)
        run = _StoryRun(source, own.matcher, own.known)
        for flaw in source.flaws:  # characters a page cannot show, removed at loading
            run.add(flaw.line, flaw.word, flaw.why, flaw.fix)
        line = source.line_of
        title = self._field(run, source.title, "title", line("title"), prose=False)
        summary = self._field(run, source.summary, "summary", line("summary"))
        tags = [
            self._field(run, tag, "tags", line("tags"), sentence=False, prose=False)
            for tag in source.tags
        ]
        alt = self._field(run, source.image.alt if source.image else "", "image alt", line("image"))
        warning = self._field(
            run, source.content_warning, "content_warning", line("content_warning")
        )
        body = self._field(run, source.body, "body", source.body_line, markdown=True)
        slug = self.slug(run.matcher, source, title.text)
        if source.slug is not None:  # an address is read like a title: "thank-you-ngozi"
            spaced = source.slug.replace("-", " ")
            scan = self._scan(run.matcher, spaced)
            self._find(run, scan, line("slug"), prose=False, markdown=False)
        # The rows themselves: a Replacement made for each would be taken apart again.
        replacements = Replacements(
            r for f in (title, summary, *tags, alt, warning, body) for r in f.replacements
        )
        story = AnonymisedStory(
            source=source,
            slug=slug,
            title=title.text,
            summary=summary.text,
            tags=tuple(dict.fromkeys(t.text for t in tags if t.text.strip())),
            body=body.text,
            image_alt=alt.text,
            content_warning=warning.text,
            replacements=replacements,
            seal=ANONYMISER_SEAL,
        )
        return story, sorted(run.findings.values(), key=lambda f: (f.line or 0, f.word))

    def tree_pass(self, story: AnonymisedStory) -> TreeAnonymiser:
        """The second pass, over the story's parsed body; see tree.py. It adds the notice
        itself when it replaces something and the first pass replaced nothing."""
        matcher = self.matcher_for(story.source)
        notice = None if story.needs_notice else self.config.notice
        return TreeAnonymiser(lambda text: self.spans(matcher, text), notice)

    def spans(self, matcher: NameMatcher, text: str) -> list[Span]:
        """Every name and identifier in ``text``, found in its decoded form (entities and
        %-encoding undone) and given as spans of ``text`` itself."""
        return self._scan(matcher, text).spans(self)

    def _scan(self, matcher: NameMatcher, text: str) -> _Scan:
        view = decode(text)
        search = view.text if view is not None else text
        read = TextView(search)  # folded and tokenised once, for both matchers
        words = matcher.find(read)
        joined = matcher.find_joined(read)
        inside = _Cover(words)
        only_joined = [j for j in joined if not inside(j)]
        return _Scan(text, view, search, words + joined, find_identifiers(search), only_joined)

    def _field(
        self,
        run: _StoryRun,
        text: str,
        field: str,
        first_line: int | None,
        markdown: bool = False,
        sentence: bool = True,
        prose: bool = True,
    ) -> FieldResult:
        if not text:
            return FieldResult(text, ())
        scan = self._scan(run.matcher, text)
        self._find(run, scan, first_line, prose, markdown)
        return self._apply(text, scan.spans(self), field, first_line, markdown, sentence)

    def _apply(
        self,
        text: str,
        spans: list[Span],
        field: str,
        first_line: int | None,
        markdown: bool,
        sentence: bool,
    ) -> FieldResult:
        if not spans:
            return FieldResult(text, ())
        url_ranges = _url_ranges(text) if markdown else []
        lines = _Lines(text, first_line)
        new_text, used = apply_spans(
            text, spans, url_ranges, opens_sentence=sentence, markdown=markdown
        )
        replacements = tuple((field, lines.line(s.start), s.kind, s.shown_as) for s in used)
        return FieldResult(new_text, replacements)

    def _find(
        self, run: _StoryRun, scan: _Scan, first_line: int | None, prose: bool, markdown: bool
    ) -> None:
        """Record the findings of one field: hidden letters and probable undeclared names.
        A name run together (``JaneQuarrington``) or, in Markdown, split by inline
        markup (``Quarr<b></b>ington``, ```Quarr`ington``) is no undeclared name: it
        is replaced (by the tree pass for the latter), so the undeclared-name signals
        read it as the declared name it is (see ``_as_declared``)."""
        search = scan.search

        def line_at(index: int) -> int | None:
            return _line(scan.text, first_line, scan.original(index))

        for hidden in find_hidden(search):
            run.add(line_at(hidden.start), hidden.word, hidden.why, hidden.fix, "hidden letters")
        covered = [(m.start, m.end) for m in scan.names]
        unseen = list(scan.joined)
        if markdown and ("<" in search or "`" in search):
            joined = _INLINE_MARKUP_RE.sub(lambda m: JOINER * len(m.group()), search)
            unmarked = TextView(joined)
            split = run.matcher.find(unmarked) + run.matcher.find_joined(unmarked)
            split = [_trimmed(m, joined, search) for m in split]
            inside = _Cover(scan.names)
            unseen.extend(m for m in split if not inside(m))
        covered.extend((m.start, m.end) for m in unseen)
        covered.extend((i.start, i.end) for i in scan.identifiers)
        covered.extend(not_names(search))
        read = _as_declared(search, unseen)
        found = [*suspects(read, run.known, prose), *initials(read, run.source.people)]
        for suspect in found:
            if not any(start <= suspect.start < end for start, end in covered):
                word, why, fix = suspect.word, suspect.why, suspect.fix
                if scan.view is not None and suspect.end > suspect.start:
                    # as written, not as decoded: "Großmann", not "Grossmann"
                    word = scan.text[scan.original(suspect.start) : scan.original(suspect.end)]
                run.add(line_at(suspect.start), word, why, fix, suspect.signal)

    def _name_span(self, match: NameMatch) -> Span:
        person = match.form.person
        assert person is not None
        shown_as = person.shown_as or self.config.placeholder
        return Span(
            match.title_start,
            match.end,
            shown_as,
            "name",
            suffix=match.possessive,
            prefix=match.opening_marks,
        )

    def slug(self, matcher: NameMatcher, source: SourceStory, title: str) -> str:
        """The story's address. A slug is lower case whatever the name was, so every part
        of a protected name counts there in any case (the output gate reads paths so).
        An explicit slug is also searched for identifiers, read with '-' as a space."""
        written = source.slug if source.slug is not None else slugify(title)
        read = TextView(written)
        found = matcher.find(read, parts_any_case=True)
        found += matcher.find_joined(read, parts_any_case=True)
        spans = [self._name_span(m) for m in found]
        if source.slug is not None:
            spans.extend(self._identifier_spans(written))
        if spans:
            written, _ = apply_spans(written, spans, [(0, len(written))])
        slug = slugify(written)
        joined = TextView(slug.replace("-", ""))  # "quarr-ington": a name cut by hyphens
        if matcher.find_joined(joined, parts_any_case=True) or matcher.find(
            joined, parts_any_case=True
        ):
            return fallback_slug(source)
        return slug or fallback_slug(source)

    def _identifier_spans(self, slug: str) -> list[Span]:
        """Identifiers in a slug as written and with its hyphens read as spaces (a slug
        cannot hold a space, so ``sw1a-1aa`` is the postcode SW1A 1AA)."""
        found = find_identifiers(slug) + find_identifiers(slug.replace("-", " "))
        texts = self.identifier_texts
        return [Span(i.start, i.end, texts[i.kind], i.kind) for i in found]


@dataclass(frozen=True)
class _Scan:
    """One field read once: its decoded view, and the names and identifiers in it."""

    text: str
    view: Decoded | None
    search: str  # the decoded text, or ``text`` when nothing was encoded
    names: list[NameMatch]
    identifiers: list[Identifier]
    joined: list[NameMatch]  # those of ``names`` only ``find_joined`` found

    def _identifier_span(self, found: Identifier, shown: str) -> Span:
        """Emphasis marks inside a number (07700 **900123**) are kept around the
        replacement, so the Markdown around it stays balanced."""
        opening, closing = "", ""
        part = self.search[found.start : found.end]
        if "*" in part or "~" in part:
            opening, closing = emphasis_marks(self.search, found.start, found.end)
        return Span(found.start, found.end, shown, found.kind, suffix=closing, prefix=opening)

    def original(self, index: int) -> int:
        return self.view.origin[index] if self.view is not None else index

    def spans(self, anonymiser: Anonymiser) -> list[Span]:
        """The replacements, as spans of the original text."""
        spans = [anonymiser._name_span(m) for m in self.names]
        texts = anonymiser.identifier_texts
        spans.extend(self._identifier_span(i, texts[i.kind]) for i in self.identifiers)
        if self.view is None:
            return spans
        return [s._replace(start=self.original(s.start), end=self.original(s.end)) for s in spans]


def fallback_slug(source: SourceStory) -> str:
    """The address of a story whose title has no letter a slug can hold (a title in
    Cyrillic, say): its date and a short hash of its file's path. Two such stories on
    one day get different addresses, and the hash shows nothing of the file's name."""
    digest = hashlib.sha256(source.display_path.encode("utf-8")).hexdigest()[:8]
    return f"story-{source.date.isoformat()}-{digest}"


#: Inline markup a reader does not see between letters: a tag that is not a block
#: (see tree.py) or a comment, and a code span's backquote.
_INLINE_MARKUP_RE = re.compile(
    r"<!--.*?-->|</?(?!(?:" + "|".join(sorted(BLOCK_TAGS)) + r")\b)[A-Za-z][^<>]*>|`",
    re.DOTALL | re.IGNORECASE,
)


def _trimmed(match: NameMatch, joined: str, search: str) -> NameMatch:
    """``match`` without the markup (read as JOINER in ``joined``) at its ends."""
    start, end = match.start, match.end
    while start < end and joined[start] == JOINER != search[start]:
        start += 1
    while end > start and joined[end - 1] == JOINER != search[end - 1]:
        end -= 1
    return match._replace(start=start, end=end, title_start=start)


class _Cover:
    """Whether a match lies inside one of ``others`` (``o.start <= start`` and ``end <=
    o.end`` for some ``o``): the largest end of those that start at or before it,
    found by bisection, instead of a look at every other match."""

    def __init__(self, others: list[NameMatch]) -> None:
        spans = sorted((o.start, o.end) for o in others)
        self.starts = [start for start, _ in spans]
        self.ends = list(accumulate((end for _, end in spans), max))

    def __call__(self, match: NameMatch) -> bool:
        before = bisect.bisect_right(self.starts, match.start)
        return before > 0 and self.ends[before - 1] >= match.end


def _as_declared(text: str, matches: list[NameMatch]) -> str:
    """``text`` with each match written as the longest part of its person's name that
    fits, padded with spaces (same length, same positions): the undeclared-name
    signals then read "Miss JaneQuarrington explained" as they read "Miss Quarrington
    explained", a declared name, not as "Miss" before a verb."""
    for match in sorted(matches, key=lambda m: m.start):
        person = match.form.person
        size = match.end - match.start
        parts = sorted(person.name.split() if person else [], key=len, reverse=True)
        fill = next((p for p in parts if len(p) <= size), "")
        text = text[: match.start] + fill.ljust(size) + text[match.end :]
    return text


def _line(text: str, first_line: int | None, index: int) -> int | None:
    return None if first_line is None else first_line + text.count("\n", 0, index)


class _Lines:
    """``_line`` for many places in one text: its line breaks found once."""

    def __init__(self, text: str, first_line: int | None) -> None:
        self.first_line = first_line
        found = _LINE_BREAK_RE.finditer(text) if first_line is not None else ()
        self.breaks = [m.start() for m in found]

    def line(self, index: int) -> int | None:
        if self.first_line is None:
            return None
        return self.first_line + bisect.bisect_left(self.breaks, index)


_LINE_BREAK_RE = re.compile("\n")


def _url_ranges(text: str) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for pattern, needs in zip(_URL_RES, _URL_NEEDS, strict=True):
        # Each pattern's matches hold one of these strings: skip the scan without one.
        if not any(part in text for part in needs):
            continue
        found = _bare_addresses(text) if pattern is _URL_RES[-1] else pattern.finditer(text)
        ranges.extend((m.start(1), m.end(1)) for m in found)
    return ranges


def _bare_addresses(text: str) -> Iterator[re.Match[str]]:
    """``_URL_RES[-1].finditer(text)``, tried only where a match may start: four or five
    characters before a "://" (http, https) and at a "www.", found with str.find (the
    pattern itself jumps between every h and w of the text)."""
    starts: set[int] = set()
    for needle, backs in (("://", (4, 5)), ("www.", (0,))):
        at = text.find(needle)
        while at != -1:
            starts.update(at - back for back in backs if at >= back)
            at = text.find(needle, at + 1)
    free = 0  # finditer goes on after a match's end
    for start in sorted(starts):
        if start >= free and (match := _URL_RES[-1].match(text, start)) is not None:
            yield match
            free = match.end()
