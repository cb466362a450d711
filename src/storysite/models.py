"""The frozen objects passed between the pipeline's stages, and nothing else.

Data flow: SiteConfig -> SourceStory -> (Held | consented) -> AnonymisedStory
-> RenderedStory -> OutputFile -> BuildReport.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import overload


@dataclass(frozen=True)
class Person:
    """Someone a story names. Protected unless ``named`` is true."""

    name: str
    named: bool = False
    aliases: tuple[str, ...] = ()
    shown_as: str | None = None
    declared_in: str = ""
    line: int | None = None

    @property
    def protected(self) -> bool:
        return not self.named

    @property
    def forms(self) -> tuple[str, ...]:
        """Every way the text may refer to this person: the full name, then aliases."""
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class ImageRef:
    src: str
    alt: str
    line: int | None = None


@dataclass(frozen=True)
class Consent:
    """The consent block as written. ``publish`` keeps its raw value: only ``True`` publishes."""

    publish: object = None
    date: dt.date | None = None
    expires: dt.date | None = None
    withdrawn: object = None
    reference: str = ""  # the signed form or record this consent is in (for audits)


@dataclass(frozen=True)
class SourceStory:
    """A story as read from disk and validated. Its text is raw: never shown to readers."""

    path: Path
    display_path: str
    title: str
    date: dt.date
    body: str
    body_line: int
    summary: str = ""
    tags: tuple[str, ...] = ()
    slug: str | None = None
    authors: tuple[str, ...] = ()
    draft: bool = False
    image: ImageRef | None = None
    content_warning: str = ""
    consent: Consent | None = None
    people: tuple[Person, ...] = ()
    #: Words in this story that are not people (places, organisations): never findings.
    allow: tuple[str, ...] = ()
    field_lines: tuple[tuple[str, int], ...] = ()
    #: Characters removed at loading that a page cannot show (control characters,
    #: noncharacters): each holds the story until the author deletes it.
    flaws: tuple[Finding, ...] = ()

    def line_of(self, name: str) -> int | None:
        """The line a front-matter field starts on, when it was written."""
        return dict(self.field_lines).get(name)


@dataclass(frozen=True)
class HoldReason:
    """Why a story was held: a short rule name for counting and a sentence for people."""

    rule: str
    message: str


@dataclass(frozen=True)
class Held:
    story: SourceStory
    reasons: tuple[HoldReason, ...]


@dataclass(frozen=True)
class Finding:
    """Something the anonymiser could not decide alone. It holds the story until resolved."""

    path: str
    line: int | None
    word: str
    why: str
    fix: str
    #: The detector's signal that raised it ("safe-list", "title or role", ...).
    signal: str = ""

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: '{self.word}' — {self.why} — {self.fix}"


@dataclass(frozen=True)
class Replacement:
    """One change the anonymiser made. It never records the text it removed."""

    field: str
    line: int | None
    kind: str
    shown_as: str


class Replacements(Sequence[Replacement]):
    """A story's replacements, kept as plain rows and made into ``Replacement``s only
    when read one by one. A site of 5,000 stories holds about 100,000 of them, and a
    build that read them from its cache as objects spent half its reading making
    them; most builds only count them."""

    __slots__ = ("_rows",)

    def __init__(self, rows: Iterable[tuple[str, int | None, str, str]] = ()) -> None:
        self._rows = tuple(rows)

    @classmethod
    def of(cls, found: Iterable[Replacement]) -> Replacements:
        return cls((r.field, r.line, r.kind, r.shown_as) for r in found)

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> Replacement: ...
    @overload
    def __getitem__(self, index: slice) -> Replacements: ...
    def __getitem__(self, index: int | slice) -> Replacement | Replacements:
        if isinstance(index, slice):
            return Replacements(self._rows[index])
        return Replacement(*self._rows[index])

    def __iter__(self) -> Iterator[Replacement]:
        return (Replacement(*row) for row in self._rows)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Replacements):
            return self._rows == other._rows
        if isinstance(other, tuple):
            return tuple(self) == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._rows)

    def __repr__(self) -> str:
        return f"Replacements({self._rows!r})"

    def __reduce__(self) -> tuple[type[Replacements], tuple[tuple[object, ...]]]:
        return Replacements, (self._rows,)


@dataclass(frozen=True)
class OutputFile:
    """One file of the built site: its path inside the output, its bytes, its owner."""

    path: str
    content: bytes
    story_slug: str | None = None
    kind: str = "page"


@dataclass(frozen=True)
class ScheduledChange:
    """A story that goes on (or comes off) the website on ``day`` by its dates alone."""

    day: dt.date
    title: str  # as readers see it: anonymised
    slug: str
    goes_on: bool


@dataclass(frozen=True)
class BuildReport:
    published: tuple[str, ...] = ()
    held: tuple[Held, ...] = ()
    findings: tuple[Finding, ...] = ()
    replacements: int = 0
    files_written: int = 0
    output: Path | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)
    today: dt.date | None = None
    next_change: tuple[ScheduledChange, ...] = ()
    #: Nothing the build reads had changed since the last build: nothing was written.
    unchanged: bool = False


@dataclass(frozen=True)
class AnonymisedStory:
    """A story whose every reader-facing field has passed through the anonymiser.

    Only ``storysite.anonymise`` can make one: the constructor checks a private seal.
    Rendering accepts nothing else, so raw text cannot reach a page: templates are not
    handed ``source`` (render.py), and it is left out of the repr a template could print.
    """

    source: SourceStory = field(repr=False)
    slug: str
    title: str
    summary: str
    tags: tuple[str, ...]
    body: str
    image_alt: str
    content_warning: str
    replacements: Sequence[Replacement]  # held as Replacements (see there)
    seal: object = field(repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        from storysite._seal import ANONYMISER_SEAL

        if self.seal is not ANONYMISER_SEAL:
            raise TypeError("an AnonymisedStory can only be made by storysite.anonymise")
        if not isinstance(self.replacements, Replacements):
            object.__setattr__(self, "replacements", Replacements.of(self.replacements))

    @property
    def needs_notice(self) -> bool:
        return bool(self.replacements)

    @property
    def date(self) -> dt.date:
        return self.source.date

    @property
    def authors(self) -> tuple[str, ...]:
        """Who wrote it, as its front matter names them (the output gate reads them)."""
        return self.source.authors

    @property
    def image_src(self) -> str | None:
        """Where its main picture is, if it has one (its alt text is ``image_alt``)."""
        return self.source.image.src if self.source.image else None


# ---- a story's HTML (made by markup.py; here so that reading it needs no Markdown) ----


class Markup:
    """A story's sanitised HTML; its plain text is made from it when asked for (only
    the search index asks).

    Kept as UTF-8 bytes: Python stores a text holding any curly quote or dash at two
    bytes a character, and a build holds every story's HTML until the last page is
    written (a hundred megabytes at 5,000 stories). Read-only."""

    __slots__ = ("__weakref__", "_html")

    def __init__(self, html: str) -> None:
        self._html = html.encode("utf-8", "surrogatepass")

    @property
    def html(self) -> str:
        return self._html.decode("utf-8", "surrogatepass")

    @property
    def text(self) -> str:
        return plain_text(self.html)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Markup):
            return NotImplemented
        return self._html == other._html

    def __hash__(self) -> int:
        return hash(self._html)

    def __repr__(self) -> str:
        return f"Markup({self.html!r})"

    def __reduce__(self) -> tuple[Callable[[bytes], Markup], tuple[bytes]]:
        return _markup_of_utf8, (self._html,)


def _markup_of_utf8(html: bytes) -> Markup:
    """A Markup from its pickle (worker processes send them back): no decoding."""
    markup = Markup.__new__(Markup)
    markup._html = html
    return markup


_TAG_RE = re.compile(r"<[^>]*>")


def plain_text(fragment: str) -> str:
    """Readable text of an HTML fragment: tags removed, entities decoded, spaces folded.
    ``str.split`` breaks at the whitespace ``\\s`` matches (one Unicode test for both),
    three times faster than replacing every run of it, each single space included."""
    return " ".join(html.unescape(_TAG_RE.sub(" ", fragment)).split())
