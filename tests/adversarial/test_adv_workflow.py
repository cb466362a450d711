"""Independent checks of the workflow commands, as a member of staff would run them."""

from __future__ import annotations

import re

from sitekit import MakeSite, run_build, run_subprocess, story

from storysite.plaintext import plain_story
from storysite.review import STORY_END, STORY_START

PEOPLE = """\
people:
  - name: Priya Okafor
    named: false
    shown_as: a peer worker
"""
BODY = """\
It's a "good" day -- we met Priya *Okafor* at the café.

She said [hello](https://example.org/priya-okafor) and **left**.
"""


def test_the_pack_shows_the_page_text_exactly_in_plain_words(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(title="A day out", body=BODY, extra=PEOPLE)})
    made = run_subprocess("review", "a", "--site", str(site), "--today", "2026-11-27")
    assert made.returncode == 0, made.stderr
    pack = made.stdout
    shown = pack[pack.index(STORY_START) + len(STORY_START) : pack.index(STORY_END)].strip()
    assert run_build(site).exit_code == 0
    page = (site / "output/stories/a-day-out/index.html").read_text(encoding="utf-8")
    body = re.search(r'<div class="story-body">(.*?)</div>', page, re.S)
    assert body
    assert shown == plain_story(body.group(1)).text
    assert "It’s a “good” day – we met a peer worker" in shown  # typographic, as on the page
    assert "said hello and left." in shown and "](" not in shown
    assert "https://example.org/a-peer-worker" in pack
    assert not re.search(r"priya|okafor", pack, re.I)


def test_a_name_split_by_emphasis_leaves_no_stray_marks(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(title="A day out", body=BODY, extra=PEOPLE)})
    assert run_build(site).exit_code == 0
    page = (site / "output/stories/a-day-out/index.html").read_text(encoding="utf-8")
    assert "a peer worker**" not in page
