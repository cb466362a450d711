"""The Site: published stories in reading order, with their URLs, tags and pages."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from storysite.models import AnonymisedStory, Markup
from storysite.pictures import Picture
from storysite.slugs import slugify

#: The slug of each story whose text (its HTML or its search words) was read in this
#: process, in order: a page whose making reads it shows it (pages.py keys it so).
_TEXT_READ: list[str] = []


def text_read_since(mark: int) -> set[str]:
    """The stories whose text was read since ``len`` of the log was ``mark``; the log
    is then cut back to ``mark``."""
    read = set(_TEXT_READ[mark:])
    del _TEXT_READ[mark:]
    return read


def text_read_mark() -> int:
    """Start noting afresh (one page is made at a time in a process)."""
    _TEXT_READ.clear()
    return 0


@dataclass(frozen=True, slots=True)
class RenderedStory:
    """An anonymised story with its HTML. Built only from an AnonymisedStory."""

    story: AnonymisedStory
    _markup: Markup = field(repr=False)  # read through ``markup`` (noted), never printed
    #: (path inside the output the text points at, its renditions) per image.
    pictures: tuple[tuple[str, Picture], ...] = field(default=(), compare=False)
    #: Its words for the search index (search.search_weights), when already worked out.
    _weights: bytes | None = field(default=None, compare=False, repr=False)

    @property
    def markup(self) -> Markup:
        """The story's HTML (the read is noted: see ``text_read_since``)."""
        _TEXT_READ.append(self.story.slug)
        return self._markup

    @property
    def weights(self) -> bytes | None:
        _TEXT_READ.append(self.story.slug)
        return self._weights

    def picture(self, path: str) -> Picture | None:
        """The renditions of the image whose fallback is at ``path`` (from the root)."""
        return next((p for at, p in self.pictures if at == path), None)

    @property
    def slug(self) -> str:
        return self.story.slug

    @property
    def path(self) -> str:
        """The story's folder inside the output, e.g. ``stories/finding-my-voice/``."""
        return f"stories/{self.story.slug}/"

    @property
    def tag_links(self) -> tuple[tuple[str, str], ...]:
        """(name, slug) of each tag, once per slug: "Co-production" and "co production"
        are one tag, shown as it was first written."""
        links: dict[str, str] = {}
        for tag in self.story.tags:
            links.setdefault(tag_slug(tag), tag)
        return tuple((name, slug) for slug, name in links.items())


@functools.lru_cache(maxsize=4096)  # a site has few tags, each on many stories
def tag_slug(tag: str) -> str:
    """A tag's address. A tag with no a-z or 0-9 ("日本語") gets one of its own from a
    hash of its text, so unrelated tags never share a page."""
    slug = slugify(tag)
    if slug:
        return slug
    return "tag-" + hashlib.sha256(tag.casefold().encode("utf-8")).hexdigest()[:8]


@dataclass(frozen=True)
class Tag:
    name: str
    slug: str
    stories: tuple[RenderedStory, ...]

    @property
    def path(self) -> str:
        return f"tags/{self.slug}/"


@dataclass(frozen=True)
class Site:
    stories: tuple[RenderedStory, ...]  # newest first
    tags: tuple[Tag, ...]

    @classmethod
    def collate(cls, stories: Sequence[RenderedStory]) -> Site:
        ordered = tuple(sorted(stories, key=lambda s: (s.story.date, s.slug), reverse=True))
        by_slug: dict[str, list[RenderedStory]] = {}
        names: dict[str, str] = {}
        for story in ordered:
            for name, slug in story.tag_links:
                by_slug.setdefault(slug, []).append(story)
                names.setdefault(slug, name)
        tags = tuple(
            Tag(names[slug], slug, tuple(members))
            for slug, members in sorted(by_slug.items(), key=lambda item: names[item[0]].lower())
        )
        return cls(ordered, tags)

    @cached_property
    def _positions(self) -> dict[int, int]:
        """Where each story is: ``tuple.index`` would compare whole stories, per page."""
        return {id(story): i for i, story in enumerate(self.stories)}

    def neighbours(self, story: RenderedStory) -> tuple[RenderedStory | None, RenderedStory | None]:
        """(newer, older) than ``story``."""
        index = self._positions.get(id(story))
        if index is None or self.stories[index] is not story:
            index = self.stories.index(story)
        newer = self.stories[index - 1] if index > 0 else None
        older = self.stories[index + 1] if index + 1 < len(self.stories) else None
        return newer, older

    def years(self) -> list[tuple[int, tuple[RenderedStory, ...]]]:
        """The archive: years newest first, each with its stories newest first."""
        by_year: dict[int, list[RenderedStory]] = {}
        for story in self.stories:
            by_year.setdefault(story.story.date.year, []).append(story)
        return [(year, tuple(by_year[year])) for year in sorted(by_year, reverse=True)]

    def pages(self, per_page: int) -> list[tuple[RenderedStory, ...]]:
        """The index split into pages; always at least one, even when empty."""
        chunks = [self.stories[i : i + per_page] for i in range(0, len(self.stories), per_page)]
        return chunks or [()]
