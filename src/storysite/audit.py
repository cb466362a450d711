"""The output gate: every file is scanned for every protected name before anything is
written. Text is checked the way a reader or a search engine could see it: HTML tags
removed (both joined and spaced), entities decoded, URL-encoding undone, JSON unescaped.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import unquote

from storysite.anonymise.names import NameIndex, NameMatcher, forms_of
from storysite.config import SiteConfig
from storysite.models import OutputFile, Person, SourceStory

_TAG_RE = re.compile(r"<[^>]*>")
_ATTRIBUTE_RE = re.compile(r"""=\s*(?:"([^"]*)"|'([^']*)')""")


@dataclass(frozen=True)
class Leak:
    """A protected name found where it must not be. The name itself is not kept."""

    path: str
    declared_in: str
    kind: str


def readable_views(text: str) -> Iterator[str]:
    """Every way ``text`` could show a name to a reader, a crawler or a script."""
    decoded = html.unescape(text)
    yield decoded
    yield html.unescape(_TAG_RE.sub("", text))
    yield html.unescape(_TAG_RE.sub(" ", text))
    for match in _ATTRIBUTE_RE.finditer(text):
        value = html.unescape(match.group(1) or match.group(2) or "")
        yield value
        yield unquote(value)
    if "%" in decoded:
        yield unquote(decoded)
    if "\\u" in text or '\\"' in text:
        yield _json_unescaped(text)


def _json_unescaped(text: str) -> str:
    try:
        return json.dumps(json.loads(text), ensure_ascii=False)
    except ValueError:
        return text


class Gate:
    """Protected names of the whole site, with the spans each page may keep."""

    def __init__(self, config: SiteConfig, stories: Iterable[SourceStory]) -> None:
        self.stories = list(stories)
        protected = [p for s in self.stories for p in s.people if p.protected]
        self.register_index = NameIndex.of_people(config.register, config.allow)
        self.everyone_protected = _full_names_index(protected)
        named = [p for s in self.stories for p in s.people if p.named]
        self.everyone_named = NameIndex.of_people(named)

    def story_matcher(self, story: SourceStory) -> NameMatcher:
        """For text that belongs to one story: its own people (with parts), the register,
        the full names and aliases protected by any other story, and every named person
        (other stories' titles appear on this page as links)."""
        own = NameIndex.of_people(story.people)
        indexes = [self.register_index, own, self.everyone_named, self.everyone_protected]
        return NameMatcher(indexes)

    def site_matcher(self) -> NameMatcher:
        """For shared pages (index, tags, feed, search)."""
        return NameMatcher([self.register_index, self.everyone_named, self.everyone_protected])

    def leaks(self, matcher: NameMatcher, path: str, texts: Iterable[str]) -> list[Leak]:
        found: list[Leak] = []
        for text in (path, *texts):
            for view in readable_views(text):
                for match in matcher.find(view):
                    person = match.form.person
                    declared = person.declared_in if person is not None else ""
                    found.append(Leak(path, declared, match.form.kind))
                if found:
                    return found
        return found

    def scan_file(self, matcher: NameMatcher, file: OutputFile) -> list[Leak]:
        return self.leaks(matcher, file.path, [file.content.decode("utf-8", "replace")])


def _full_names_index(people: Iterable[Person]) -> NameIndex:
    index = NameIndex()
    for person in people:
        for form in forms_of(person, with_parts=False):
            index.add(form)
    return index
