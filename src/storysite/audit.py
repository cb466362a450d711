"""The output gate: every file is scanned for every protected name before anything is
written. Text is checked the way a reader or a search engine could see it: HTML tags
removed (both joined and spaced), entities decoded, URL-encoding undone, JSON unescaped,
and the file's path itself. Names are matched as loosely as the anonymiser matches them
(case, accents, separators, hidden characters; see anonymise/names.py).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import unquote, unquote_plus

from storysite.anonymise.names import NameIndex, NameMatch, NameMatcher, forms_of
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
    """Every way ``text`` could show a name to a reader, a crawler or a script.

    Entities and %-encoding are undone repeatedly (``&amp;#74;`` is still a J), tags
    are removed both joined and spaced, attribute values are read on their own, and
    ``+`` is read as a space in web addresses.
    """
    seen: set[str] = set()
    for view in _layers(text):
        for variant in (view, _TAG_RE.sub("", view), _TAG_RE.sub(" ", view)):
            if variant not in seen:
                seen.add(variant)
                yield variant
        for match in _ATTRIBUTE_RE.finditer(view):
            value = match.group(1) or match.group(2) or ""
            for variant in _layers(value):
                if variant not in seen:
                    seen.add(variant)
                    yield variant


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
        """Protected names in ``path`` or ``texts``; the first finding is enough."""
        for view in _layers(path):
            # Paths are lower case whatever the name was: every part counts there.
            found = self._found(matcher.find(view, parts_any_case=True), path)
            if found:
                return found
        for text in texts:
            for view in readable_views(text):
                found = self._found(matcher.find(view), path)
                if found:
                    return found
        return []

    @staticmethod
    def _found(matches: list[NameMatch], path: str) -> list[Leak]:
        leaks = []
        for match in matches:
            person = match.form.person
            declared = person.declared_in if person is not None else ""
            leaks.append(Leak(path, declared, match.form.kind))
        return leaks

    def scan_file(self, matcher: NameMatcher, file: OutputFile) -> list[Leak]:
        """Check one output file: its path, and its text as every kind of reader sees it.
        A picture's bytes are not text (its metadata was removed): only its path counts."""
        if file.kind == "image":
            return self.leaks(matcher, file.path, [])
        text = file.content.decode("utf-8", "replace")
        texts = [text]
        if file.path.endswith(".json"):
            texts.extend(json_strings(text))
        return self.leaks(matcher, file.path, texts)


def _full_names_index(people: Iterable[Person]) -> NameIndex:
    index = NameIndex()
    for person in people:
        for form in forms_of(person, with_parts=False):
            index.add(form)
    return index
