"""The anonymiser's second round of fast paths (issue 14) gives what the plain code
they replace gave.

As in test_fast_paths.py, each test keeps the plain version under a clear name and
compares the two on generated text built from the pieces that matter: possessives,
capitals, accents, names split by markup, entities, %-encoding, names inside other
words, confusable letters, hidden characters, digits of other scripts, apostrophes of
every kind.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from storysite import anonymise
from storysite.anonymise import findings, identifiers, names, signals
from storysite.anonymise.folding import JOINER
from storysite.anonymise.index import Known
from storysite.anonymise.names import JoinedKeys, NameForm, NameIndex, NameMatcher, split_words
from storysite.anonymise.signals import Words, bare, key_of, place_words
from storysite.anonymise.text import Letters, TextView
from storysite.anonymise.vocabulary import ordinary_words, place_phrases
from storysite.models import Person

PIECES = [
    " ", "  ", "\n", "\n\n", ". ", ", ", "-", "_", "'", "’", "ʼ", "“", "”", "—",
    "'s", "’s", "ʼs", "`", "*",
    "**", "<b>", "</b>", "&amp;", "&#74;", "%4A", "%20", "Jane", "jane", "JANE", "Doe", "doe",
    "O'Neill", "o’neill", "Zoë", "Zoe\u0308", "Ólafur", "Ѕarah", "Јane", "ᴊane", "Ａｄａ", "ı",
    "İ", "ſ", "\u212a", "\u200b", "\u00ad", JOINER, "Quarrington", "JaneQuarrington",
    "quarringtons", "The", "I", "I'm", "My", "Mr", "Dr.", "my friend", "born", "b.", "Born",
    "d.o.b", "DOB", "came into the world", "entered the world", "birthday", "b-day", "Bday",
    "birth date", "date of birth", "dob", "03/03/1987", "12", "٣", "²", "½", "x", "a", "b",
    "d", "c", "e", "bd", "abc", "Ольга", "王伟", "ı", "ß", "ﬁ", "xquarringtonx",
    "annual", "Annlee", "finches", "maryjane", "Marianne", "zoefinch", "sarahs",
    "O7", "7o", "0O", "O", "o", "Oo", "１", "O٣",
]  # fmt: skip
TEXTS = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


# signals.Words: the split pattern with possessive quantifiers.

_PLAIN_WORD_SPLIT_RE = re.compile(r"([^\W\d_]+(?:['’ʼ][^\W\d_]+)*)")


@settings(max_examples=500, deadline=None)
@given(TEXTS)
def test_words_are_split_as_the_plain_pattern_splits_them(text: str) -> None:
    assert signals.WORD_SPLIT_RE.split(text) == _PLAIN_WORD_SPLIT_RE.split(text)
    words = Words(text)
    assert [words.key(i) for i in range(len(words.words))] == list(map(key_of, words.words))


# text.Letters: runs of letters placed from a split at each space.


def _plain_runs(folded: str) -> list[tuple[int, int, str]]:
    return [
        (m.start(), m.end(), m.group().replace(JOINER, ""))
        for m in re.finditer(rf"(?:[^\W\d_]|{JOINER})+", folded)
    ]


@settings(max_examples=500, deadline=None)
@given(TEXTS)
def test_runs_of_letters_are_where_the_plain_pattern_finds_them(text: str) -> None:
    folded = TextView(text).folded
    tokens = Letters(folded).tokens
    plain = _plain_runs(folded)
    assert list(tokens) == plain
    assert [tokens[n] for n in range(len(plain))] == plain
    assert [(tokens.starts[n], tokens.end(n)) for n in range(len(plain))] == [
        (start, end) for start, end, _ in plain
    ]
    from_words = TextView(text).letters  # from the text translated for the automaton
    assert from_words.keys == Letters(folded).keys == [key for _, _, key in plain if key]
    assert list(from_words.tokens) == plain


# findings._declared: a word's parts kept once.


def _plain_declared(word: str, known: Known) -> bool:
    key = key_of(word)
    if key in known:
        return True
    return word[0].isupper() and findings._is_known(bare(word), key, known)


KNOWN_WORDS = ["jane", "doe", "o'neill", "zoe", "quarrington", "the", "i", "my"]


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=4).map("".join),
    st.sets(st.sampled_from(KNOWN_WORDS)),
    st.sets(st.sampled_from(KNOWN_WORDS)),
)
def test_a_word_is_declared_as_the_plain_check_says(
    text: str, site: set[str], own: set[str]
) -> None:
    known = Known(frozenset(site), frozenset(own))
    for word in Words(text).words:
        assert findings._declared(word, known) == _plain_declared(word, known)
        assert (word in known) == any(word in s for s in known.sets)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(PIECES))
def test_declared_parts_are_the_words_split_apart(word: str) -> None:
    if not Words(word).words:
        return
    word = Words(word).words[0]
    key, others = findings._declared_parts(word)
    assert key == key_of(word)
    keys = split_words(bare(word))
    if word[0].isupper() and keys:
        assert others == tuple(k for k in keys if k not in findings._NOT_NAMES)
    else:
        assert others is None


# identifiers: the cue before a date of birth, found by a pattern that starts with
# its first letter.


@settings(max_examples=500, deadline=None)
@given(TEXTS)
def test_a_birth_cue_is_found_wherever_the_plain_pattern_finds_one(text: str) -> None:
    plain = identifiers.BIRTH_CUE_RE.search(text) is not None
    assert (identifiers._BIRTH_CUE_JUMP_RE.search(text) is not None) == plain


def test_no_character_outside_ascii_matches_a_cue_letter_case_blind() -> None:
    """The fast cue pattern lists the first letters in both cases instead of ignoring
    case: no other character reads as b, c, d or e to a case-blind match."""
    first = re.compile("[bcde]", re.IGNORECASE)
    twins = {chr(c) for c in range(0x110000) if first.fullmatch(chr(c))}
    assert twins == set("bcdeBCDE")


# names.JoinedKeys.candidates: the words not ordinary English sorted by sets kept
# between calls.


def _plain_candidates(keys: JoinedKeys, words: set[str]) -> set[str]:
    found = words & keys.exact.keys()
    found.update(words & keys.plurals)
    for word in words - ordinary_words() - found:
        if len(word) >= 4 and any(
            word.startswith(whole, at)
            for at in range(len(word) - 3)
            for whole, _ in keys.inner.get(word[at : at + 4], ())
        ):
            found.add(word)
    return found


PEOPLE = [
    Person("Jane Quarrington"),
    Person("Mary-Jane O'Neill", aliases=("MJ",)),
    Person("Sarah Delacroix-Byrne", named=True),
    Person("Zoë Finch", aliases=("Z.F.",)),
    Person("Ann Lee"),
]
JOINED = NameIndex.of_people(PEOPLE, ["finch"]).joined


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=4))
def test_candidates_are_those_of_the_plain_search(texts: list[str]) -> None:
    """Several texts in turn, so the second sees what the first left in the sets."""
    for text in texts:
        words = set(TextView(text).letters.keys)
        assert JOINED.candidates(words) == _plain_candidates(JOINED, words)


# identifiers: whether a text holds a digit, and whether an O stands beside one.


def test_a_digit_to_the_pattern_is_a_decimal_character() -> None:
    """``\\d`` matches exactly the characters str.isdecimal says are digits."""
    digit = re.compile(r"\d")
    for code in range(0x110000):
        char = chr(code)
        assert (digit.match(char) is not None) == char.isdecimal(), hex(code)


@settings(max_examples=500, deadline=None)
@given(TEXTS)
def test_a_digit_is_found_where_the_pattern_finds_one(text: str) -> None:
    assert identifiers._has_digit(text) == (identifiers._DIGIT_RE.search(text) is not None)
    plain = any(
        text[run.start() - 1 : run.start()] in ("O", "o")
        or text[run.end() : run.end() + 1] in ("O", "o")
        for run in re.finditer("[0-9]+", text)
    )
    assert (identifiers._O_BESIDE_DIGIT_RE.search(text) is not None) == plain


# signals.place_at: the keys before a word read in C, and no look at them one by one
# when none starts a place of several words.


def _plain_place_at(words: Words, index: int) -> bool:
    single, firsts = place_words()
    if words.key(index) in single:
        return True
    for first in range(max(0, index - 3), index + 1):
        if words.key(first) not in firsts:
            continue
        keys = [words.key(first)]
        for following in range(first + 1, min(len(words.words), first + 5)):
            keys.append(words.key(following))
            if following >= index and " ".join(keys) in place_phrases():
                return True
    return False


PLACES = ["Tower Hamlets", "Bethnal Green", "London", "Newham", "New York", "St Albans"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES + PLACES), max_size=20).map("".join))
def test_a_place_is_found_as_the_plain_look_finds_it(text: str) -> None:
    words = Words(text)
    for index in range(len(words.words)):
        assert signals.place_at(words, index) == _plain_place_at(words, index)


# findings: well-known names and initials looked for only in text that may hold them.

WELL_KNOWN = ["Marks", "John", "St", "St.", "Victoria", "King", "Prince", "Spencer", "&"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES + WELL_KNOWN), max_size=20).map("".join))
def test_well_known_names_are_looked_for_where_the_pattern_says(text: str) -> None:
    plain = findings._WELL_KNOWN_NEEDS_RE.search(text) is not None
    assert findings._may_hold_well_known(text) == plain


INITIALS = ["J", "D", "Q", "JD", "J.D.", "J. D.", "J.\tD.", "J.D", "JDQ", "J.D.Q.", "SS", "ẞ"]
NAMED = [
    Person("Jane Doe"),
    Person("Jane Quarrington-Doe"),
    Person("ßa Kim"),
    Person("Dan Quinn", named=True),
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES + INITIALS), max_size=20).map("".join))
def test_initials_are_those_the_plain_search_finds(text: str) -> None:
    wanted = {findings.initials_of(p) for p in NAMED if not p.named} - {""}
    plain = [
        (m.start(1), m.group(1).strip())
        for m in findings.INITIALS_RE.finditer(text)
        if re.sub(r"[^A-Z]", "", m.group(1)) in wanted
    ]
    assert [(s.start, s.word) for s in findings.initials(text, NAMED)] == plain


# names: the joining marks between two runs of letters tested as a set.


def test_the_joining_marks_are_the_characters_of_the_gap_pattern() -> None:
    mark = re.compile(names._JOIN_GAP_RE.pattern.replace("{1,2}", ""))
    assert {chr(c) for c in range(0x110000) if mark.fullmatch(chr(c))} == names._JOIN_MARKS


JOINS = ["jane", "quarrington", "_", "-", ".", "+", "/", "'", "·", "•", "‐", "—", "−", "__", "._",
         "-.-", " ", "90", JOINER, "é"]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(JOINS + PIECES), max_size=20).map("".join))
def test_two_runs_join_where_the_gap_pattern_says(text: str) -> None:
    view = TextView(text)
    tokens = view.letters.tokens
    for number in range(len(tokens) - 1):
        plain = names._JOIN_GAP_RE.fullmatch(view.folded, tokens[number][1], tokens[number + 1][0])
        assert names._joins(tokens, view.folded, number) == (plain is not None)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(JOINS + PIECES), max_size=20).map("".join))
def test_words_joined_to_a_name_are_found_as_before(text: str) -> None:
    """find_joined without letter-by-letter runs skips the sort and merge of its hits,
    which are in order and apart: what it finds is what the merge finds."""
    view = TextView(text)
    matcher = NameMatcher([NameIndex.of_people(PEOPLE)])
    tokens = view.letters.tokens
    hits = [(m, m, f) for m, f in _word_hits(matcher, view)]
    plain = names._merged(hits, tokens, view.folded)
    assert [names._widened(h, tokens, view.folded) for h in hits] == plain


def _word_hits(matcher: NameMatcher, view: TextView) -> list[tuple[int, NameForm]]:
    joined = [index.joined for index in matcher.indexes]
    found = []
    for number, (start, end, key) in enumerate(view.letters.tokens):
        form = names._token_hit(joined, key, lambda: False, False, view.text[start:end])
        if form is not None:
            found.append((number, form))
    return found


# names.NameMatcher._best_at: the forms that may win kept per words.

SHADOWS = [
    Person("Gordon Pryce"),
    Person("Gordon Pryce Junior", named=True),
    Person("Jane Hill"),
    Person("Grace Doe", aliases=("G.D.",)),
]
SHADOW_PIECES = ["Gordon Pryce Junior", "gordon pryce junior", "Gordon Pryce", "Gordon",
                 "gordon", "Pryce", "Junior", "Hill", "hill", "Jane", "Grace", "grace",
                 "Doe", "doe", "G.D.", " ", "  ", ". ", "-", "**", "\n", "’s", JOINER]  # fmt: skip


def _plain_best_at(
    matcher: NameMatcher,
    view: TextView,
    hits: list[tuple[int, int, str]],
    number: int,
    any_case: bool,
) -> tuple[NameForm, int] | None:
    run = [hits[number]]
    while len(run) < matcher._longest and number + len(run) < len(hits):
        after = hits[number + len(run)]
        if not names.SEPARATOR_RE.fullmatch(view.folded, run[-1][1], after[0]):
            break
        run.append(after)
    for length in range(len(run), 0, -1):
        start, end = run[0][0], run[length - 1][1]
        for form in matcher.forms_of(tuple(key for _, _, key in run[:length])):
            if form.needs_capital and not any_case and names._all_lower(view.text, start, end):
                continue
            if not matcher.shadows(form):
                return form, end
    return None


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(SHADOW_PIECES), max_size=20).map("".join), st.booleans())
def test_the_best_form_at_a_word_is_the_plain_choice(text: str, any_case: bool) -> None:
    matcher = NameMatcher([NameIndex.of_people(SHADOWS[:2]), NameIndex.of_people(SHADOWS[2:])])
    view = TextView(text)
    hits = matcher._hits(view)
    for number in range(len(hits)):
        plain = _plain_best_at(matcher, view, hits, number, any_case)
        assert matcher._best_at(view, hits, number, any_case) == plain


# anonymise._url_ranges: reference definitions only in text with "]:", bare addresses
# tried only where one may start.

URL_PIECES = ["http", "https", "://", "http://", "https://", "www.", "www", "w", "h", "(", "<",
              "[", "]", "](", "]:", "[^1]:", "a.org", "/x", " ", "\n", "   ", "x", "é", ")",
              ">", "hhttp://", "wwww."]  # fmt: skip


def _plain_url_ranges(text: str) -> list[tuple[int, int]]:
    return [(m.start(1), m.end(1)) for p in anonymise._URL_RES for m in p.finditer(text)]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(URL_PIECES), max_size=25).map("".join))
def test_link_targets_are_those_every_pattern_finds(text: str) -> None:
    assert anonymise._url_ranges(text) == _plain_url_ranges(text)


# names._letter_by_letter: three one-letter words in a row.


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([*PIECES, "a b c", "J A N E", "j.a.n", "a  b  c", "ab c d"]),
                max_size=20).map("".join))  # fmt: skip
def test_letters_in_a_row_are_found_as_their_lengths_say(text: str) -> None:
    keys = TextView(text).letters.keys
    plain = b"\x01\x01\x01" in bytes(map((1).__eq__, map(len, keys)))  # as it was
    assert names._letter_by_letter(keys) == plain
