"""Independent checks of the receiver: only what the form itself could send is stored."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

PADDED = [{"rating": " 3"}, {"usefulness": "4 "}, {"useful": " yes"}, {"story": " padded"}]


@pytest.fixture(scope="module")
def receiver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    db = tmp_path_factory.mktemp("adv") / "answers.db"
    built = db.parent / "output"  # the built site: feedback is taken for its stories only
    built.mkdir()
    index = {"stories": [{"url": f"stories/{slug}/"} for slug in ("adv-padded", "adv-clean")]}
    (built / "search-index.json").write_text(json.dumps(index), encoding="utf-8")
    command = [sys.executable, "-m", "storysite", "receive", "--db", str(db), "--port", "0"]
    command += ["--output", str(built)]
    proc = subprocess.Popen([*command, "--rate-limit", "0"], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    found = re.search(r"127\.0\.0\.1:(\d+)", proc.stdout.readline())
    assert found, "the receiver did not print its port"
    yield f"http://127.0.0.1:{found.group(1)}", db
    proc.terminate()
    proc.wait(timeout=10)


def post(base: str, fields: dict[str, str]) -> int:
    request = urllib.request.Request(
        f"{base}/feedback", urlencode(fields).encode(), {"Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return int(reply.status)
    except urllib.error.HTTPError as error:
        return error.code


def exported(db: Path) -> list[dict[str, object]]:
    command = [sys.executable, "-m", "storysite", "feedback", "export", "--db", str(db)]
    done = subprocess.run([*command, "--format", "json"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    answers: list[dict[str, object]] = json.loads(done.stdout)
    return answers


@pytest.mark.parametrize("fields", PADDED)
def test_a_padded_choice_is_refused(receiver: tuple[str, Path], fields: dict[str, str]) -> None:
    base, db = receiver
    assert post(base, {"story": "adv-padded", **fields}) == 400
    assert not [a for a in exported(db) if "padded" in str(a["story"])]


def test_the_same_answers_unpadded_are_stored(receiver: tuple[str, Path]) -> None:
    base, db = receiver
    form = {"story": "adv-clean", "rating": "3", "usefulness": "4", "useful": "yes"}
    assert post(base, form) == 200
    assert [a for a in exported(db) if a["story"] == "adv-clean"] == [
        {**a, "rating": 3, "usefulness": 4, "useful": "yes"}
        for a in exported(db)
        if a["story"] == "adv-clean"
    ]
    assert len([a for a in exported(db) if a["story"] == "adv-clean"]) == 1
