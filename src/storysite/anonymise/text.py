"""The one reading of a text that every name search shares: folded once (see
folding.py), and split into words in C where it can be.

``TextView`` holds a text, its folded form, and each tokenisation when first asked
for: ``spaced`` (every character that is not a letter or digit as a space, for the
automatons of names.py), ``words`` (the words of folding.WORD_RE, with their places)
and ``letters`` (the runs of letters ``find_joined`` reads).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property
from itertools import accumulate, compress, repeat
from operator import add

from storysite.anonymise.folding import JOINER, PLAIN_WORD_RE, WORD_RE, fold, non_ascii_of

#: A word for ``find_joined``: letters only (digits and '_' end it), hidden
#: characters and combining marks (JOINER) inside; captured for ``split``.
_LETTERS_SPLIT_RE = re.compile(r"([^\W\d_]+)")
_JOINER_LETTER = "\u00aa"

#: A word of folded text (folding.WORD_RE), captured so that ``split`` keeps it.
_JOINED_SPLIT_RE = re.compile(rf"([\w{JOINER}]+)")
_PLAIN_SPLIT_RE = re.compile(rf"({PLAIN_WORD_RE.pattern})")


class _WordTable(dict[int, str]):
    """A lazily filled translation table: a letter or digit as itself, JOINER removed
    (as from a word's key), "_" and every other character as a space (the words of
    folding.PLAIN_WORD_RE)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        self[code] = char if char.isalnum() else " "
        return self[code]


_WORD_TABLE = _WordTable({ord(JOINER): ""})


class _LetterTable(dict[int, str]):
    """The same for ``_LETTERS_SPLIT_RE``'s runs: a letter as itself, anything else
    (a digit, "_", a space...) as a space."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        self[code] = char if char.isalnum() and not char.isdecimal() else " "
        return self[code]


_LETTER_TABLE = _LetterTable({ord(JOINER): ""})

_NON_ASCII_SPLIT_RE = re.compile(r"([^\x00-\x7f]+)")


def _translate(text: str, table: dict[int, str]) -> str:
    """``text.translate(table)``, for _WORD_TABLE or _LETTER_TABLE. str.translate is
    fast in C only over ASCII: in text with a few curly quotes or accents it looks up
    every character in the table. So each character outside ASCII that becomes a space
    is replaced first (str.replace, in C); if others are left (letters), each run of
    ASCII is translated on its own (a table maps each character alone, and a space to
    itself)."""
    if text.isascii():
        return text.translate(table)
    for char in non_ascii_of(text):
        if table[ord(char)] == " ":
            text = text.replace(char, " ")
    if text.isascii():
        return text.translate(table)
    return "".join([piece.translate(table) for piece in _NON_ASCII_SPLIT_RE.split(text)])


class TextView:
    """One text read once for every matcher: folded (see folding.py), and tokenised
    into words (``words``, for ``find``) and into runs of letters (``letters``, for
    ``find_joined``), each when first asked for."""

    def __init__(self, text: str) -> None:
        self.text = text

    @classmethod
    def of(cls, text: str | TextView) -> TextView:
        return text if isinstance(text, TextView) else cls(text)

    @cached_property
    def folded(self) -> str:
        return fold(self.text)

    @cached_property
    def words(self) -> Words:
        return Words(self.folded)

    @cached_property
    def spaced(self) -> str:
        """The folded text with every character that is not a letter or digit as a
        space, and a space at each end, for ``NameIndex.hits``: the same words in the
        same places in text without JOINER; in text with it, the same keys."""
        # JOINER is removed first: str.translate is fast only while each character
        # stays one.
        return f" {_translate(self.folded.replace(JOINER, ''), _WORD_TABLE)} "

    @cached_property
    def letters(self) -> Letters:
        return Letters(self.folded, self.spaced[1:-1])


class Words:
    """The words of folded text, tokenised in C: their keys, and where each starts
    and ends. ``split`` gives the text between words and the words in turn, so the
    running sum of their lengths holds every word's start and end."""

    __slots__ = ("bounds", "keys")

    def __init__(self, folded: str) -> None:
        if JOINER in folded:
            # "_" is no word character: read as a space (same length), every other
            # character \w allows is, so the class below is WORD_RE's, but faster.
            parts = _JOINED_SPLIT_RE.split(folded.replace("_", " "))
            self.keys = _without_joiners(parts[1::2])
        else:
            parts = _PLAIN_SPLIT_RE.split(folded)
            self.keys = parts[1::2]
        self.bounds = list(accumulate(map(len, parts)))

    def __len__(self) -> int:
        return len(self.keys)

    def start(self, index: int) -> int:
        return self.bounds[2 * index]

    def end(self, index: int) -> int:
        return self.bounds[2 * index + 1]


