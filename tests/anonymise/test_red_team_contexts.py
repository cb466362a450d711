"""Undeclared names an outside red team (docs and built tool only) saw published, in
contexts docs/anonymising.md says the detector reads, and name-free sentences of the
same shapes that must stay free of findings. Each sentence is the body of one story of
one real site, nobody declared: the site is checked and built once for them all."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sitekit import BASIC_CONFIG, story, write_files

from storysite.cli import main

TODAY = "2026-12-03"

#: (sentence, the word the finding must name). Lower case, punctuation between a cue
#: and the name, a role after the name, everyday-word names, names of several cultures.
LEAKS: list[tuple[str, str]] = [
    # lower-case names after "with"
    ("I went with rahima to the group.", "rahima"),
    ("I went with ngozi to the group.", "ngozi"),
    ("I went with joão to the group.", "joão"),
    ("I sat with fadumo.", "fadumo"),
    ("We walked with małgorzata by the canal.", "małgorzata"),
    ("I cooked with chiamaka on fridays.", "chiamaka"),
    ("I spent the afternoon with nasrin.", "nasrin"),
    ("I went out with bogumiła and her son.", "bogumiła"),
    ("I had lunch with hodan on monday.", "hodan"),
    ("We had a chat with sumaiya after.", "sumaiya"),
    ("I sat next to mehnaz all day.", "mehnaz"),
    # "thanks to X", in lower case
    ("Thanks to fadumo we went.", "fadumo"),
    ("thanks to shirin I kept going.", "shirin"),
    ("Thank you, wojciech, for listening.", "wojciech"),
    ("Thanks, fadumo.", "fadumo"),
    # "X and I" after another "and"
    ("It was great and fadumo and I went.", "fadumo"),
    ("The room was cold and tomasz and I left early.", "tomasz"),
    # a role just after the word, in lower case
    ("We went with fadumo, my sister.", "fadumo"),
    ("We went with fadumo, a peer worker.", "fadumo"),
    ("fadumo, my support worker, came.", "fadumo"),
    ("ngozi, my friend, came.", "ngozi"),
    ("I phoned gonçalo, my key worker, on monday.", "gonçalo"),
    ("warsame is my best friend.", "warsame"),
    ("Then agnieszka came.", "agnieszka"),
    # punctuation between the cue and the name
    ("my friend (ngozi) came.", "ngozi"),
    ("my friend—ngozi came.", "ngozi"),
    ("my friend 'ngozi' came.", "ngozi"),
    ("My support worker (Abdirahman) rang.", "Abdirahman"),
    ("my sister – nasrin – came too.", "nasrin"),
    ("my neighbour “bogumiła” helped.", "bogumiła"),
    ("my friend, 'ngozi', came.", "ngozi"),
    ("my friend «fadumo» came.", "fadumo"),
    ("My friend (Grace) came.", "Grace"),
    # a thing given by a person
    ("it was a gift from ngozi.", "ngozi"),
    ("I still have the card from oluwaseun.", "oluwaseun"),
    # everyday-word names, alone before "came" or "was", or after an opening word
    ("Later Grace came.", "Grace"),
    ("Then Grace came.", "Grace"),
    ("Then Grace was there.", "Grace"),
    ("Grace came.", "Grace"),
    ("Grace was there.", "Grace"),
    ("Later Amber came.", "Amber"),
    ("Yesterday Joy came to the group.", "Joy"),
    ("Afterwards Hope was there for me.", "Hope"),
    ("Blessing arrived.", "Blessing"),
    ("Patience stayed with me.", "Patience"),
    # held before the red team: must stay held
    ("I went with Rahima to the group.", "Rahima"),
    ("fadumo and I went.", "fadumo"),
    ("Then fadumo and I went.", "fadumo"),
    ("my friend ngozi came.", "ngozi"),
    ("Later Grace helped me.", "Grace"),
    ("We waited and Grace came.", "Grace"),
    ("At last Precious came.", "Precious"),
]

#: Name-free sentences of the same shapes: no finding.
CONTROLS: list[str] = [
    "I went with care to the group.",
    "Thanks to funding we went.",
    "We went with friends, my sister and I.",
    "my friend (who is kind) came.",
    "Then grace came over the room.",
    "I went with everyone to the group.",
    "I sat with nobody.",
    "Thanks to everyone we went.",
    "Thanks, everyone.",
    "my friend, who is kind, came.",
    "thanks to them I kept going.",
    "It was great and everyone and I went.",
    "It was cold and we and I went home.",
    "We went with mum, my sister and me.",
    "It came with instructions, a leaflet and a form.",
    "my friend (the one from the group) came.",
    "my friend—the quiet one—came.",
    "my friend 'always' came.",
    "it was a gift from the team.",
    "I still have the card from the ward.",
    "Hope is what kept me going through the winter.",
    "Hope was what I needed.",
    "Summer came, and with it the longest days.",
    "Then summer came.",
    "Later the doctor came.",
    "Then Monday came.",
    "Then Christmas came.",
    "Help arrived.",
    "Patience was what I needed.",
    "We had a proper lunch with biryani and sweet vermicelli.",
    "I was treated with clozapine for a year.",
    "I was diagnosed with adhd last spring.",
    "It was a letter from Kestrel Ward about my discharge.",
    "Autumn came, and the evenings drew in.",
    "my doctor (GP) said to rest.",
    "I had it on the nhs, my GP said.",
    "I heard via whatsapp, my therapist said.",
    "Music is my therapist now.",
    "I went with whatsapp open all day.",
    "We sat next to the window.",
    "I sat next to Tower Bridge.",
]


def _stories() -> dict[str, str]:
    bodies = [s for s, _ in LEAKS] + CONTROLS
    return {
        f"s{n:03}.md": story(
            title="A day out",
            date="2026-01-15",
            consent="consent:\n  publish: true\n  date: 2026-01-10\n",
            body=f"{body}\n",
            extra=f"slug: a-day-out-{n}\n",
        )
        for n, body in enumerate(bodies)
    }


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    """The site's check report as JSON, and the folder its build wrote."""
    root = write_files(tmp_path_factory.mktemp("red-team"), {"storysite.toml": BASIC_CONFIG})
    write_files(root / "stories", _stories())
    runner = CliRunner()
    report = runner.invoke(
        main, ["check", "--site", str(root), "--today", TODAY, "--format", "json"]
    )
    output = root / "_site"
    built = runner.invoke(
        main,
        ["build", "--site", str(root), "--output", str(output), "--no-cache", "--today", TODAY],
    )
    assert built.exception is None or isinstance(built.exception, SystemExit), built.output
    return json.loads(report.output), output


def _path(index: int) -> str:
    return f"stories/s{index:03}.md"


def _findings(report: dict[str, Any], index: int) -> list[str]:
    return [f["word"] for f in report["findings"] if f["path"] == _path(index)]


def _published(report: dict[str, Any]) -> set[str]:
    return {s["path"] for s in report["published"]}


@pytest.mark.parametrize(("index", "word"), [(n, w) for n, (_, w) in enumerate(LEAKS)])
def test_each_leak_is_held_with_a_finding_naming_the_word(
    checked: tuple[dict[str, Any], Path], index: int, word: str
) -> None:
    report, output = checked
    assert word in _findings(report, index), LEAKS[index][0]
    assert _path(index) not in _published(report)
    assert (output / "index.html").is_file()
    assert not (output / "stories" / f"a-day-out-{index}").exists()


@pytest.mark.parametrize("index", range(len(CONTROLS)))
def test_each_name_free_sentence_of_the_same_shape_is_published(
    checked: tuple[dict[str, Any], Path], index: int
) -> None:
    report, output = checked
    number = len(LEAKS) + index
    assert _findings(report, number) == [], CONTROLS[index]
    assert _path(number) in _published(report)
    assert (output / "stories" / f"a-day-out-{number}" / "index.html").is_file()
