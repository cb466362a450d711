"""Run charts: the median, the shift and trend signals, and an accessible SVG.

Rules (as used in NHS quality improvement):
* shift - six or more points in a row on the same side of the median; points
  exactly on the median neither break the run nor count towards it;
* trend - five or more points each higher (or each lower) than the one before;
  a point equal to the one before neither breaks the run nor counts.
Missing points (None, e.g. a month with no rating) are skipped by both rules.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Literal

SHIFT_LENGTH = 6
TREND_LENGTH = 5

Value = float | int | None


@dataclass(frozen=True)
class Signal:
    kind: Literal["shift", "trend"]
    direction: Literal["above", "below", "rising", "falling"]
    points: tuple[int, ...]
    """Indices of the points that count towards the signal, in order."""

    @property
    def start(self) -> int:
        return self.points[0]

    @property
    def end(self) -> int:
        return self.points[-1]


@dataclass(frozen=True)
class Analysis:
    median: float | None
    shifts: tuple[Signal, ...]
    trends: tuple[Signal, ...]

    def marks(self, index: int) -> tuple[str, ...]:
        """Which signals ("shift", "trend") include this point."""
        found = [s.kind for s in (*self.shifts, *self.trends) if index in s.points]
        return tuple(dict.fromkeys(found))


def median_of(values: Iterable[Value]) -> float | None:
    present = [float(v) for v in values if v is not None]
    return float(statistics.median(present)) if present else None


def _on_centre(value: float, centre: float) -> bool:
    return math.isclose(value, centre, rel_tol=1e-9, abs_tol=1e-9)


def find_shifts(
    values: Sequence[Value], centre: float, min_length: int = SHIFT_LENGTH
) -> list[Signal]:
    signals: list[Signal] = []
    run: list[int] = []
    side: Literal["above", "below"] | None = None

    def close() -> None:
        if side is not None and len(run) >= min_length:
            signals.append(Signal("shift", side, tuple(run)))

    for index, value in enumerate(values):
        if value is None or _on_centre(float(value), centre):
            continue
        here: Literal["above", "below"] = "above" if value > centre else "below"
        if here != side:
            close()
            run, side = [], here
        run.append(index)
    close()
    return signals


def find_trends(values: Sequence[Value], min_length: int = TREND_LENGTH) -> list[Signal]:
    signals: list[Signal] = []
    run: list[int] = []
    direction: Literal["rising", "falling"] | None = None
    previous: float | None = None

    def close() -> None:
        if direction is not None and len(run) >= min_length:
            signals.append(Signal("trend", direction, tuple(run)))

    for index, value in enumerate(values):
        if value is None:
            continue
        current = float(value)
        if previous is None:
            run, previous = [index], current
            continue
        if _on_centre(current, previous):
            continue
        step: Literal["rising", "falling"] = "rising" if current > previous else "falling"
        if direction is not None and step != direction:
            close()
            run = run[-1:]  # the turning point starts the next run
        run.append(index)
        direction, previous = step, current
    close()
    return signals


def analyse(values: Sequence[Value]) -> Analysis:
    centre = median_of(values)
    shifts = find_shifts(values, centre) if centre is not None else []
    return Analysis(centre, tuple(shifts), tuple(find_trends(values)))


@dataclass(frozen=True)
class RunChart:
    key: str
    title: str
    y_label: str
    labels: tuple[str, ...]
    values: tuple[Value, ...]
    y_min: float = 0.0
    y_max: float | None = None
    decimals: int = 0
    unit: str = ""

    def fmt(self, value: float) -> str:
        return f"{value:.{self.decimals}f}{self.unit}"


WIDTH, HEIGHT = 720, 320
LEFT, RIGHT, TOP, BOTTOM = 60, 90, 16, 92


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return float(step * magnitude)
    return float(10 * magnitude)


def _signal_sentence(chart: RunChart, signal: Signal) -> str:
    first, last = chart.labels[signal.start], chart.labels[signal.end]
    where = {
        "above": "above the median",
        "below": "below the median",
        "rising": "rising",
        "falling": "falling",
    }[signal.direction]
    return f"{signal.kind.capitalize()}: {len(signal.points)} points {where}, {first} to {last}."


def describe(chart: RunChart, analysis: Analysis) -> str:
    """The text alternative: what a sighted reader would take from the chart."""
    present = [v for v in chart.values if v is not None]
    if not present or analysis.median is None:
        return f"No data for {chart.title.lower()}."
    parts = [
        f"Run chart of {len(present)} {'point' if len(present) == 1 else 'points'} from "
        f"{chart.labels[0]} to {chart.labels[-1]}.",
        f"Median {chart.fmt(analysis.median)}.",
    ]
    signals = sorted((*analysis.shifts, *analysis.trends), key=lambda s: s.start)
    parts += [_signal_sentence(chart, s) for s in signals]
    if not signals:
        parts.append("No shift or trend.")
    return " ".join(parts)


def _marker(x: float, y: float, marks: tuple[str, ...], label: str) -> str:
    tip = f"<title>{escape(label)}</title>"
    if "shift" in marks and "trend" in marks:
        pts = f"{x:.1f},{y - 7:.1f} {x + 7:.1f},{y:.1f} {x:.1f},{y + 7:.1f} {x - 7:.1f},{y:.1f}"
        return f'<polygon class="point signal shift trend" points="{pts}">{tip}</polygon>'
    if "shift" in marks:
        return (
            f'<rect class="point signal shift" x="{x - 5.5:.1f}" y="{y - 5.5:.1f}"'
            f' width="11" height="11">{tip}</rect>'
        )
    if "trend" in marks:
        pts = f"{x:.1f},{y - 7:.1f} {x + 6.5:.1f},{y + 5:.1f} {x - 6.5:.1f},{y + 5:.1f}"
        return f'<polygon class="point signal trend" points="{pts}">{tip}</polygon>'
    return f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="4">{tip}</circle>'


def _legend(y: float) -> str:
    x = LEFT
    items = [
        _marker(x + 5, y, (), "point"),
        f'<text x="{x + 14}" y="{y + 4}">point</text>',
        _marker(x + 75, y, ("shift",), "shift"),
        f'<text x="{x + 86}" y="{y + 4}">shift</text>',
        _marker(x + 145, y, ("trend",), "trend"),
        f'<text x="{x + 156}" y="{y + 4}">trend</text>',
        _marker(x + 215, y, ("shift", "trend"), "shift and trend"),
        f'<text x="{x + 226}" y="{y + 4}">shift and trend</text>',
        f'<line class="median" x1="{x + 340}" y1="{y}" x2="{x + 370}" y2="{y}"/>',
        f'<text x="{x + 376}" y="{y + 4}">median</text>',
    ]
    return '<g class="legend" aria-hidden="true">' + "".join(items) + "</g>"


@dataclass(frozen=True)
class _Frame:
    """Where a chart's values land inside the SVG's plotting area."""

    count: int
    bottom: float
    top: float
    plot_w: float = WIDTH - LEFT - RIGHT
    plot_h: float = HEIGHT - TOP - BOTTOM

    @property
    def span(self) -> float:
        return (self.top - self.bottom) or 1.0

    def px(self, i: int) -> float:
        return LEFT + (self.plot_w / 2 if self.count == 1 else self.plot_w * i / (self.count - 1))

    def py(self, v: float) -> float:
        return TOP + self.plot_h * (1 - (v - self.bottom) / self.span)


def render_svg(chart: RunChart, analysis: Analysis) -> str:
    """A self-contained inline SVG (no script, no external reference)."""
    present = [float(v) for v in chart.values if v is not None]
    top = chart.y_max if chart.y_max is not None else _nice_max(max(present, default=1.0))
    frame = _Frame(len(chart.values), chart.y_min, top)
    out = [
        *_svg_head(chart, analysis, frame),
        *_y_axis(chart, frame),
        *_x_labels(chart, frame),
        *_median_line(chart, analysis, frame),
        *_data_lines(chart, frame),
        *_data_markers(chart, analysis, frame),
        _legend(HEIGHT - 12),
        "</svg>",
    ]
    return "\n".join(out)


def _svg_head(chart: RunChart, analysis: Analysis, frame: _Frame) -> list[str]:
    """The opening tag, the text alternative and the two axes."""
    key = escape(chart.key)
    base = TOP + frame.plot_h
    return [
        f'<svg class="run-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img"'
        f' aria-labelledby="{key}-title {key}-desc" focusable="false">',
        f'<title id="{key}-title">{escape(chart.title)}</title>',
        f'<desc id="{key}-desc">{escape(describe(chart, analysis))}</desc>',
        f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{base}"/>',
        f'<line class="axis" x1="{LEFT}" y1="{base}" x2="{LEFT + frame.plot_w}" y2="{base}"/>',
    ]


def _y_axis(chart: RunChart, frame: _Frame) -> list[str]:
    """Three ticks (bottom, middle, top) and the axis's label."""
    bottom, span = frame.bottom, frame.span
    out = [
        f'<text class="tick" x="{LEFT - 6}" y="{frame.py(tick) + 4:.1f}" text-anchor="end">'
        f"{escape(chart.fmt(tick))}</text>"
        for tick in (bottom, bottom + span / 2, frame.top)
    ]
    middle = TOP + frame.plot_h / 2
    out.append(
        f'<text class="axis-label" x="14" y="{middle:.1f}" text-anchor="middle"'
        f' transform="rotate(-90 14 {middle:.1f})">{escape(chart.y_label)}</text>'
    )
    return out


