"""The search index, split so that one query downloads a few small files, never all.

Every published story gets a number (newest first). Its words (title, tags, summary,
text) are folded (accents and case), stop words are dropped, and the rest are stemmed
(``stem``: "carers", "caring" and "cared" all become "care"). For each stem the index
keeps the stories that hold it, each with a weight: a word in the title counts most,
then the tags, the summary, and the text (more often, a little more).

Files (all plain JSON, read by the output gate like every other file):

- ``search-index/terms-N.json``: the stems whose hash falls in shard N, each written as
  that hash (in decimal) with its stories: ``[story, weight, gap, weight, ...]``,
  each story number after the first as the gap from the one before. The index holds
  no word at all, only numbers: nothing in it can be read as a name (a hash written
  in letters could spell one by chance, and stop the build at the output gate).
- ``search-index/stories-N.json``: stories N*CHUNK to N*CHUNK+CHUNK-1 as
  ``[url, title, date, summary]``, for showing results.
- ``search-index.json``: what the whole index is (its format, the number of shards and
  stories), and every story's url, title, date, summary and tags for other tools.
  The search page never downloads it.

``theme/static/search.js`` does the same folding, stop words, stemming and hashing
(tests run both over the same words), fetches one shard per word and the stories of
the first results, and ranks by weight times rarity (see the script).
"""

from __future__ import annotations

import hashlib
import json
import operator
import re
import unicodedata
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

FORMAT = "storysite-search 2"
assert array("I").itemsize == 4, "term hashes are 32-bit"
FOLDER = "search-index"
#: Stories per file of results: a first page of results fetches a few small files.
CHUNK = 16
#: About this many bytes per shard of terms: shards are a power of two in number.
SHARD_BYTES = 24_000
WEIGHTS = {"title": 10, "tags": 8, "summary": 5}
#: Words too common to help find a story. search.js holds the same list.
STOP_WORDS = frozenset(
    """a about after all also am an and any are as at be been but by can could did do
    for from had has have he her him his how i if in into is it its just me my no
    not of on or our out she so than that the their them then there these they this to
    too up us was we were what when which who will with would you your""".split()  # noqa: SIM905
)
_WORD_RE = re.compile(r"[a-z0-9']+")
_MARKS_RE = re.compile("[\u0300-\u036f]")


def fold(text: str) -> str:
    """Lower case, accents removed, curly apostrophes straight (as search.js folds)."""
    if text.isascii():  # already decomposed, with no accent or curly apostrophe
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return _MARKS_RE.sub("", decomposed).replace("\u2018", "'").replace("\u2019", "'").lower()


def terms(text: str) -> Iterator[str]:
    """The stems of ``text``'s words that the index keeps, in order."""
    return filter(None, map(_term, _WORD_RE.findall(fold(text))))


@lru_cache(maxsize=1 << 17)  # a story has thousands of words, a site some thousands apart
def _term(word: str) -> str:
    """The stem a word of folded text is kept as; "" for a word the index leaves out."""
    word = word.strip("'")
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) < 2 or word in STOP_WORDS:
        return ""
    return stem(word)


# --- stemming: Porter's first and last steps (plurals, -ed, -ing, final e, y) ----------


def _consonant(word: str, i: int) -> bool:
    letter = word[i]
    if letter in "aeiou":
        return False
    if letter == "y":
        return i == 0 or not _consonant(word, i - 1)
    return True


def _measure(word: str) -> int:
    """How many vowel-consonant runs ``word`` has (Porter's m)."""
    pattern = "".join("c" if _consonant(word, i) else "v" for i in range(len(word)))
    return len(re.findall(r"v+c+", pattern))


def _has_vowel(word: str) -> bool:
    return any(not _consonant(word, i) for i in range(len(word)))


def _ends_cvc(word: str) -> bool:
    """Consonant, vowel, consonant (not w, x or y): "hop", "car", "writ"."""
    n = len(word)
    return (
        n >= 3
        and _consonant(word, n - 3)
        and not _consonant(word, n - 2)
        and _consonant(word, n - 1)
        and word[-1] not in "wxy"
    )


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A light English stemmer: "carers" -> "carer", "caring" -> "care", "stories"
    -> "stori". Mirrored line by line in search.js."""
    if len(word) <= 2:
        return word
    if word.endswith("sses") or word.endswith("ies"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    if word.endswith("eed"):
        if _measure(word[:-3]) > 0:
            word = word[:-1]
    else:
        for suffix in ("ed", "ing"):
            if word.endswith(suffix) and _has_vowel(word[: -len(suffix)]):
                word = word[: -len(suffix)]
                if word.endswith(("at", "bl", "iz")):
                    word += "e"
                elif len(word) >= 2 and word[-1] == word[-2] and _consonant(word, len(word) - 1):
                    if word[-1] not in "lsz":
                        word = word[:-1]
                elif _measure(word) == 1 and _ends_cvc(word):
                    word += "e"
                break
    if word.endswith("y") and _has_vowel(word[:-1]):
        word = word[:-1] + "i"
    if word.endswith("e"):
        m = _measure(word[:-1])
        if m > 1 or (m == 1 and not _ends_cvc(word[:-1])):
            word = word[:-1]
    if word.endswith("ll") and _measure(word) > 1:
        word = word[:-1]
    return word


@lru_cache(maxsize=1 << 17)
def term_hash(term: str) -> int:
    """32-bit FNV-1a of the term's UTF-8 bytes (search.js computes the same)."""
    value = 0x811C9DC5
    for byte in term.encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


