"""Property-based red team: random prose with a protected name written in one of the
red team's ways is published with the name replaced at the source — never merely
held — and prose without a name is published exactly as written."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from redteam import Case, Kept, Replaced, build_cases, check

WORDS = [
    "we", "met", "at", "the", "centre", "on", "a", "cold", "morning", "and", "talked",
    "about", "what", "helps", "when", "things", "feel", "heavy", "some", "brought", "soup",
    "others", "brought", "questions", "it", "was", "good", "to", "be", "heard", "our",
    "plans", "changed", "how", "the", "meetings", "work", "each", "week", "people", "listened",
]  # fmt: skip

#: Fictional protected people: a short first name and a long surname that is no word.
NAMES = [("Jane", "Quarrington"), ("Tessa", "Wrennick"), ("Aldo", "Marchetti")]

Form = Callable[[str, str], str]


def spaced(word: str) -> str:
    return " ".join(word.upper())


def swap(table: dict[str, str]) -> Callable[[str], str]:
    return lambda word: "".join(table.get(c, c) for c in word)


FULLWIDTH = swap({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})
LATIN_LOOK_ALIKES = swap({"i": "ı", "a": "ɑ", "o": "ø"})

#: The red team's ways of writing a name, each a whole phrase of the text.
FORMS: dict[str, Form] = {
    "camel": lambda f, s: f"{f}{s}",
    "camel-possessive": lambda f, s: f"{f}{s}'s",
    "lower-joined": lambda f, s: f"{f}{s}".lower(),
    "upper-joined": lambda f, s: f"{f}{s}".upper(),
    "hashtag": lambda f, s: f"#{f}{s}",
    "handle": lambda f, s: f"@{f.lower()}_{s.lower()}90",
    "web": lambda f, s: f"www.{f.lower()}{s.lower()}.co.uk",
    "url": lambda f, s: f"https://example.org/u/{f}{s}",
    "query": lambda f, s: f"[search](https://example.org/?q={f.lower()}+{s.lower()})",
    "plural": lambda f, s: f"the {s}s",
    "plural-possessive": lambda f, s: f"the {s}s'",
    "letter-spaced": lambda f, s: f"{spaced(f)}  {spaced(s)}",
    "letter-spaced-surname": lambda f, s: spaced(s),
    "hair-space": lambda f, s: f"{f}\u200a{s}",
    "ideographic-space": lambda f, s: f"{f}\u3000{s}",
    "braille-blank": lambda f, s: f"{f}\u2800{s}",
    "plus": lambda f, s: f"{f.lower()}+{s.lower()}",
    "slash": lambda f, s: f"{f.lower()}/{s.lower()}",
    "middle-dot": lambda f, s: f"{f.lower()}·{s.lower()}",
    "digits-after": lambda f, s: f"{s}2024",
    "lower-surname": lambda f, s: s.lower(),
    "lower-surname-url": lambda f, s: f"https://example.org/{s.lower()}/",
    "fullwidth": lambda f, s: f"{FULLWIDTH(f)} {FULLWIDTH(s)}",
    "latin-look-alikes": lambda f, s: f"{LATIN_LOOK_ALIKES(f)} {LATIN_LOOK_ALIKES(s)}",
    "raw-html": lambda f, s: f"\n\n<div>{f[:2]}<b></b>{f[2:]} {s[:3]}<i></i>{s[3:]}</div>\n\n",
    "emphasis-joined": lambda f, s: f"**{f}**{s}",
}  # fmt: skip

prose = st.lists(st.lists(st.sampled_from(WORDS), min_size=3, max_size=10), min_size=1, max_size=5)


def sentences(words: list[list[str]]) -> list[str]:
    """Each list of words as a sentence. Each opens with "We", so no random word has
    the capital of a sentence start (the undeclared-name detector would rightly ask
    about "Soup told us", which is not this test's business)."""
    return ["We " + " ".join(w) + "." for w in words]


def build_one(case: Case) -> None:
    with tempfile.TemporaryDirectory() as folder:
        run = build_cases(Path(folder), [case])
        check(run, case)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    words=prose,
    name=st.sampled_from(NAMES),
    form=st.sampled_from(sorted(FORMS)),
    where=st.integers(min_value=0, max_value=10),
)
def test_a_name_written_any_red_team_way_is_replaced_at_the_source(
    words: list[list[str]], name: tuple[str, str], form: str, where: int
) -> None:
    parts = sentences(words)
    phrase = FORMS[form](*name)
    at = where % (len(parts) + 1)
    body = " ".join([*parts[:at], f"Then {phrase} came.", *parts[at:]])
    case = Case(f"prop-{form}", body, expect=Replaced(), people=(" ".join(name),))
    build_one(case)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=prose, name=st.sampled_from(NAMES))
def test_prose_without_a_name_is_published_as_written(
    words: list[list[str]], name: tuple[str, str]
) -> None:
    body = " ".join(sentences(words))
    case = Case("prop-plain", body, expect=Kept(body), people=(" ".join(name),))
    with tempfile.TemporaryDirectory() as folder:
        run = build_cases(Path(folder), [case])
        check(run, case)
        assert re.search(r"\b0 replacements\b", run.output), run.output
