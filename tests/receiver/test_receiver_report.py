"""`storysite feedback report`: a seeded database with a known shift and trend."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from storysite.receiver.commands import feedback
from storysite.receiver.store import FeedbackAnswer, NewsletterSignup, Store

# Responses per month in 2025. Median 10: Jan-Jun are six above (a shift);
# Jul-Dec are six below (a shift) and rise each month (a trend).
COUNTS = [12, 14, 13, 15, 12, 14, 3, 4, 5, 6, 7, 8]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    db = tmp_path / "seeded.db"
    store = Store.create(db)
    for month, count in enumerate(COUNTS, start=1):
        for n in range(count):
            at = datetime(2025, month, 1 + n % 28, 12, 0, tzinfo=UTC)
            useful = "yes" if month <= 6 else ("no" if n % 2 else "yes")
            story = "hope" if n % 3 else "recovery"
            store.add_feedback(FeedbackAnswer(story, useful, 1 + (month + n) % 5, None), at=at)
    store.add_signup(NewsletterSignup("secret.reader@example.org", "v1"))
    store.add_signup(NewsletterSignup("Secret.Reader@example.org", "v1"))  # one address
    return db


CONSENT = "consent:\n  publish: true\n  date: 2020-01-01\n"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    (root / "stories").mkdir(parents=True)
    (root / "storysite.toml").write_text('[site]\ntitle = "T"\nbase_url = "https://x.example/"\n')
    (root / "stories" / "2020-01-01-hope.md").write_text(
        f"---\ntitle: Finding hope & home\nslug: hope\ndate: 2020-01-01\n{CONSENT}---\nBody.\n"
    )
    (root / "stories" / "2020-02-01-recovery.md").write_text(
        "---\ntitle: Callum Reid on recovery\nslug: recovery\ndate: 2020-02-01\n"
        f"{CONSENT}people:\n  - name: Callum Reid\n    named: false\n"
        "    shown_as: a service user\n---\nCallum Reid wrote this.\n"
    )
    (root / "stories" / "2020-03-01-held.md").write_text(
        "---\ntitle: A held story\nslug: held\ndate: 2020-03-01\n"
        "consent:\n  publish: false\n---\nNot yet.\n"
    )
    return root


class Outline(HTMLParser):
    """Collects the document's elements in order, with their attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append((tag, found))
        if found.get("id"):
            self.ids.add(str(found["id"]))


def build(seeded: Path, out: Path, *extra: str) -> str:
    result = CliRunner().invoke(feedback, ["report", "--db", str(seeded), "-o", str(out), *extra])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"Wrote {out / 'index.html'}"
    return (out / "index.html").read_text(encoding="utf-8")


def test_report_marks_the_known_shift_and_trend(seeded: Path, tmp_path: Path) -> None:
    page = build(seeded, tmp_path / "report")
    desc = re.search(r'<desc id="responses-desc">(.*?)</desc>', page, re.S)
    assert desc is not None
    text = desc.group(1)
    assert "Median 10." in text
    assert "Shift: 6 points above the median, Jan 2025 to Jun 2025." in text
    assert "Shift: 6 points below the median, Jul 2025 to Dec 2025." in text
    assert "Trend: 6 points rising, Jul 2025 to Dec 2025." in text
    assert text.count("Trend:") == 1
    table = page.split('<table id="responses-data">')[1].split("</table>")[0]
    rows = re.findall(r"<tr><th scope=\"row\">(\w+ 2025)</th>.*?<td>([^<]*)</td></tr>", table)
    assert rows == [
        (f"{m} 2025", "shift" if i < 6 else "shift, trend") for i, m in enumerate(MONTHS)
    ]
    svg = page.split('aria-labelledby="responses-title responses-desc"')[1].split("</svg>")[0]
    assert svg.count('class="point signal shift"') == 6 + 1  # six squares + legend
    assert svg.count('class="point signal shift trend"') == 6 + 1  # both: diamonds


def test_report_has_all_charts_accessibly(seeded: Path, tmp_path: Path) -> None:
    page = build(seeded, tmp_path / "report")
    outline = Outline()
    outline.feed(page)
    svgs = [attrs for tag, attrs in outline.tags if tag == "svg"]
    assert len(svgs) == 4
    for attrs in svgs:
        assert attrs["role"] == "img"
        labelled = str(attrs["aria-labelledby"]).split()
        assert len(labelled) == 2 and set(labelled) <= outline.ids
    order = [tag for tag, _ in outline.tags if tag in ("figure", "table")]
    assert order == ["figure", "table"] * 4 + ["table"]  # a data table under every chart
    for key in ("responses", "useful", "rating", "usefulness"):
        assert f'id="{key}-data"' in page
    assert "<style>" in page


def test_report_is_self_contained_and_private(seeded: Path, tmp_path: Path) -> None:
    page = build(seeded, tmp_path / "report")
    lowered = page.lower()
    assert "<script" not in lowered
    assert "http://" not in lowered and "https://" not in lowered
    assert " src=" not in lowered and " href=" not in lowered
    assert re.search(r"\sstyle=", page) is None
    assert "Content-Security-Policy" in page
    assert "secret.reader" not in page
    assert "Newsletter addresses currently held: 1." in page


def test_story_table_uses_public_anonymised_titles(
    seeded: Path, tmp_path: Path, site: Path
) -> None:
    Store.open_existing(seeded).add_feedback(FeedbackAnswer("held", "yes"))
    page = build(seeded, tmp_path / "report", "--site", str(site))
    stories = page.split('<table id="stories">')[1]
    assert "Finding hope &amp; home" in stories
    assert "on recovery" in stories
    assert "Callum" not in page  # the title as the public sees it, never the raw one
    assert "A held story" not in page
    assert "<code>held</code>" in stories
    assert stories.index("Finding hope") < stories.index("on recovery")  # most answers first
    assert f'<td class="num">{sum(COUNTS) - sum((c + 2) // 3 for c in COUNTS)}</td>' in stories


def test_story_table_without_site(seeded: Path, tmp_path: Path) -> None:
    page = build(seeded, tmp_path / "report")
    assert "<code>hope</code>" in page and "title not known" in page


def test_empty_database_report(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    Store.create(db)
    page = build(db, tmp_path / "out")
    assert "No feedback has been received yet." in page
    assert "<svg" not in page