class Letters:
    """The runs of letters of folded text (``find_joined``'s words: digits and '_' end
    one, hidden characters are inside it): their keys, split in C, and (start, end,
    key) each, found when first asked for (most texts hold no name run together).
    ``keys`` leaves out a run of hidden characters alone, which ``tokens`` holds with
    an empty key."""

    def __init__(self, folded: str, words: str | None = None) -> None:
        """``words``, when given, is ``folded`` without JOINER translated by _WORD_TABLE
        (``TextView.spaced`` without its end spaces). _LETTER_TABLE keeps a part of
        what _WORD_TABLE keeps and makes a space a space, so translating that gives
        what translating ``folded`` gives; and it is in ASCII when ``folded`` is not
        only for its punctuation (curly quotes, dashes), where str.translate is fast."""
        self.folded = folded
        #: Letters as themselves, anything else as a space (JOINER removed).
        self._spread = _translate(
            folded.replace(JOINER, "") if words is None else words, _LETTER_TABLE
        )
        self.keys = self._spread.split()

    @cached_property
    def tokens(self) -> Runs:
        if JOINER not in self.folded:
            # The runs are ``keys``, in ``_spread`` (the text's length): split at each
            # space, a piece starts one place after the end of the one before, and
            # the pieces that are not empty are the runs. All of it in C.
            pieces = self._spread.split(" ")
            places = accumulate(map(add, map(len, pieces), repeat(1)), initial=0)
            return Runs(list(compress(places, pieces)), None, self.keys)
        # JOINER as a letter no folded text holds (ª folds to a), so one plain class
        # splits, then removed from the keys (same lengths, same bounds).
        parts = _LETTERS_SPLIT_RE.split(self.folded.replace(JOINER, _JOINER_LETTER))
        keys = "\x00".join(parts[1::2]).replace(_JOINER_LETTER, "").split("\x00")
        bounds = list(accumulate(map(len, parts)))
        return Runs(bounds[0:-1:2], bounds[1::2], keys)


class Runs:
    """Runs of letters as (start, end, key), each made when read. ``ends`` is None when
    each run is as long as its key (no hidden character inside)."""

    __slots__ = ("ends", "keys", "starts")

    def __init__(self, starts: list[int], ends: list[int] | None, keys: list[str]) -> None:
        self.starts = starts
        self.ends = ends
        self.keys = keys

    def __len__(self) -> int:
        return len(self.keys)

    def __getitem__(self, number: int) -> tuple[int, int, str]:
        start, key = self.starts[number], self.keys[number]
        return start, start + len(key) if self.ends is None else self.ends[number], key

    def end(self, number: int) -> int:
        return (
            self.starts[number] + len(self.keys[number]) if self.ends is None else self.ends[number]
        )

    def __iter__(self) -> Iterator[tuple[int, int, str]]:
        return map(self.__getitem__, range(len(self.keys)))


def _keys(folded: str) -> list[str]:
    """The lookup keys of the words of folded text, in order."""
    if JOINER not in folded:
        return PLAIN_WORD_RE.findall(folded)  # the same words as WORD_RE's, faster
    return _without_joiners(WORD_RE.findall(folded))


def _without_joiners(words: list[str]) -> list[str]:
    """``[word_key(word) for word in words]``, in C: a word never holds NUL (not a
    word character), so the words are joined with it, JOINER removed, and split."""
    if not words:
        return []
    return "\x00".join(words).replace(JOINER, "").split("\x00")
