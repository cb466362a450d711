"""The search page's own script, run under Node with a tiny stand-in for the browser.

It is the shipped file (theme/static/search.js) that runs, reading a real search index
written by a real build. Skipped where Node is not installed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from sitekit import MakeSite, run_build, story

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="Node is not installed")

# A minimal DOM: enough for search.js, and it records what the script showed.
HARNESS = r"""
const fs = require("fs");
const [script, indexPath, query] = process.argv.slice(2);
function node(tag) {
  return { tag, children: [], textContent: "", className: "", href: "",
    appendChild(c) { this.children.push(c); return c; } };
}
const box = node("div");
box.getAttribute = (name) => ({ "data-index": "idx", "data-root": "../" })[name];
const input = node("input");
global.document = {
  readyState: "complete",
  getElementById: (id) => ({ "search-results": box, "search-page-q": input })[id],
  createElement: node,
};
global.window = { location: { search: "?q=" + encodeURIComponent(query) } };
global.fetch = () => Promise.resolve({ ok: true,
  json: () => Promise.resolve(JSON.parse(fs.readFileSync(indexPath, "utf8"))) });
eval(fs.readFileSync(script, "utf8"));
setTimeout(() => {
  const list = box.children.find((c) => c.tag === "ol");
  const link = (li) => [li.children[0].textContent, li.children[0].href];
  const hits = list ? list.children.map(link) : [];
  const texts = box.children.map((c) => c.textContent);
  console.log(JSON.stringify({ value: input.value, hits, texts }));
}, 50);
"""


def run_search(output: Path, query: str, tmp_path: Path) -> dict[str, object]:
    harness = tmp_path / "harness.js"
    harness.write_text(HARNESS)
    script = output / "assets" / "search.js"
    assert NODE is not None
    done = subprocess.run(
        [NODE, str(harness), str(script), str(output / "search-index.json"), query],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


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
    }
    site = make_site(stories)
    result = run_build(site)
    assert result.exit_code == 0, result.output
    return site / "output"


def test_title_tag_and_summary_matches_rank_above_body_matches(
    output: Path, tmp_path: Path
) -> None:
    result = run_search(output, "Lantern", tmp_path)
    titles = [hit[0] for hit in result["hits"]]  # type: ignore[attr-defined]
    assert titles == [
        "The lantern walk",
        "An evening out",
        "Making things",
        "Meeting the ward team",
    ]
    assert result["value"] == "Lantern"
    assert result["hits"][0][1] == "../stories/the-lantern-walk/"  # type: ignore[index]


def test_every_word_must_match_and_no_match_says_so(output: Path, tmp_path: Path) -> None:
    result = run_search(output, "lantern ward", tmp_path)
    assert [h[0] for h in result["hits"]] == ["Meeting the ward team"]  # type: ignore[attr-defined]
    nothing = run_search(output, "zebra", tmp_path)
    assert nothing["hits"] == []
    assert "0 stories found." in nothing["texts"]  # type: ignore[operator]


def test_markup_in_a_query_is_shown_as_text(output: Path, tmp_path: Path) -> None:
    result = run_search(output, "<img src=x onerror=alert(1)>", tmp_path)
    texts = result["texts"]
    assert "Results for \u201c<img src=x onerror=alert(1)>\u201d" in texts  # type: ignore[operator]
    script = (output / "assets" / "search.js").read_text()
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script