def _x_labels(chart: RunChart, frame: _Frame) -> list[str]:
    """Month labels: at most about twelve, and always the last month."""
    count = frame.count
    every = max(1, math.ceil(count / 12))
    base = TOP + frame.plot_h
    return [
        f'<text class="tick" x="{frame.px(i):.1f}" y="{base + 16}" text-anchor="end"'
        f' transform="rotate(-40 {frame.px(i):.1f} {base + 16})">{escape(label)}</text>'
        for i, label in enumerate(chart.labels)
        if i % every == 0 or i == count - 1
    ]


def _median_line(chart: RunChart, analysis: Analysis, frame: _Frame) -> list[str]:
    if analysis.median is None:
        return []
    my = frame.py(analysis.median)
    return [
        f'<line class="median" x1="{LEFT}" y1="{my:.1f}"'
        f' x2="{LEFT + frame.plot_w}" y2="{my:.1f}"/>',
        f'<text class="median-label" x="{LEFT + frame.plot_w + 6}" y="{my + 4:.1f}">'
        f"median {escape(chart.fmt(analysis.median))}</text>",
    ]


def _data_lines(chart: RunChart, frame: _Frame) -> list[str]:
    """The run as polylines, broken where a month has no value."""
    segment: list[str] = []
    lines: list[list[str]] = [segment]
    for i, v in enumerate(chart.values):
        if v is None:
            segment = []
            lines.append(segment)
        else:
            segment.append(f"{frame.px(i):.1f},{frame.py(float(v)):.1f}")
    return [f'<polyline class="data" points="{" ".join(s)}"/>' for s in lines if len(s) > 1]


def _data_markers(chart: RunChart, analysis: Analysis, frame: _Frame) -> list[str]:
    """One marker per value, shaped by the run-chart signals it belongs to."""
    out = []
    for i, v in enumerate(chart.values):
        if v is not None:
            marks = analysis.marks(i)
            label = f"{chart.labels[i]}: {chart.fmt(float(v))}"
            if marks:
                label += " (" + ", ".join(marks) + ")"
            out.append(_marker(frame.px(i), frame.py(float(v)), marks, label))
    return out