# --- the index ---------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One story as the index sees it: its published (anonymised) fields."""

    url: str
    title: str
    date: str
    summary: str
    tags: tuple[str, ...]
    text: str


def weights(entry: Entry) -> Counter[str]:
    """Each stem of the story with its weight (see the module's docstring)."""
    # The text's words: 1 + log2(how often), at most 4; then the few of the fields.
    counted = Counter(terms(entry.text))
    found = Counter({term: min(4, count.bit_length()) for term, count in counted.items()})
    for field, weight in WEIGHTS.items():
        value = " ".join(entry.tags) if field == "tags" else getattr(entry, field)
        for term in set(terms(value)):
            found[term] += weight
    return found


@dataclass(frozen=True)
class SearchIndex:
    """Every file of the index, by path inside the output, and the numbers the
    search page needs to find them."""

    shards: int
    count: int
    files: tuple[tuple[str, bytes], ...]


def hashed_weights(entry: Entry) -> bytes:
    """``weights`` by term hash, as what the index keeps of a story's words: unsigned
    32-bit pairs (hash, weight), in hash order. By hash, not by term: two terms with
    one hash (rare, but 32 bits is not much) share one list, so a query for either
    finds the stories of both, never fewer."""
    merged: dict[int, int] = {}
    for term, weight in weights(entry).items():
        key = term_hash(term)
        merged[key] = merged.get(key, 0) + weight
    return array("I", [n for pair in sorted(merged.items()) for n in pair]).tobytes()


def _pairs(hashed: bytes) -> Iterator[tuple[int, int]]:
    numbers = array("I")
    numbers.frombytes(hashed)
    flat = iter(numbers)
    return zip(flat, flat, strict=True)


def build_index(entries: Sequence[Entry], hashed: Sequence[bytes | None] = ()) -> SearchIndex:
    """The index of ``entries``. ``hashed`` may give each entry's ``hashed_weights``,
    worked out before (a build's cache keeps them); None or missing: work it out."""
    return index_with_state(entries, hashed)[0]


@dataclass(frozen=True)
class IndexState:
    """What one build keeps of its index for the next (a build's cache holds it): a
    digest of each story's ``hashed_weights`` by number (``words_digest``), and each
    term's encoded list of stories."""

    words: tuple[bytes, ...]
    postings: dict[str, str]  # a term's hash, in decimal -> "[story,weight,gap,weight...]"


@dataclass(frozen=True)
class Before:
    """The last build's state, with the ``hashed_weights`` each story whose words have
    changed since had then, by number (``changed_stories``)."""

    state: IndexState
    words: dict[int, bytes]


#: Above this many stories with other words, the index is made again from scratch.
MOST_PATCHED = 64


@lru_cache(maxsize=1 << 14)  # asked two or three times per story and build
def words_digest(hashed: bytes) -> bytes:
    return hashlib.blake2b(hashed, digest_size=16).digest()


def changed_stories(state: IndexState, hashed: Sequence[bytes]) -> list[int] | None:
    """The numbers of the stories whose words are not those of ``state``; None when
    the stories are not the same in number (each story's number would change) or too
    many changed: the index is then made from scratch."""
    if len(state.words) != len(hashed):
        return None
    now = map(words_digest, hashed)
    changed = [n for n, (old, new) in enumerate(zip(state.words, now, strict=True)) if old != new]
    return changed if len(changed) <= MOST_PATCHED else None


def index_with_state(
    entries: Sequence[Entry],
    hashed: Sequence[bytes | None] = (),
    before: Callable[[tuple[bytes, ...]], Before | None] | None = None,
) -> tuple[SearchIndex, IndexState]:
    """``build_index``, with what the next build needs to make its index from this
    one. ``before`` gives, for this build's stories' words, the last build's state
    and the words each changed story had then (None: make it from scratch): only the
    terms of those stories are worked out again; the files are the same, byte for
    byte, as made from scratch (tests/speed/test_search_patch.py)."""
    known = tuple(
        found if (found := hashed[n] if n < len(hashed) else None) is not None
        else hashed_weights(entry)
        for n, entry in enumerate(entries)
    )  # fmt: skip
    prior = before(known) if before is not None else None
    postings = _patched(prior, known) if prior is not None else None
    if postings is None:
        postings = _postings(known)
    return _index_files(entries, postings), IndexState(tuple(map(words_digest, known)), postings)


