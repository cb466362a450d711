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
from dataclasses import replace
from urllib.parse import unquote, unquote_plus

from storysite.anonymise.names import (
    NameForm,
    NameIndex,
    NameMatcher,
    forms_of,
    split_words,
)
from storysite.config import SiteConfig
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


def readable_views(text: str) -> Iterator[str]:
    """Every way ``text`` could show a name to a reader, a crawler or a script.

    Entities and %-encoding are undone repeatedly (``&amp;#74;`` is still a J), tags
    are removed both joined and spaced, attribute values are read on their own, and
    ``+`` is read as a space in web addresses.
    """
    seen: set[str] = set()
    for view in _layers(text):
        blocks = _BLOCK_TAG_RE.sub(_BLOCK_BREAK, view)
        for variant in (view, _TAG_RE.sub("", blocks), _TAG_RE.sub(" ", blocks)):
            if variant not in seen:
                seen.add(variant)
                yield variant
        for match in _ATTRIBUTE_RE.finditer(view):
            value = match.group(1) or match.group(2) or ""
            for variant in _layers(value):
                if variant not in seen:
                    seen.add(variant)
                    yield variant


def precheck_parts(text: str) -> Iterator[str]:
    """Texts that together hold every word of every view ``readable_views`` gives.

    Each view is a layer of ``text`` (as ``_layers`` gives them), the layer with its
    tags removed (given here as is), the layer with tags turned into spaces (whose
    words are the layer's own: ``<`` and ``>`` already end a word), or an attribute
    value and its layers (the value's own words are the layer's, as quotes end a word;
    its decoded layers are given here whenever it holds something to decode). So when
    no word of these starts a name, no view can hold one: the full scan is skipped.
    """
    for layer in _layers(text):
        yield layer
        if "<" in layer:
            yield _TAG_RE.sub("", _BLOCK_TAG_RE.sub(_BLOCK_BREAK, layer))
        if "&" in layer or "%" in layer:
            for match in _ATTRIBUTE_RE.finditer(layer):
                value = match.group(1) or match.group(2) or ""
                if "&" in value or "%" in value:
                    yield from _layers(value)


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
        self.register_index = _gate_index(config.register, config.allow)
        self.everyone_protected = _gate_index(protected, foreign=True)
        # Paths are lower case whatever the text was, so there a lone part of another
        # story's person cannot be told from an ordinary word ("wood-carving"):
        # paths are checked for their full names and aliases only.
        self.everyone_protected_full = _gate_index(protected, with_parts=False)
        named = [p for s in self.stories for p in s.people if p.named]
        self.everyone_named = _gate_index(named)
        self._matchers: dict[tuple[int, bool], tuple[SourceStory, NameMatcher]] = {}

    def story_matcher(self, story: SourceStory, for_paths: bool = False) -> NameMatcher:
        """For text that belongs to one story: its own people (with parts), the register,
        the full names and aliases protected by any other story, and every named person
        (other stories' titles appear on this page as links)."""
        key = (id(story), for_paths)
        cached = self._matchers.get(key)
        if cached is not None and cached[0] is story:
            return cached[1]
        own = _gate_index(story.people)
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
    ) -> bool:
        """Whether a protected name shows in ``path`` or any view of ``texts``."""
        # Paths are lower case whatever the name was: every part counts there.
        by_path = path_matcher or matcher
        if any(by_path.find(view, parts_any_case=True) for view in _layers(path)):
            return True
        texts = list(texts)
        if not any(matcher.may_find(part) for text in texts for part in precheck_parts(text)):
            return False  # no word of any view starts a name: see precheck_parts
        return any(matcher.find(view) for text in texts for view in readable_views(text))

    def scan_file(
        self, matcher: NameMatcher, file: OutputFile, path_matcher: NameMatcher | None = None
    ) -> bool:
        """Check one output file: its path, and its text as every kind of reader sees it.
        A picture's bytes are not text (its metadata was removed): only its path counts."""
        if file.kind == "image":
            return self.leaks(matcher, file.path, [], path_matcher)
        text = _LONG_DATE_RE.sub(" ", file.content.decode("utf-8", "replace"))
        texts = [text]
        if file.path.endswith(".json"):
            texts.extend(json_strings(text))
        return self.leaks(matcher, file.path, texts, path_matcher)


def _gate_index(
    people: Iterable[Person],
    allow: Iterable[str] = (),
    foreign: bool = False,
    with_parts: bool = True,
) -> NameIndex:
    """Names for the gate. A form of one letter is left out: the anonymiser replaces
    it in stories, but in a whole page it would match every "X-" and "A" of the theme.
    ``foreign`` marks the parts of people another story keeps private (see _rank)."""
    index = NameIndex()
    for person in people:
        for form in forms_of(person, with_parts=with_parts):
            if sum(len(word) for word in form.words) < 2:
                continue
            if foreign and form.kind == "part":
                form = replace(form, foreign=True)
            index.add(form)
    for word in allow:
        index.add(NameForm(split_words(word), None, "allow"))
    return index
