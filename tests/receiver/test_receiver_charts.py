"""Run-chart signal rules and the SVG they are drawn into."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from storysite.receiver.charts import (
    RunChart,
    Signal,
    analyse,
    describe,
    find_shifts,
    find_trends,
    median_of,
    render_svg,
)


def points(signals: list[Signal]) -> list[tuple[int, ...]]:
    return [s.points for s in signals]


# --- shifts -------------------------------------------------------------------------------


def test_six_below_the_median_is_a_shift() -> None:
    [signal] = find_shifts([1, 1, 1, 1, 1, 1], centre=3)
    assert (signal.kind, signal.direction, signal.points) == ("shift", "below", (0, 1, 2, 3, 4, 5))


def test_five_on_one_side_is_not_a_shift() -> None:
    assert find_shifts([1, 1, 1, 1, 1, 9], centre=3) == []


def test_points_on_the_median_neither_break_nor_count() -> None:
    values = [5, 5, 5, 3, 5, 3, 5, 5]  # six above, two on the median among them
    [signal] = find_shifts(values, centre=3)
    assert signal.points == (0, 1, 2, 4, 6, 7)
    assert signal.direction == "above"
    # the same with only five above: the median points must not make up the number
    assert find_shifts([5, 5, 3, 5, 3, 5, 5], centre=3) == []


def test_crossing_the_median_starts_a_new_run() -> None:
    values = [1, 1, 1, 9, 1, 1, 1, 1, 1, 1]
    assert points(find_shifts(values, centre=5)) == [(4, 5, 6, 7, 8, 9)]


def test_two_shifts_either_side() -> None:
    values = [1] * 6 + [9] * 7
    shifts = find_shifts(values, centre=5)
    assert [(s.direction, len(s.points)) for s in shifts] == [("below", 6), ("above", 7)]


def test_missing_points_are_skipped() -> None:
    values = [1, None, 1, 1, None, 1, 1, 1]
    assert points(find_shifts(values, centre=5)) == [(0, 2, 3, 5, 6, 7)]


def test_shift_edge_cases() -> None:
    assert find_shifts([], centre=0) == []
    assert find_shifts([3, 3, 3, 3, 3, 3, 3], centre=3) == []
    assert find_shifts([None] * 8, centre=3) == []
    assert find_shifts([0.1] * 6, centre=0.1 + 1e-12) == []  # float noise counts as "on"


# --- trends -------------------------------------------------------------------------------


def test_five_rising_is_a_trend_four_is_not() -> None:
    [signal] = find_trends([1, 2, 3, 4, 5])
    assert (signal.direction, signal.points) == ("rising", (0, 1, 2, 3, 4))
    assert find_trends([1, 2, 3, 4]) == []
    assert find_trends([1, 2, 3, 4, 3]) == []


def test_falling_trend() -> None:
    [signal] = find_trends([9, 7, 6, 4, 2, 1])
    assert signal.direction == "falling"
    assert signal.points == (0, 1, 2, 3, 4, 5)


def test_repeated_values_neither_break_nor_count() -> None:
    [signal] = find_trends([1, 2, 2, 3, 4, 5])
    assert signal.points == (0, 1, 3, 4, 5)
    assert find_trends([1, 2, 2, 3, 4]) == []  # only four distinct steps' worth of points


def test_turning_point_belongs_to_both_trends() -> None:
    trends = find_trends([1, 2, 3, 4, 5, 4, 3, 2, 1])
    assert points(trends) == [(0, 1, 2, 3, 4), (4, 5, 6, 7, 8)]
    assert [t.direction for t in trends] == ["rising", "falling"]


def test_trend_skips_missing_points() -> None:
    assert points(find_trends([1, None, 2, 3, None, 4, 5])) == [(0, 2, 3, 5, 6)]


def test_trend_edge_cases() -> None:
    assert find_trends([]) == []
    assert find_trends([4]) == []
    assert find_trends([2, 2, 2, 2, 2, 2]) == []
    assert find_trends([1, 3, 2, 4, 3, 5, 4, 6]) == []  # zig-zag


# --- the median and analysis --------------------------------------------------------------


def test_median_ignores_missing_points() -> None:
    assert median_of([]) is None
    assert median_of([None, None]) is None
    assert median_of([1, None, 3, 10]) == 3
    assert median_of([1, 2, 3, 4]) == 2.5


def test_analyse_uses_the_median_of_the_series() -> None:
    values = [10, 11, 10, 12, 11, 4, 3, 4, 3, 4, 3]
    analysis = analyse(values)
    assert analysis.median == 4
    # 10, 11, 10, 12, 11 are five above: not a shift; the 3s and 4s sit on/below the median
    assert analysis.shifts == ()
    assert analysis.marks(0) == ()


# --- properties ---------------------------------------------------------------------------

series = st.lists(st.one_of(st.none(), st.integers(0, 6)), max_size=40)


def reference_shifts(values: list[int | None], centre: float) -> list[tuple[int, ...]]:
    """An independent formulation: drop missing and on-median points, group by side."""
    kept = [(i, v > centre) for i, v in enumerate(values) if v is not None and v != centre]
    groups = [tuple(i for i, _ in g) for _, g in itertools.groupby(kept, key=lambda p: p[1])]
    return [g for g in groups if len(g) >= 6]


def reference_trends(values: list[int | None]) -> list[tuple[int, ...]]:
    kept = [(i, v) for i, v in enumerate(values) if v is not None]
    deduped = [p for n, p in enumerate(kept) if n == 0 or p[1] != kept[n - 1][1]]
    found: list[tuple[int, ...]] = []
    for start in range(len(deduped)):
        for end in range(len(deduped) - 1, start + 3, -1):
            run = deduped[start : end + 1]
            steps = {b[1] > a[1] for a, b in itertools.pairwise(run)}
            if len(steps) == 1:
                inside = any(set(f) >= {i for i, _ in run} for f in found)
                if not inside:
                    found.append(tuple(i for i, _ in run))
                break
    return found


@given(series, st.integers(0, 6))
def test_shifts_match_reference(values: list[int | None], centre: int) -> None:
    assert points(find_shifts(values, centre)) == reference_shifts(values, centre)


@given(series)
def test_trends_match_reference(values: list[int | None]) -> None:
    assert points(find_trends(values)) == reference_trends(values)


@given(series)
def test_signal_points_obey_the_rules(values: list[int | None]) -> None:
    analysis = analyse(values)
    for shift in analysis.shifts:
        assert analysis.median is not None
        assert len(shift.points) >= 6
        sides = {values[i] > analysis.median for i in shift.points}  # type: ignore[operator]
        assert len(sides) == 1
    for trend in analysis.trends:
        counted = [v for i in trend.points if (v := values[i]) is not None]
        assert len(counted) >= 5
        assert counted == sorted(counted) or counted == sorted(counted, reverse=True)
        assert len(set(counted)) == len(counted)


# --- SVG ----------------------------------------------------------------------------------


def make_chart(values: tuple[float | None, ...]) -> RunChart:
    labels = tuple(f"M{i:02d}" for i in range(len(values)))
    return RunChart("demo", "Demo & <chart>", "Value", labels, values)


def test_svg_is_well_formed_labelled_and_marks_signals() -> None:
    values: tuple[float | None, ...] = (9, 9, 9, 9, 9, 9, None, 1, 2, 3, 4, 5, 6, 6)
    chart = make_chart(values)
    analysis = analyse(values)
    svg = render_svg(chart, analysis)
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    assert set(root.get("aria-labelledby", "").split()) == {"demo-title", "demo-desc"} <= ids
    assert root.find("title").text == "Demo & <chart>"  # type: ignore[union-attr]
    desc = root.find("desc").text or ""  # type: ignore[union-attr]
    assert "Shift: 6 points above the median, M00 to M05." in desc
    assert "Median 6." in desc
    assert "Trend: 6 points rising, M07 to M12." in desc
    classes = [el.get("class", "") for el in root.iter()]
    # six squares, plus the legend's square and diamond
    assert sum("shift" in c.split() and "point" in c.split() for c in classes) == 6 + 2
    assert sum(c == "point signal trend" for c in classes) == 6 + 1
    assert "script" not in svg.lower()
    assert "http" not in svg
    assert "style=" not in svg


def test_describe_without_data_or_signals() -> None:
    empty = make_chart(())
    assert describe(empty, analyse(())) == "No data for demo & <chart>."
    flat = make_chart((2, 3, 2, 3))
    assert describe(flat, analyse(flat.values)).endswith("No shift or trend.")
    ET.fromstring(render_svg(empty, analyse(())))
    ET.fromstring(render_svg(make_chart((7,)), analyse((7,))))
