"""What storysite knows about words: English vocabulary, names and places.

The lists live in ``storysite/data`` (see its README for where they come from and how
``scripts/make_wordlists.py`` rebuilds them). Every key is a folded word: lower case,
accents removed (see folding.py), so "Łukasz", "ŁUKASZ" and "lukasz" share one key.

- ordinary words: English vocabulary with its inflections (SCOWL size 70, British and
  American). A word SCOWL lists only with a capital (Emma, Francisco, London) is a
  proper noun, not vocabulary.
- names: given names ("f") and surnames ("s") of many cultures (Faker's person data,
  every locale), plus storysite's own list of first names in UK use.
- places: countries, continents, British cities, towns and local authorities, and the
  world's large cities, as folded phrases ("tower hamlets").
"""

from __future__ import annotations

import gzip
from functools import cache
from importlib import resources

from storysite.anonymise.folding import fold, word_key

__all__ = ["first_names", "is_ordinary", "name_kinds", "ordinary_words", "place_phrases"]


def _lines(name: str) -> list[str]:
    data = resources.files("storysite").joinpath(f"data/{name}").read_bytes()
    return gzip.decompress(data).decode("utf-8").splitlines()


@cache
def ordinary_words() -> frozenset[str]:
    """Folded keys of ordinary English vocabulary, inflections included."""
    return frozenset(_lines("vocabulary.txt.gz"))


@cache
def name_kinds() -> dict[str, str]:
    """Folded name word -> "f" (given name), "s" (surname) or "fs" (both)."""
    kinds: dict[str, str] = {}
    for line in _lines("names.txt.gz"):
        word, _, kind = line.partition("\t")
        kinds[word] = kind
    return kinds


@cache
def place_phrases() -> frozenset[str]:
    """Folded names of well-known places, their words joined by one space."""
    return frozenset(_lines("places.txt.gz"))


@cache
def first_names() -> tuple[frozenset[str], frozenset[str]]:
    """storysite's own list (data/first_names.txt): (first names, first names that are
    also everyday words)."""
    text = resources.files("storysite").joinpath("data/first_names.txt").read_text("utf-8")
    names: set[str] = set()
    words: set[str] = set()
    target = names
    for line in text.splitlines():
        line = line.strip()
        if line == "[also words]":
            target = words
            continue
        if line and not line.startswith("#"):
            target.update(word_key(fold(w)) for w in line.split())
    return frozenset(names | words), frozenset(words)


def key_of(word: str) -> str:
    """The folded key of one word as written."""
    return word_key(fold(word))


def is_ordinary(word: str) -> bool:
    """Whether ``word`` (in any case, with or without accents) is ordinary English
    vocabulary: "showed", "coordinator" and "doe" are; "quarrington", "frasquilho" and
    "emma" are not."""
    return key_of(word) in ordinary_words()
