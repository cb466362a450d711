"""One index of the people a build protects and the words it allows, built once.

``PrivacyIndex`` holds the site's register and allow list with each person's forms
folded once (see names.py): the name matcher and the undeclared-name detector both
read them from here, and per story only the story's own people are added.

API (for the anonymiser, and for the output gate later):

- ``PrivacyIndex(people, allow)``, or ``PrivacyIndex.of_site(config)`` for a site's
  register and ``[anonymise] allow``; build it once per build and share it.
- ``names``: a ``NameIndex`` of every form (full names, aliases, parts of names,
  allowed words), grouped by their folded words and compiled into one automaton.
- ``known``: the folded words that are never findings (every word of a declared
  name or alias, and of an allow entry).
- ``for_story(people, allow)``: a ``StoryIndex`` with the site's people and the
  story's own: its ``matcher`` (a ``NameMatcher``) and its ``known`` words.
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass
from itertools import repeat
from operator import contains

from storysite.anonymise.names import NameIndex, NameMatcher
from storysite.config import SiteConfig
from storysite.models import Person

__all__ = ["Known", "PrivacyIndex", "StoryIndex"]


class Known(Container[str]):
    """Words that are never findings: the site's (shared) and one story's."""

    def __init__(self, *sets: frozenset[str]) -> None:
        self.sets = sets

    def __contains__(self, word: object) -> bool:
        # In C (no generator): asked for nearly every capitalised word of every text.
        return any(map(contains, self.sets, repeat(word)))


@dataclass(frozen=True)
class StoryIndex:
    """The people and allowed words one story is anonymised with: the site's and its own."""

    matcher: NameMatcher
    known: Known


class PrivacyIndex:
    """People and allowed words, each folded once (see the module's docstring)."""

    def __init__(self, people: Iterable[Person] = (), allow: Iterable[str] = ()) -> None:
        self.names = NameIndex.of_people(people, allow)
        self.known = frozenset(
            word
            for form in self.names.forms
            if form.kind in ("full", "alias", "allow")
            for word in form.words
        )
        self._last: tuple[tuple[tuple[Person, ...], tuple[str, ...]], StoryIndex] | None = None

    @classmethod
    def of_site(cls, config: SiteConfig) -> PrivacyIndex:
        return cls(config.register, config.allow)

    def for_story(self, people: tuple[Person, ...], allow: tuple[str, ...]) -> StoryIndex:
        """The site's index with a story's own people and allow list. The last one made
        is kept: the tree pass of a story comes straight after its first pass."""
        last = self._last
        if last is not None and last[0] == (people, allow):
            return last[1]
        own = PrivacyIndex(people, allow)
        story = StoryIndex(NameMatcher([self.names, own.names]), Known(self.known, own.known))
        self._last = ((people, allow), story)
        return story
