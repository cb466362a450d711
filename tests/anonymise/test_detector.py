"""The undeclared-name detector: each signal on the case that would break a naive one,
the evaluation's floors, and properties (see detector_eval.py for the numbers)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

import detector_eval
from click.testing import CliRunner
from sitekit import TODAY, MakeSite, story

from storysite.anonymise.findings import Known, suspects
from storysite.anonymise.folding import fold
from storysite.cli import main


def check(site: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", "--site", str(site), "--today", TODAY])
    return result.exit_code, result.output


NOBODY = Known(frozenset())


def found(text: str, known: Known = NOBODY) -> list[tuple[str, str]]:
    return [(s.word, s.signal) for s in suspects(text, known)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # safe-list: not English vocabulary, whatever the culture, sentence start too
        ("Frasquilho ran the session.", [("Frasquilho", "safe-list")]),
        ("It was Ngozi's idea.", [("Ngozi", "known name")]),
        ("Then ŁUKASZ WIŚNIEWSKI came.", [("ŁUKASZ WIŚNIEWSKI", "known name")]),
        ("Şükrü Öztürk said yes.", [("Şükrü Öztürk", "known name")]),
        ("I sat with Abhiram Varadarajan.", [("Abhiram Varadarajan", "known name")]),
        # words English knows mainly as names are not vocabulary
        ("Afterwards Emma and Steven stayed.", [("Emma", "known name"), ("Steven", "known name")]),
        # a title or role makes any word a name, even a place or a lower-case one
        ("Dr Leeds listened.", [("Leeds", "title or role")]),
        ("my support worker ngozi was kind", [("ngozi", "title or role")]),
        ("My care coordinator, Hope, rang.", [("Hope", "title or role")]),
        # everyday words that are names: mid-sentence or in a person context
        ("I sat next to Grace all day.", [("Grace", "known name")]),
        ("Precious told me to keep going.", [("Precious", "person context")]),
        ("Will and I wrote it.", [("Will", "person context")]),
        # a surname beside a name, particles and hyphens inside a name
        ("We met Long Nguyen there.", [("Long Nguyen", "known name")]),
        ("Thanks to Niall Ó Dónaill, I went.", [("Niall Ó Dónaill", "title or role")]),
        ("Then Long Nguyen left.", [("Long Nguyen", "known name")]),
        ("I sat with Seo-yeon.", [("Seo-yeon", "safe-list")]),
    ],
)
def test_each_signal_reports_the_name(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Hope is what kept me going through the winter.",
        "Will you come to the group on Monday?",
        "I moved to Leeds in May and joined the Recovery College.",
        "We talk in Bengali, Sylheti and Somali at Eid and at Diwali.",
        "The NHS Long Term Plan changed Kestrel Ward.",
        "I'm grateful to Tower Hamlets Council and to the CMHTs.",
        "The café in Bethnal Green is on Columbia Road.",
        "It was in Room 14, next to the GCSEs office.",
        "- **Room accessibility:** the lift was broken.",
        "We watched Christmas Eve films on Tuesdays in London Fields.",
        "Summer came, and with it the longest days.",
    ],
)
def test_name_free_prose_has_no_findings(text: str) -> None:
    assert found(text) == []


def test_declared_and_allowed_words_are_never_findings() -> None:
    known = Known(frozenset({"frasquilho", "kestrel"}))
    assert found("Frasquilho met me at Kestrel.", known) == []


def test_all_of_a_storys_findings_come_at_once_with_line_and_signal(make_site: MakeSite) -> None:
    body = "Frasquilho came first.\n\nThen Dr Okafor.\n\nI went with Abhiram.\n"
    site = make_site({"a.md": story(body=body)})
    code, output = check(site)
    assert code == 1
    for line, word in ((8, "Frasquilho"), (10, "Okafor"), (12, "Abhiram")):
        assert f"stories/a.md:{line}: '{word}'" in output


def test_a_storys_own_allow_list_resolves_a_place(make_site: MakeSite) -> None:
    body = "We walked round Frasquilho Marsh every week.\n"
    held = make_site({"a.md": story(body=body)})
    assert check(held)[0] == 1
    allowed = make_site({"a.md": story(body=body, extra="allow: [Frasquilho Marsh]\n")})
    code, output = check(allowed)
    assert code == 0, output


_NAME = st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüłńśćżóéíáã", min_size=3, max_size=9)


@settings(max_examples=150, deadline=None)
@given(first=_NAME, last=_NAME, shape=st.sampled_from([s for _, s in detector_eval.SHAPES]))
def test_a_named_person_never_raises_a_finding(first: str, last: str, shape: str) -> None:
    given_name, family = first.capitalize(), last.capitalize()
    text = shape.format(full=f"{given_name} {family}", given=given_name, family=family)
    known = Known(frozenset({fold(first), fold(last)}))
    assert found(text, known) == []


def test_the_evaluation_holds_its_floors() -> None:
    """Recall on 3,000 names of 60 cultures in 16 sentence shapes, and false findings on
    23,500 words of name-free prose: the issue's targets, 99.5 % and under 3 per
    10,000 words (the tables print with ``-s``)."""
    results = detector_eval.recall()
    words, false = detector_eval.prose_findings()
    print(detector_eval.report(results, words, false))
    assert len(results) >= 2000
    assert len({r.case.person.culture for r in results}) >= 40
    assert sum(r.caught for r in results) / len(results) >= 0.995
    assert len(false) / words * 10_000 < 3.0


def test_check_groups_findings_by_word_and_json_carries_the_signal(make_site: MakeSite) -> None:
    site = make_site(
        {
            "a.md": story(title="A", body="I went with Frasquilho.\n"),
            "b.md": story(title="B", body="Frasquilho and I wrote it.\n"),
            "c.md": story(title="C", body="Dr Okafor came.\n"),
        }
    )
    code, output = check(site)
    assert code == 1
    assert "  Frasquilho: 2 stories (stories/a.md, stories/b.md)" in output
    assert "  Okafor: 1 story (stories/c.md)" in output
    result = CliRunner().invoke(
        main, ["check", "--site", str(site), "--today", TODAY, "--format", "json"]
    )
    data = json.loads(result.output)
    assert {(f["word"], f["signal"]) for f in data["findings"]} == {
        ("Frasquilho", "safe-list"),
        ("Okafor", "title or role"),
    }
    assert data["findings_by_word"][0] == {
        "word": "Frasquilho",
        "stories": ["stories/a.md", "stories/b.md"],
    }


def test_the_held_out_evaluation_meets_the_targets_too() -> None:
    """1,200 names of 40 cultures in 20 other sentence shapes, and 5,300 words of
    prose, written after the detector was tuned by someone who had seen neither it nor
    the first set (corpus/heldout/)."""
    results = detector_eval.recall(heldout=True)
    words, false = detector_eval.prose_findings(heldout=True)
    print(detector_eval.report(results, words, false))
    assert len(results) >= 1200
    assert sum(r.caught for r in results) / len(results) >= 0.995
    assert len(false) / words * 10_000 < 3.0


@pytest.mark.parametrize(
    ("text", "word"),
    [
        # found by a red team that had only the docs and the built tool
        ("me and ngozi ran the stall.", "ngozi"),
        ("ngozi said it would be fine.", "ngozi"),
        ("My friend 王伟 came with me every week.", "王伟"),
        ("I still remember Ольга.", "Ольга"),
        ("I sat with Ben Ward all afternoon.", "Ben Ward"),
        ("Tunde Hall chaired the meeting.", "Tunde Hall"),
        ("It was Jordan who stayed behind to help.", "Jordan"),
        ("Her username was Ngozi77 on the forum.", "Ngozi"),
        ("THANK YOU ZOSIA FOR EVERYTHING.", "ZOSIA"),
        ("Follow @ngozi_okafor on Instagram.", "ngozi"),
        ("Read [her blog](https://example.org/ngozi-okafor) about it.", "ngozi-okafor"),
        ("Without Aydın's persistence, nothing would have changed.", "Aydın"),
        ("According to Sultana, the list has halved.", "Sultana"),
        ("Written by Dongmei Zhou with the team.", "Dongmei Zhou"),
    ],
)
def test_red_team_leaks_are_caught(text: str, word: str) -> None:
    assert word in [w for w, _ in found(text)]


def test_an_explicit_slug_is_read_for_names(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(extra="slug: thank-you-ngozi-okafor\n")})
    code, output = check(site)
    assert code == 1
    assert "stories/a.md:7: 'ngozi'" in output and "stories/a.md:7: 'okafor'" in output
