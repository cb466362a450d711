"""Property-based: whatever the prose and however the name is written, it never shows."""

from __future__ import annotations

import html
import re
import tempfile
import unicodedata
from pathlib import Path
from urllib.parse import unquote

from cases import Case
from evaluate import run_case
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sitekit import BASIC_CONFIG, read_tree, run_build, story, write_files

WORDS = [
    "the", "group", "met", "on", "a", "wet", "morning", "and", "we", "talked", "about",
    "what", "helps", "us", "most", "when", "things", "get", "hard", "some", "of", "us",
    "brought", "tea", "others", "brought", "questions", "it", "was", "good", "to", "be",
    "heard", "our", "ideas", "changed", "how", "the", "ward", "plans", "its", "week", "and",
    "the", "staff", "listened", "carefully",
]  # fmt: skip

PEOPLE = "people:\n  - name: Jane Doe\n    named: false\n"

FORMS = [
    "Jane Doe", "JANE DOE", "jane doe", "Jane", "JANE", "Doe", "DOE", "Jane  Doe",
    "Jane-Doe", "Jane_Doe", "Jane.Doe", "Jane\nDoe", "**Jane** Doe", "*Jane* *Doe*",
    "_Jane_ Doe", "**Ja**ne", "&#74;ane Doe", "J&#x61;ne", "&#x4A;&#x41;NE", "Jäne Döe",
    "Jané", "JÄNE", "Jane%20Doe", "[Jane Doe](https://example.org/jane-doe)",
    "[her](https://example.org/Jane%20Doe)", "Jane&nbsp;Doe",
]  # fmt: skip
POSSESSIVES = ["", "'s", "’s"]


def sentence(words: list[str]) -> str:
    # "Then" opens each sentence: a word salad that starts "Ward listened" would name
    # a person (Ward) nobody declared, and rightly hold the story.
    return "Then " + " ".join(words) + "."


prose = st.lists(st.lists(st.sampled_from(WORDS), min_size=3, max_size=12), min_size=1, max_size=6)


def readable(data: bytes) -> str:
    text = data.decode("utf-8", "replace")
    for _ in range(3):
        text = unquote(html.unescape(text))
    text = re.sub(r"<[^>]*>", "", text)
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sentences=prose,
    form=st.sampled_from(FORMS),
    possessive=st.sampled_from(POSSESSIVES),
    where=st.integers(min_value=0, max_value=20),
    in_title=st.booleans(),
)
def test_a_protected_name_never_reaches_any_output_file(
    sentences: list[list[str]], form: str, possessive: str, where: int, in_title: bool
) -> None:
    parts = [sentence(s) for s in sentences]
    index = where % (len(parts) + 1)
    parts.insert(index, f"We met {form}{possessive} there.")
    body = " ".join(parts)
    title = f"A day with {form.splitlines()[0]}" if in_title and "[" not in form else "A day"
    with tempfile.TemporaryDirectory() as folder:
        root = write_files(
            Path(folder),
            {
                "storysite.toml": BASIC_CONFIG,
                "stories/a.md": story(title=f'"{title}"', body=body, extra=PEOPLE),
            },
        )
        result = run_build(root)
        assert result.exit_code == 0, result.output
        assert "Published 1 stories" in result.output, result.output
        for path, data in read_tree(root / "output").items():
            assert not re.search(r"\bjane\b|\bdoe\b", path.lower()), path
            assert not re.search(r"\bjane\b|\bdoe\b", readable(data)), (path, body)


@settings(max_examples=60, deadline=None)
@given(sentences=prose)
def test_prose_without_names_or_identifiers_comes_out_unchanged(
    sentences: list[list[str]],
) -> None:
    body = "\n\n".join(sentence(s) for s in sentences)
    outcome = run_case(Case(body, kept=tuple(sentence(s) for s in sentences)))
    assert outcome.lost() == []
    assert outcome.findings == ()
    assert "removed" not in outcome.published