def _postings(hashed: Sequence[bytes]) -> dict[str, str]:
    """Each term's stories, encoded, made in one pass: stories come in number order,
    so each gap is from the term's last story."""
    postings: dict[int, list[int]] = {}
    last: dict[int, int] = {}
    for number, known in enumerate(hashed):
        for term, weight in _pairs(known):
            flat = postings.get(term)
            if flat is None:
                postings[term] = [number, weight]
            else:
                flat += (number - last[term], weight)
            last[term] = number
    return {str(h): "[" + ",".join(map(str, flat)) + "]" for h, flat in postings.items()}


def _patched(before: Before, hashed: tuple[bytes, ...]) -> dict[str, str] | None:
    """``_postings(hashed)``, from the last build's: the terms of each story whose
    words changed are set again. None when ``before`` does not hold the words of every
    story that changed."""
    changed = changed_stories(before.state, hashed)
    if changed is None or set(changed) != before.words.keys():
        return None
    if any(words_digest(before.words[n]) != before.state.words[n] for n in changed):
        return None
    # Per term whose weight changed: each changed story's new weight, or None where it
    # no longer holds it (a sentence added changes a few terms of a story, not all).
    edits: dict[str, dict[int, int | None]] = {}
    for number in changed:
        old, new = dict(_pairs(before.words[number])), dict(_pairs(hashed[number]))
        for term in old.keys() | new.keys():
            if old.get(term) != new.get(term):
                edits.setdefault(str(term), {})[number] = new.get(term)
    postings = dict(before.state.postings)
    for key, weights in edits.items():
        encoded = _edited(postings.get(key, ""), weights)
        if encoded:
            postings[key] = encoded
        else:
            postings.pop(key, None)
    return postings


def _edited(encoded: str, edits: dict[int, int | None]) -> str:
    """One term's encoded list (see the module's docstring) with each story's weight
    set as ``edits`` says (None: the story is taken out); "" when no story is left."""
    parts = encoded[1:-1].split(",") if encoded else []
    numbers = list(accumulate(map(int, parts[0::2])))
    weights = parts[1::2]
    for number, weight in edits.items():
        at = bisect_left(numbers, number)
        there = at < len(numbers) and numbers[at] == number
        if weight is None:
            if there:
                del numbers[at], weights[at]
        elif there:
            weights[at] = str(weight)
        else:
            numbers.insert(at, number)
            weights.insert(at, str(weight))
    if not numbers:
        return ""
    flat = [""] * (2 * len(numbers))
    flat[0::2] = map(str, [numbers[0], *map(operator.sub, numbers[1:], numbers)])
    flat[1::2] = weights
    return "[" + ",".join(flat) + "]"


def _index_files(entries: Sequence[Entry], postings: dict[str, str]) -> SearchIndex:
    shards = _shard_count(sum(len(k) + len(v) + 4 for k, v in postings.items()))
    buckets: list[list[str]] = [[] for _ in range(shards)]
    for key, value in sorted(postings.items()):
        buckets[int(key) % shards].append(f'"{key}":{value}')
    files = [
        (f"{FOLDER}/terms-{n}.json", ("{" + ",".join(b) + "}").encode())
        for n, b in enumerate(buckets)
    ]
    for start in range(0, len(entries), CHUNK):
        rows = [[e.url, e.title, e.date, e.summary] for e in entries[start : start + CHUNK]]
        files.append((f"{FOLDER}/stories-{start // CHUNK}.json", _json(rows).encode("utf-8")))
    files.append(("search-index.json", _manifest(entries, shards).encode("utf-8")))
    return SearchIndex(shards, len(entries), tuple(files))


def _shard_count(size: int) -> int:
    shards = 1
    while shards * SHARD_BYTES < size:
        shards *= 2
    return shards


def _manifest(entries: Iterable[Entry], shards: int) -> str:
    """search-index.json: the whole index described, then every story's fields."""
    stories = [
        {"url": e.url, "title": e.title, "date": e.date, "summary": e.summary, "tags": list(e.tags)}
        for e in entries
    ]
    head = _json({"format": FORMAT, "folder": FOLDER + "/", "shards": shards, "chunk": CHUNK})
    return head[:-1] + ',"stories":' + _json(stories) + "}"


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
