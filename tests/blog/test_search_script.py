"""The search page's own script, run under Node with a tiny stand-in for the browser.

It is the shipped file (theme/static/search.js) that runs, reading the real index
files written by a real build, fetched one by one as a browser would. Skipped where
Node is not installed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sitekit import MakeSite, run_build, story

from storysite.search import STOP_WORDS, stem, term_hash, terms

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="Node is not installed")
REPO = Path(__file__).resolve().parents[2]

# A minimal DOM: enough for search.js, and it records what the script showed and fetched.
HARNESS = r"""
const fs = require("fs");
const path = require("path");
const [script, output, query, clicks] = process.argv.slice(2);
const page = fs.readFileSync(path.join(output, "search/index.html"), "utf8");
const attributes = {};
for (const m of page.match(/<div id="search-results"[^>]*>/)[0].matchAll(/([a-z-]+)="([^"]*)"/g)) {
  attributes[m[1]] = m[2];
}
function node(tag) {
  return { tag, children: [], textContent: "", className: "", href: "", parentNode: null,
    appendChild(c) { c.parentNode = this; this.children.push(c); return c; },
    removeChild(c) { this.children = this.children.filter((x) => x !== c); return c; },
    addEventListener(type, fn) { this.listener = fn; }, focus() {} };
}
const box = node("div");
box.getAttribute = (name) => attributes[name];
const input = node("input");
global.document = {
  readyState: "complete",
  getElementById: (id) => ({ "search-results": box, "search-page-q": input })[id],
  createElement: node,
};
global.window = { location: { search: "?q=" + encodeURIComponent(query) } };
const fetched = [];
global.fetch = (url) => {
  fetched.push(url);
  const file = path.join(output, "search", url);
  if (!fs.existsSync(file)) { return Promise.resolve({ ok: false }); }
  return Promise.resolve({ ok: true,
    json: () => Promise.resolve(JSON.parse(fs.readFileSync(file, "utf8"))) });
};
require(script);
function report() {
  const list = box.children.find((c) => c.tag === "ol");
  const link = (li) => [li.children[0].textContent, li.children[0].href];
  const hits = list ? list.children.map(link) : [];
  const texts = box.children.map((c) => c.textContent);
  console.log(JSON.stringify({ value: input.value, hits, texts, fetched }));
}
let left = Number(clicks || 0);
function step() {
  const more = box.children.find((c) => c.tag === "button");
  if (left > 0 && more) { left -= 1; more.listener(); setTimeout(step, 30); } else { report(); }
}
setTimeout(step, 50);
"""

# Each word as search.js sees it: its stem and hash, or null when it is left out.
STEMS = r"""
const search = require(process.argv[2]);
const words = JSON.parse(require("fs").readFileSync(0, "utf8"));
console.log(JSON.stringify(words.map((w) => {
  const t = search.termsOf(w);
  return t.length ? [t[0], search.hash(t[0])] : null;
})));
"""


def run_search(output: Path, query: str, tmp_path: Path, clicks: int = 0) -> dict[str, object]:
    harness = tmp_path / "harness.js"
    harness.write_text(HARNESS)
    script = output / "assets" / "search.js"
    assert NODE is not None
    done = subprocess.run(
        [NODE, str(harness), str(script), str(output), query, str(clicks)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def titles(result: dict[str, object]) -> list[str]:
    return [hit[0] for hit in result["hits"]]  # type: ignore[attr-defined]


@pytest.fixture
def output(make_site: MakeSite) -> Path:
    stories = {
        # Newest, but "lantern" only in the body: must rank below the others.
        "body.md": story(
            title="Meeting the ward team", body="We lit a lantern.", date="2024-01-01"
        ),
        "title.md": story(title="The lantern walk", date="2019-01-01"),
        "tag.md": story(title="An evening out", date="2020-01-01", extra="tags: [lantern]\n"),
        "summary.md": story(
            title="Making things", date="2021-01-01", extra="summary: We made a lantern.\n"
        ),
        "other.md": story(title="Nothing here", body="Only words.", date="2022-01-01"),
        "carer.md": story(title="One evening", body="As a carer I came along.", date="2018-01-01"),
    }
    site = make_site(stories)
    result = run_build(site)
    assert result.exit_code == 0, result.output
    return site / "output"


def test_title_tag_and_summary_matches_rank_above_body_matches(
    output: Path, tmp_path: Path
) -> None:
    result = run_search(output, "Lantern", tmp_path)
    assert titles(result) == [
        "The lantern walk",
        "An evening out",
        "Making things",
        "Meeting the ward team",
    ]
    assert result["value"] == "Lantern"
    assert result["hits"][0][1] == "../stories/the-lantern-walk/"  # type: ignore[index]


def test_a_query_fetches_one_file_of_terms_and_the_stories_it_shows(
    output: Path, tmp_path: Path
) -> None:
    result = run_search(output, "lanterns", tmp_path)
    assert titles(result)[0] == "The lantern walk"  # stemmed: "lanterns" finds "lantern"
    assert result["fetched"] == ["../search-index/terms-0.json", "../search-index/stories-0.json"]


def test_a_plural_finds_the_singular_and_every_form_of_a_word(output: Path, tmp_path: Path) -> None:
    for query in ("carers", "Carer's", "CARER"):
        assert titles(run_search(output, query, tmp_path)) == ["One evening"], query
    assert titles(run_search(output, "lit lanterns", tmp_path)) == ["Meeting the ward team"]


def test_every_word_must_match_and_no_match_says_so(output: Path, tmp_path: Path) -> None:
    result = run_search(output, "lantern ward", tmp_path)
    assert titles(result) == ["Meeting the ward team"]
    nothing = run_search(output, "zebra", tmp_path)
    assert nothing["hits"] == []
    assert "0 stories found." in nothing["texts"]  # type: ignore[operator]
    only_stop_words = run_search(output, "the and of", tmp_path)
    assert only_stop_words["hits"] == []
    assert "0 stories found." in only_stop_words["texts"]  # type: ignore[operator]


def test_markup_in_a_query_is_shown_as_text(output: Path, tmp_path: Path) -> None:
    result = run_search(output, "<img src=x onerror=alert(1)>", tmp_path)
    texts = result["texts"]
    assert "Results for \u201c<img src=x onerror=alert(1)>\u201d" in texts  # type: ignore[operator]
    script = (output / "assets" / "search.js").read_text()
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script
    assert "eval(" not in script and "Function(" not in script  # the CSP allows neither
    headers = (output / "_headers").read_text()
    assert "script-src 'self';" in headers and "eval" not in headers


def test_results_come_twenty_at_a_time(make_site: MakeSite, tmp_path: Path) -> None:
    stories = {
        f"s{n:02d}.md": story(title=f"Walk number {n}", date=f"2020-01-{n % 28 + 1:02d}")
        for n in range(45)
    }
    site = make_site(stories)
    assert run_build(site).exit_code == 0
    output = site / "output"
    first = run_search(output, "walk", tmp_path)
    assert len(first["hits"]) == 20  # type: ignore[arg-type]
    assert "45 stories found." in first["texts"]  # type: ignore[operator]
    # Stories 0-19 are in the first two files of 16.
    assert first["fetched"][1:] == [  # type: ignore[index]
        "../search-index/stories-0.json",
        "../search-index/stories-1.json",
    ]
    every = run_search(output, "walk", tmp_path, clicks=5)
    assert len(every["hits"]) == 45  # type: ignore[arg-type]
    assert "Show more results" not in every["texts"]  # type: ignore[operator]
    assert sorted(titles(every)) == sorted(f"Walk number {n}" for n in range(45))


def test_the_index_holds_numbers_only(output: Path) -> None:
    for path in (output / "search-index").glob("terms-*.json"):
        data = json.loads(path.read_text())
        assert data and all(re.fullmatch(r"\d+", key) for key in data)
        assert all(isinstance(n, int) for value in data.values() for n in value)
    assert "lantern" not in "".join(
        p.read_text() for p in (output / "search-index").glob("terms-*.json")
    )


def test_script_and_build_stem_and_hash_every_word_alike(tmp_path: Path) -> None:
    """search.js and search.py must agree on every word, or a query misses stories."""
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(REPO.glob("*/*.md")))
    tricky = [
        "carers", "caring", "cared", "Carer’s", "stories", "hopping", "agreed", "feed",
        "happily", "filing", "falling", "rates", "sized", "troubled", "Zoë", "naïve",
    ]  # fmt: skip
    words = [*sorted(set(re.findall(r"[A-Za-z'’]+", text))), *tricky]
    assert len(words) > 2000
    script = tmp_path / "stems.js"
    script.write_text(STEMS)
    assert NODE is not None
    done = subprocess.run(
        [NODE, str(script), str(REPO / "src/storysite/theme/static/search.js")],
        input=json.dumps(words),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    from_script = json.loads(done.stdout)
    expected = []
    for word in words:
        found = list(terms(word))
        expected.append([found[0], term_hash(found[0])] if found else None)
    mismatches = [(w, s, e) for w, s, e in zip(words, from_script, expected, strict=True) if s != e]
    assert mismatches == []
    assert stem("carers") == stem("carer") == "carer"
    assert stem("caring") == stem("cared") == stem("care") == "care"
    assert "the" in STOP_WORDS and list(terms("The")) == []


def colliding_words() -> tuple[str, str]:
    """Two words with the same 32-bit hash (a birthday search: about 80,000 tries)."""
    seen: dict[int, str] = {}
    number = 0
    while True:
        word = f"zq{number}"
        value = term_hash(stem(word))
        if value in seen:
            return seen[value], word
        seen[value] = word
        number += 1


def test_words_that_share_a_hash_both_find_their_stories(
    make_site: MakeSite, tmp_path: Path
) -> None:
    first, second = colliding_words()
    assert first != second and term_hash(first) == term_hash(second)
    site = make_site(
        {
            "a.md": story(title="First", body=f"A {first} here.", date="2020-01-02"),
            "b.md": story(title="Second", body=f"A {second} here.", date="2020-01-01"),
        }
    )
    assert run_build(site).exit_code == 0
    # Never fewer: each word finds its own story (and, by the shared hash, the other).
    assert "First" in titles(run_search(site / "output", first, tmp_path))
    assert "Second" in titles(run_search(site / "output", second, tmp_path))
