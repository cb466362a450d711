"""The anonymiser: SourceStory -> AnonymisedStory, plus the findings that hold a story.

Every reader-facing field goes through ``Anonymiser.field``: the body, title,
summary, tags, image alt text, content warning, and the slug.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storysite._seal import ANONYMISER_SEAL
from storysite.anonymise.names import NameIndex, NameMatch, NameMatcher
from storysite.anonymise.replace import Span, apply_spans
from storysite.config import SiteConfig
from storysite.models import AnonymisedStory, Finding, Person, Replacement, SourceStory
from storysite.slugs import slugify

__all__ = ["Anonymiser", "protected_people"]

#: Link targets in Markdown: inline ``](...)``, autolinks ``<...>``, reference
#: definitions, and bare web addresses. A name there is replaced by a slug.
_URL_RES = (
    re.compile(r"\]\(\s*<?([^)\s>]+)"),
    re.compile(r"<((?:https?:|mailto:|ftp:)[^>\s]+)>"),
    re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE),
    re.compile(r"(?<![(<])\b((?:https?://|www\.)[^\s<>()\]]+)"),
)


def protected_people(config: SiteConfig, stories: list[SourceStory]) -> list[Person]:
    """Everyone who must not be named anywhere on the site."""
    people = [p for p in config.register if p.protected]
    for story in stories:
        people.extend(p for p in story.people if p.protected)
    return people


@dataclass(frozen=True)
class FieldResult:
    text: str
    replacements: tuple[Replacement, ...]


class Anonymiser:
    """Holds what every story shares: the site register and allow list, indexed once."""

    def __init__(self, config: SiteConfig) -> None:
        self.config = config
        self.register_index = NameIndex.of_people(config.register, config.allow)

    def matcher_for(self, story: SourceStory) -> NameMatcher:
        return NameMatcher([self.register_index, NameIndex.of_people(story.people)])

    def story(self, source: SourceStory) -> tuple[AnonymisedStory, list[Finding]]:
        matcher = self.matcher_for(source)
        line = source.line_of
        title = self.field(matcher, source.title, "title", line("title"))
        summary = self.field(matcher, source.summary, "summary", line("summary"))
        tags = [
            self.field(matcher, tag, "tags", line("tags"), sentence=False) for tag in source.tags
        ]
        alt = self.field(
            matcher, source.image.alt if source.image else "", "image alt", line("image")
        )
        warning = self.field(
            matcher, source.content_warning, "content_warning", line("content_warning")
        )
        body = self.field(matcher, source.body, "body", source.body_line, markdown=True)
        slug = self.slug(matcher, source, title.text)
        replacements = [
            r for f in (title, summary, *tags, alt, warning, body) for r in f.replacements
        ]
        story = AnonymisedStory(
            source=source,
            slug=slug,
            title=title.text,
            summary=summary.text,
            tags=tuple(dict.fromkeys(t.text for t in tags if t.text.strip())),
            body=body.text,
            image_alt=alt.text,
            content_warning=warning.text,
            replacements=tuple(replacements),
            seal=ANONYMISER_SEAL,
        )
        return story, []

    def field(
        self,
        matcher: NameMatcher,
        text: str,
        field: str,
        first_line: int | None,
        markdown: bool = False,
        sentence: bool = True,
    ) -> FieldResult:
        if not text:
            return FieldResult(text, ())
        spans = [self._name_span(m) for m in matcher.find(text)]
        if not spans:
            return FieldResult(text, ())
        url_ranges = _url_ranges(text) if markdown else []
        new_text, used = apply_spans(text, spans, url_ranges, opens_sentence=sentence)
        replacements = tuple(
            Replacement(
                field=field,
                line=None if first_line is None else first_line + text.count("\n", 0, s.start),
                kind=s.kind,
                shown_as=s.shown_as,
            )
            for s in used
        )
        return FieldResult(new_text, replacements)

    def _name_span(self, match: NameMatch) -> Span:
        person = match.form.person
        assert person is not None
        shown_as = person.shown_as or self.config.placeholder
        return Span(match.title_start, match.end, shown_as, "name", suffix=match.possessive)

    def slug(self, matcher: NameMatcher, source: SourceStory, title: str) -> str:
        if source.slug is None:
            return slugify(title) or f"story-{source.date.isoformat()}"
        matches = matcher.find(source.slug, parts_any_case=True)
        if not matches:
            return source.slug
        spans = [self._name_span(m) for m in matches]
        new_slug, _ = apply_spans(source.slug, spans, [(0, len(source.slug))])
        return slugify(new_slug) or f"story-{source.date.isoformat()}"


def _url_ranges(text: str) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for pattern in _URL_RES:
        ranges.extend((m.start(1), m.end(1)) for m in pattern.finditer(text))
    return ranges
