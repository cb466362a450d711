"""The anonymiser's fast paths give what the plain code they replace gave.

Each test keeps the plain version (as it was before the fast path) under a clear
name and compares the two on generated text built from the pieces that matter to
it: digits of other scripts, the letter O beside digits, "@" disguised, postcodes,
dates and their cues, possessives, capitals, accents, entities, %-encoding, hidden
characters, confusable letters, and the letters Python's case-blind matching reads
as ASCII (Kelvin sign, dotless i, long s).
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from storysite import anonymise, awkward
from storysite.anonymise import findings, replace, tree
from storysite.anonymise import identifiers as ids
from storysite.anonymise import text as text_module
from storysite.anonymise.folding import JOINER
from storysite.anonymise.identifiers import Identifier
from storysite.anonymise.index import Known
from storysite.anonymise.names import NameForm, NameIndex, NameMatch, NameMatcher
from storysite.anonymise.signals import Suspect, Words
from storysite.anonymise.text import TextView
from storysite.anonymise.vocabulary import ordinary_words
from storysite.markup import MarkdownRenderer
from storysite.models import Person

#: Characters that are case-blind twins of ASCII letters, look-alikes, digits of
#: other scripts, full-width forms, hidden characters.
ODD = "\u212aıİſ\u0430\u043e\u0391１٣²⁵０＠﹫ⓐⒶ。．｡\u200b\u00ad\x01\u2019é"
PIECES = [
    " ", "  ", "\n", ".", ",", "-", "/", "(", ")", "[", "]", "*", "_", "~", "'s", "’s",
    "0", "1", "2", "7", "9", "00", "44", "O", "o", "OO", "07700 900123", "O77OO 9OO123",
    "943 476 5919", "+44 (0)20 7946 0958", "SW1A 1AA", "sw1a1aa", "GIR 0AA", "PO1 3AX",
    "2nd", "1st", "born", "Born", "birthday", "b-day", "d.o.b", "DOB", "b.", "date of birth",
    "came into the world", "03/03/1987", "3rd of March 1987", "March 3rd, 1987",
    "1987-03-03", "the twenty-first of may 1990", "jane", "Jane", "doe", "at", " at ",
    "dot", " dot ", "(at)", "[at]", "{at}", "@", "example", "com", "co.uk", "nhs",
    "jane.doe@example.com", "janeq at example dot net", "&#64;", "%40", "Zoë",
    *ODD,
]  # fmt: skip

texts = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=30).map("".join),
    st.text(alphabet=st.sampled_from("".join(PIECES)), max_size=60),
)


def _plain_ascii_digits(text: str) -> str:
    if text.isascii():
        return text
    return ids._NON_ASCII_DIGIT_RE.sub(ids._ascii_digit, text)


def _plain_zeros(text: str) -> str:
    if "o" not in text and "O" not in text:
        return text
    return ids._O_NUMBER_RE.sub(lambda m: m.group().replace("O", "0").replace("o", "0"), text)


def _plain_dates_of_birth(text: str) -> Iterator[Identifier]:
    if not ids.BIRTH_CUE_RE.search(text):
        return
    for match in ids.DATE_RE.finditer(text):
        if ids._near_cue(text, match.start(), match.end()):
            yield Identifier(match.start(), match.end(), "date_of_birth")


def _plain_emails(text: str) -> list[re.Match[str]]:
    found = list(ids._PLAIN_EMAIL_RE.finditer(text)) if ids._AT_SIGN_RE.search(text) else []
    if any(t.search(text) for t in ids._SPELT_TAIL_RES) and ids._DISGUISED_RE.search(text):
        found.extend(m for m in ids._SPELT_EMAIL_RE.finditer(text) if ids._spelt_whole(m.group()))
    return found


def _all(pattern: re.Pattern[str], text: str, kind: str) -> list[Identifier]:
    return [Identifier(m.start(), m.end(), kind) for m in pattern.finditer(text)]


def plain_find_identifiers(text: str) -> list[Identifier]:
    """find_identifiers as it was before its fast paths."""
    if not text:
        return []
    found: list[Identifier] = []
    plain = _plain_ascii_digits(text)
    lowered = plain.lower()
    ats = ("@", " at ", "at)", "at]", "at}")
    if any(at in lowered for at in ats) or ids._OTHER_ATS & set(plain):
        found.extend(Identifier(m.start(), m.end(), "email") for m in _plain_emails(plain))
    if ids._DIGIT_RE.search(text):
        numbers = _plain_zeros(plain)
        if ids._LONG_NUMBER_RE.search(numbers):
            found.extend(_all(ids.PHONE_RE, numbers, "phone"))
            found.extend(_all(ids.NHS_RE, numbers, "nhs_number"))
        found.extend(_all(ids.POSTCODE_RE, plain, "postcode"))
        found.extend(_plain_dates_of_birth(plain))
    return found


@settings(max_examples=600, deadline=None)
@given(texts)
def test_identifiers_are_those_the_plain_code_finds(text: str) -> None:
    assert ids.find_identifiers(text) == plain_find_identifiers(text)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_ascii_digits_and_zeros_are_the_plain_substitutions(text: str) -> None:
    assert ids.ascii_digits(text) == _plain_ascii_digits(text)
    assert ids.zeros_beside_digits(text) == _plain_zeros(text)


def test_every_character_ascii_digits_rewrites_is_judged_so() -> None:
    """The cached judgement per character agrees with the substitution for every
    character outside ASCII (all of Unicode, one at a time)."""
    for code in range(0x80, 0x110000):
        char = chr(code)
        if unicodedata.category(char) == "Cs":
            continue
        assert ids._changes(char) == (_plain_ascii_digits(char) != char), hex(code)


# awkward.py: a match of the phrase pattern is tried only where a possessive starts.

PROSE = [
    " ", "  ", "\n", ",", ", ", "(", "'", "’", "-", ".", "My", "my", "MY", "our", "Our",
    "his", "her", "their", "Their", "your", "yours", "hers", "myself", "hour", "ourselves",
    "friend", "care coordinator", "old", "best", "a", "A", "another", "the", "carer",
    "a carer", "A Carer", "another service user", "the team", "a member of the group",
    "said", "came", "x", "hıs", "hİs", "hiſ", "\u212a", "my\u200bfriend", "Zoë", "é",
]  # fmt: skip
PHRASES = ["a carer", "another service user", "the team", "a member of the group", "a"]


POSSESSIVE = ["my", "My", "MY", "our", "his", "her", "their", "THEIR", "your", "hıs", "hİs", "ſ"]
#: "their friend, a carer": a possessive, a few words, maybe a comma, a phrase.
CUES = st.tuples(
    st.sampled_from(POSSESSIVE),
    st.lists(st.sampled_from(["friend", "old", "care coordinator", "x", "’s"]), max_size=5),
    st.sampled_from([" ", ", ", " (", "  ", "\n", ""]),
    st.sampled_from(PHRASES),
).map(lambda c: " ".join([c[0], *c[1]]) + c[2] + c[3])
AWKWARD_TEXTS = st.lists(st.one_of(st.sampled_from(PROSE), CUES), max_size=30).map("".join)


@settings(max_examples=500, deadline=None)
@given(AWKWARD_TEXTS, st.sampled_from(PHRASES))
def test_awkward_matches_are_those_a_full_search_finds(text: str, words: str) -> None:
    pattern = re.compile(awkward._BEFORE + re.escape(words) + r"\b", re.IGNORECASE)
    starts = awkward._possessive_starts(text)
    fast = [m.span() for m in awkward._matches(pattern, text, starts)]
    assert fast == [m.span() for m in pattern.finditer(text)]


def test_the_case_blind_twins_of_ascii_letters_are_all_listed() -> None:
    """Every character outside ASCII that a case-blind pattern reads as an ASCII letter
    is one awkward.py searches the plain way."""
    twins = {
        chr(code)
        for code in range(0x80, 0x110000)
        if not 0xD800 <= code <= 0xDFFF and re.fullmatch("[a-z]", chr(code), re.IGNORECASE)
    }
    assert twins == set(awkward._CASE_BLIND_TWINS_RE.pattern.strip("[]"))


@settings(max_examples=300, deadline=None)
@given(st.one_of(texts, st.text(max_size=80)))
def test_translating_runs_of_ascii_alone_is_translating_the_whole(text: str) -> None:
    for table in (text_module._WORD_TABLE, text_module._LETTER_TABLE):
        assert text_module._translate(text, table) == text.translate(table)


# tree.py: the document's text is read first without the view's pieces.

MARKDOWN = [
    "Jane", "Ja", "ne", " ", "\n", "\n\n", "**", "*", "_", "`", "~~", "# ", "> ", "- ",
    "1. ", "[link](http://x/Jane)", "![Jane Doe](a.png)", "<b>", "</b>", "<div>", "</div>",
    "<span title=\"Jane\">", "</span>", "<!-- Jane -->", "&#74;", "&amp;", "%4A", "Zoë",
    "\u200b", "’s", "'s", "| a | b |\n|---|---|\n| Jane | x |\n", "    code Jane\n",
    "Doe[^1]\n\n[^1]: Jane\n", "<br>", "JANE", "O'Neill", "\\*",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(MARKDOWN), max_size=30).map("".join))
def test_the_document_text_is_the_views(source: str) -> None:
    texts: list[tuple[str, str]] = []

    def read(root: ET.Element, stash: list[Any]) -> None:
        view = tree._View(stash)
        tree._walk(root, view)
        texts.append((tree.document_text(root, stash), view.text()))

    MarkdownRenderer().render("Jane " + source, [read])
    assert len(texts) == 1
    assert texts[0][0] == texts[0][1]


WELL_KNOWN = [
    " ", "\n", "\u00a0", "\u2003", ".", "'", "&", "&amp;", "and", "Marks", "Spencer", "John",
    "Lewis", "St", "St.", "Ambulance", "Mary", "Mary's", "Hospital", "Church", "Road",
    "Victoria", "Station", "Park", "Line", "King", "Kings", "King's", "College", "Prince",
    "Charles", "Stay", "x", "ST", "john", "St Mary's Hospital", "St\u00a0John Ambulance",
    "St.\tPeter Church", "Kings College", "Marks & Spencer", "Victoria Line", "John Lewis",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(WELL_KNOWN), max_size=12).map("".join))
def test_well_known_names_are_those_the_full_search_finds(text: str) -> None:
    plain = [(m.start(), m.end()) for m in findings._WELL_KNOWN_RE.finditer(text)]
    assert findings.not_names(text) == plain


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["[name removed]", "a *carer*", "[x](y)", "<b>", "a_b", "]["]), texts)
def test_markdown_text_is_the_same_for_the_same_first_character_after(
    shown: str, after: str
) -> None:
    assert replace.markdown_text(shown, after) == replace.markdown_text(shown, after[:1])
    assert replace.markdown_text(shown, after) == replace._markdown_text.__wrapped__(
        shown, after[:1]
    )


# names.py: words of a name in text with hidden characters, without tokenising it.

JOINED = [
    " ", "  ", "\x01", "\x01\x01", "_", "-", ".", "'", "’", "jane", "Jane", "doe", "Doe",
    "JANE", "ja", "ne", "quarrington", "xjane", "jane2", "2", "Zoë", "zoe", "\u200b", "é",
    "sam", "rivera", "\u0430",
]  # fmt: skip


def _tokenised_hits(matcher: NameMatcher, view: TextView) -> list[tuple[int, int, str]]:
    """NameMatcher._hits as it was: every word of the text looked at."""
    found = sorted({hit for index in matcher.indexes for hit in index.hits(view.spaced)})
    if not found or JOINER not in view.folded:
        return found
    words = view.words
    keys = set(words.keys)
    wanted = {""}.union(*(index.words & keys for index in matcher.indexes))
    return [
        (words.start(n), words.end(n), key) for n, key in enumerate(words.keys) if key in wanted
    ]


MATCHER = NameMatcher(
    [
        NameIndex.of_people([Person("Jane Doe"), Person("Zoë Quarrington")], ["Sam"]),
        NameIndex.of_people([Person("Sam Rivera", named=True)]),
    ]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(JOINED), max_size=30).map("".join))
def test_hits_in_text_with_hidden_characters_are_the_tokenised_ones(text: str) -> None:
    assert MATCHER._hits(TextView(text)) == _tokenised_hits(MATCHER, TextView(text))


def test_the_at_signs_are_every_character_the_pattern_matches() -> None:
    signs = {
        chr(code)
        for code in range(0x110000)
        if not 0xD800 <= code <= 0xDFFF and ids._AT_SIGN_RE.fullmatch(chr(code))
    }
    assert signs == set(ids._AT_SIGNS)
    for text in ["", "a", "@", "x＠y", "Ⓐ", "ⓐ", "é@", "é", "jane at example"]:
        assert ids._has_at_sign(text) == (ids._AT_SIGN_RE.search(text) is not None)


# findings.py: declared words are left out before the judges, not judged.


def _plain_suspects(text: str, known: Known, prose: bool) -> list[Suspect]:
    """findings.suspects as it was: every word worth a look judged, declared or not."""
    words = Words(text)
    distinct = set(words.words)
    unusual = distinct - ordinary_words()
    look = {w for w in distinct if w in unusual or not w.islower()}
    look.difference_update([w for w in look if findings._never_a_name(w)])
    flags = {}
    for index in [i for i, w in enumerate(words.words) if w in look]:
        first = words.words[index][0]
        if first.isupper():
            flag = findings._judge(words, index, known, prose, findings._mostly_latin(words))
        elif first.islower():
            flag = findings._judge_lower(words, index, known, prose)
        else:
            flag = findings._judge_caseless(words, index, known, prose)
        if flag is not None:
            flags[index] = flag
    flags.update(findings._lower_case_after_cue(words, known))
    return list(findings._runs(words, flags, known))


SENTENCES = [
    " ", ". ", ", ", "\n", "\n\n# ", "- ", "'s", "’s", "-", "Jane", "jane", "JANE", "Doe",
    "Jane-Doe", "Ngozi", "ngozi", "Okafor", "Ça", "Zoë", "Ólafur", "Ольга", "王伟", "Grace",
    "Hope", "Mum", "Dr", "Mr.", "my support worker", "with", "told", "said", "and I", "me and",
    "The", "I", "Looking", "There", "Riverside", "Ward", "Kestrel", "St", "Mary", "Hospital",
    "called", "met", "da", "Silva", "O'Neill", "McDonald", "Sam", "Sam's", "\u200b", "x",
]  # fmt: skip
DECLARED = Known(frozenset({"jane", "doe", "ngozi", "sam", "riverside", "o'neill"}))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(SENTENCES), max_size=25).map("".join), st.booleans())
def test_suspects_are_those_of_judging_every_word(text: str, prose: bool) -> None:
    assert _outcome(lambda: list(findings.suspects(text, DECLARED, prose))) == _outcome(
        lambda: _plain_suspects(text, DECLARED, prose)
    )


def _outcome(run: Callable[[], list[Suspect]]) -> list[Suspect] | str:
    """What ``run`` returns, or the error it raises: a lower-case word at the very end
    of a text after a hyphen ("my friend ngozi-") raises IndexError in
    signals.person_context, before and after the fast path alike."""
    try:
        return run()
    except IndexError:
        return "IndexError"


# __init__.py: "inside another match" and a place's line, by bisection.


spans = st.lists(
    st.tuples(st.integers(0, 40), st.integers(1, 8)).map(lambda s: (s[0], s[0] + s[1])),
    max_size=12,
)


def _match(start: int, end: int) -> NameMatch:
    form = NameForm(("x",), Person("X Y"), "full")
    return NameMatch(start, end, form, start, "")


@settings(max_examples=400, deadline=None)
@given(spans, spans)
def test_cover_is_a_look_at_every_other_match(
    others: list[tuple[int, int]], tried: list[tuple[int, int]]
) -> None:
    matches = [_match(a, b) for a, b in others]
    inside = anonymise._Cover(matches)
    for a, b in tried:
        match = _match(a, b)
        assert inside(match) == any(o.start <= a and b <= o.end for o in matches)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab\n\r", max_size=40), st.sampled_from([None, 0, 1, 7]), st.data())
def test_lines_are_counted_line_breaks(text: str, first: int | None, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(text)))
    assert anonymise._Lines(text, first).line(index) == anonymise._line(text, first, index)
