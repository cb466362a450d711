"""A static, self-contained HTML report of story feedback for the team.

No script, no external reference: one file with inline SVG run charts, each
with a text alternative and its data table underneath.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from .charts import Analysis, RunChart, Value, analyse, describe, median_of, render_svg
from .store import FeedbackRow

MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

STYLE = """
body{font-family:Arial,Helvetica,sans-serif;color:#212b32;background:#fff;margin:0;line-height:1.5}
main{max-width:60rem;margin:0 auto;padding:1rem 1.5rem 3rem}
h1{font-size:2rem;margin-bottom:.5rem}h2{font-size:1.5rem;margin-top:2.5rem}
figure{margin:1rem 0}figcaption{font-size:.95rem;color:#4c6272}
table{border-collapse:collapse;margin:1rem 0;min-width:50%}
caption{text-align:left;font-weight:bold;padding:.25rem 0}
th,td{border-bottom:1px solid #d8dde0;padding:.35rem .75rem;text-align:left}
td.num,th.num{text-align:right}
.run-chart{width:100%;height:auto;max-width:720px;font-size:12px}
.run-chart .axis{stroke:#4c6272;stroke-width:1}
.run-chart .data{fill:none;stroke:#005eb8;stroke-width:2}
.run-chart .median{stroke:#425462;stroke-width:1.5;stroke-dasharray:6 4}
.run-chart .point{fill:#005eb8}
.run-chart .signal{fill:#d5281b;stroke:#212b32;stroke-width:1}
.run-chart text{fill:#212b32}
.note{background:#f0f4f5;border-left:4px solid #005eb8;padding:.5rem 1rem}
""".strip()

CSP = "default-src 'none'; style-src 'unsafe-inline'"


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @property
    def label(self) -> str:
        return f"{MONTH_NAMES[self.month - 1]} {self.year}"

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)


@dataclass(frozen=True)
class Metric:
    chart: RunChart
    counts: tuple[int, ...]
    """How many answers lie behind each monthly value."""


@dataclass(frozen=True)
class StorySummary:
    story: str
    title: str | None
    responses: int
    useful_yes: int
    useful_answered: int
    median_rating: float | None
    median_usefulness: float | None
    latest: str


def month_of(received_at: str) -> Month:
    return Month(int(received_at[0:4]), int(received_at[5:7]))


def month_range(rows: Sequence[FeedbackRow]) -> list[Month]:
    if not rows:
        return []
    first, last = month_of(rows[0].received_at), month_of(rows[-1].received_at)
    months = [first]
    while months[-1] != last:
        months.append(months[-1].next())
    return months


def monthly_metrics(rows: Sequence[FeedbackRow]) -> list[Metric]:
    """The four run charts of the report, one point per month from first to last."""
    months, groups = _monthly_groups(rows)
    labels = tuple(m.label for m in months)
    return [
        _responses_metric(labels, groups),
        _useful_metric(labels, groups),
        _median_metric("rating", "rating", labels, groups),
        _median_metric("usefulness", "usefulness", labels, groups),
    ]


def _monthly_groups(
    rows: Sequence[FeedbackRow],
) -> tuple[list[Month], list[list[FeedbackRow]]]:
    """Every month from the first answer to the last (empty ones too), with its answers."""
    rows = sorted(rows, key=lambda r: r.received_at)
    months = month_range(rows)
    by_month: dict[Month, list[FeedbackRow]] = defaultdict(list)
    for row in rows:
        by_month[month_of(row.received_at)].append(row)
    return months, [by_month[m] for m in months]


def _answered(groups: list[list[FeedbackRow]], attr: str) -> tuple[int, ...]:
    """How many answers in each month gave a value for ``attr``."""
    return tuple(sum(getattr(r, attr) is not None for r in g) for g in groups)


def _useful_share(group: list[FeedbackRow]) -> Value:
    answered = [r.useful for r in group if r.useful is not None]
    return 100 * answered.count("yes") / len(answered) if answered else None


def _responses_metric(labels: tuple[str, ...], groups: list[list[FeedbackRow]]) -> Metric:
    counts = tuple(len(g) for g in groups)
    chart = RunChart("responses", "Responses per month", "Responses", labels, counts)
    return Metric(chart, counts)


def _useful_metric(labels: tuple[str, ...], groups: list[list[FeedbackRow]]) -> Metric:
    chart = RunChart(
        "useful",
        'Share answering "useful: yes" per month',
        "Useful: yes",
        labels,
        tuple(_useful_share(g) for g in groups),
        y_max=100.0,
        unit="%",
    )
    return Metric(chart, _answered(groups, "useful"))


def _median_metric(
    key: str, attr: str, labels: tuple[str, ...], groups: list[list[FeedbackRow]]
) -> Metric:
    """The monthly median of a 1-to-5 answer (``rating`` or ``usefulness``)."""
    chart = RunChart(
        key,
        f"Median {attr} per month (1 to 5)",
        f"Median {attr}",
        labels,
        tuple(median_of(getattr(r, attr) for r in g) for g in groups),
        y_min=1.0,
        y_max=5.0,
        decimals=1,
    )
    return Metric(chart, _answered(groups, attr))


def story_summaries(rows: Sequence[FeedbackRow], titles: dict[str, str]) -> list[StorySummary]:
    by_story: dict[str, list[FeedbackRow]] = defaultdict(list)
    for row in rows:
        by_story[row.story].append(row)
    summaries = [
        StorySummary(
            story=story,
            title=titles.get(story),
            responses=len(group),
            useful_yes=sum(r.useful == "yes" for r in group),
            useful_answered=sum(r.useful is not None for r in group),
            median_rating=median_of(r.rating for r in group),
            median_usefulness=median_of(r.usefulness for r in group),
            latest=max(r.received_at for r in group)[:10],
        )
        for story, group in by_story.items()
    ]
    return sorted(summaries, key=lambda s: (-s.responses, s.story))


def _num(value: float | None, decimals: int = 1, unit: str = "") -> str:
    return "—" if value is None else f"{value:.{decimals}f}{unit}"


def _signal_cell(analysis: Analysis, index: int) -> str:
    return ", ".join(analysis.marks(index)) or ""


def chart_section(metric: Metric) -> str:
    chart = metric.chart
    analysis = analyse(chart.values)
    rows = []
    for i, label in enumerate(chart.labels):
        value = chart.values[i]
        shown = "—" if value is None else chart.fmt(float(value))
        rows.append(
            f'<tr><th scope="row">{escape(label)}</th><td class="num">{escape(shown)}</td>'
            f'<td class="num">{metric.counts[i]}</td>'
            f"<td>{escape(_signal_cell(analysis, i))}</td></tr>"
        )
    key = escape(chart.key)
    return (
        f'<section aria-labelledby="{key}-heading">'
        f'<h2 id="{key}-heading">{escape(chart.title)}</h2>'
        f"<figure>{render_svg(chart, analysis)}"
        f"<figcaption>{escape(describe(chart, analysis))}</figcaption></figure>"
        f'<table id="{key}-data"><caption>{escape(chart.title)}: data</caption>'
        '<thead><tr><th scope="col">Month</th>'
        f'<th scope="col" class="num">{escape(chart.y_label)}</th>'
        '<th scope="col" class="num">Answers</th><th scope="col">Signal</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )


def story_table(summaries: Sequence[StorySummary]) -> str:
    rows = []
    for s in summaries:
        name = escape(s.title) if s.title else "<i>title not known</i>"
        share = (
            f"{s.useful_yes} of {s.useful_answered} ({100 * s.useful_yes / s.useful_answered:.0f}%)"
            if s.useful_answered
            else "—"
        )
        rows.append(
            f'<tr><th scope="row">{name}<br><code>{escape(s.story)}</code></th>'
            f'<td class="num">{s.responses}</td><td class="num">{escape(share)}</td>'
            f'<td class="num">{_num(s.median_rating)}</td>'
            f'<td class="num">{_num(s.median_usefulness)}</td><td>{escape(s.latest)}</td></tr>'
        )
    return (
        '<section aria-labelledby="stories-heading"><h2 id="stories-heading">By story</h2>'
        '<table id="stories"><caption>Answers per story</caption><thead><tr>'
        '<th scope="col">Story</th><th scope="col" class="num">Responses</th>'
        '<th scope="col" class="num">Useful: yes</th>'
        '<th scope="col" class="num">Median rating</th>'
        '<th scope="col" class="num">Median usefulness</th>'
        '<th scope="col">Latest answer</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )


HOW_TO_READ = (
    '<p class="note">How to read the run charts: the dashed line is the median of all the '
    "points shown. A <strong>shift</strong> (square markers) is six or more points in a row on "
    "the same side of the median; points exactly on the median neither break nor count. A "
    "<strong>trend</strong> (triangle markers) is five or more points each rising or each "
    "falling; a repeated value neither breaks nor counts. A point in both is a diamond. These "
    "signal non-random variation worth looking into; months with few answers deserve caution.</p>"
)


def render_report(
    rows: Sequence[FeedbackRow],
    *,
    titles: dict[str, str] | None = None,
    signups: int | None = None,
    generated: datetime | None = None,
) -> str:
    rows = sorted(rows, key=lambda r: r.received_at)
    when = (generated or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        '<!doctype html><html lang="en-GB"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        "<title>Story feedback report</title>",
        f"<style>{STYLE}</style></head><body><main>",
        "<h1>Story feedback report</h1>",
    ]
    if rows:
        parts.append(
            f"<p>Generated {escape(when)} from {len(rows)} answers received between "
            f"{escape(rows[0].received_at[:10])} and {escape(rows[-1].received_at[:10])}.</p>"
        )
        parts.append(HOW_TO_READ)
        parts += [chart_section(m) for m in monthly_metrics(rows)]
        parts.append(story_table(story_summaries(rows, titles or {})))
    else:
        parts.append(f"<p>Generated {escape(when)}. No feedback has been received yet.</p>")
    if signups is not None:
        parts.append(f"<p>Newsletter addresses currently held: {signups}.</p>")
    parts.append("</main></body></html>\n")
    return "\n".join(parts)


def write_report(out_dir: Path, html_text: str) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "index.html"
    target.write_text(html_text, encoding="utf-8")
    return target
