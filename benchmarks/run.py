"""`make bench`: build two synthetic corpus shapes with storysite, Pelican and Hugo, and
print one table per shape: cold build, no-change rebuild, rebuild after editing one
story, peak memory; then issue 14's targets, checked per shape at the largest size.

The shapes (corpus.py): ``plain``, and ``mentions``, where every story names declared
people about 20 times. Sizes and shapes are interleaved (each size: every shape, each
shape: every tool), so the tools being compared meet the same load. Every build runs in
a fresh subprocess; its wall time is measured around it and its CPU time and peak
resident memory come from os.wait4 (the kernel's figures for that one child). Pelican
is installed into its own venv under benchmarks/work/; Hugo is the system's ``hugo``
and is skipped, with a note, when it is not installed. storysite is also built with
an empty site register (the register people each story mentions are then declared in
the story, so the same text is published with the same replacements): the difference
is what the 2,000-person register costs. At the largest size of each shape, stages.py
gives the privacy work's share of a cold build's CPU, and reload.py times
``storysite serve`` showing an edited story.

    .venv/bin/python benchmarks/run.py                 # N = 1,000 and 5,000, both shapes
    .venv/bin/python benchmarks/run.py --quick         # N = 200: a smoke test
    .venv/bin/python benchmarks/run.py --sizes 1000 --shapes mentions --skip-hugo

Never part of ``make test``: a full run takes tens of minutes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import reload
from corpus import (
    SHAPES,
    Corpus,
    add_story,
    declare_person,
    edit_story,
    make_corpus,
    write_hugo,
    write_pelican,
    write_storysite,
)

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"
PELICAN_VERSION = "4.12.0"
PELICAN_SETTINGS = HERE / "pelican_site" / "pelicanconf.py"
TODAY = "2026-11-27"


class BenchError(Exception):
    """A build failed or a tool could not be set up: the run stops with this message."""


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu: float  # user + system seconds: less disturbed than wall time on a busy machine
    peak_mib: float
    output: str


@dataclass
class Row:
    tool: str
    stories: int
    shape: str
    cold: Run | None = None
    no_change: Run | None = None
    one_edit: Run | None = None
    notes: list[str] = field(default_factory=list)
    unpublished: str | None = None  # storysite: why not every story was published
    #: storysite only, after the one edit: the builds of OTHER_EDITS, by their name.
    others: dict[str, Run] = field(default_factory=dict)

    @property
    def peak_mib(self) -> float:
        runs = [self.cold, self.no_change, self.one_edit, *self.others.values()]
        return max((r.peak_mib for r in runs if r is not None), default=0.0)


def measure(command: Sequence[str | Path], cwd: Path | None = None) -> Run:
    """Run ``command`` once in a fresh process: wall seconds and its peak RSS."""
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        process = subprocess.Popen(
            [str(c) for c in command], stdout=log, stderr=subprocess.STDOUT, cwd=cwd
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        output = log.read().decode("utf-8", "replace")
    if process.returncode != 0:
        tail = "\n".join(output.splitlines()[-15:])
        raise BenchError(f"{' '.join(map(str, command))} exited {process.returncode}:\n{tail}")
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, cpu, usage.ru_maxrss / 1024, output)  # ru_maxrss is in KiB on Linux


def remove(*paths: Path) -> None:
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def middle_story(corpus: Corpus) -> str:
    return corpus.stories[len(corpus.stories) // 2].filename


def three_builds(
    row: Row,
    build: Callable[[], Run],
    clear: Callable[[], None],
    edited: Path,
    cold_build: Callable[[], Run] | None = None,
) -> Row:
    """Cold (caches and output removed), no-change, then one story edited.
    ``cold_build`` is a build told to use no cache (when the tool has such a flag)."""
    clear()
    row.cold = build() if cold_build is None else cold_build()
    if cold_build is not None:
        build()  # the cold run kept no cache: make one, untimed, for the warm runs
    row.no_change = build()
    edit_story(edited)
    row.one_edit = build()
    return row


# --- storysite -------------------------------------------------------------------------


def storysite_command() -> Path:
    beside = Path(sys.executable).parent / "storysite"
    if beside.exists():
        return beside
    found = shutil.which("storysite")
    if found is None:
        raise BenchError("storysite is not installed: run `make bench` (it installs it)")
    return Path(found)


def storysite_flags(command: Path) -> set[str]:
    """Options of ``storysite build`` (others may add --no-cache): read from --help."""
    help_text = subprocess.run(
        [str(command), "build", "--help"], capture_output=True, text=True, check=True
    ).stdout
    return set(re.findall(r"(--[a-z][a-z-]*)", help_text))


def storysite_caches(site: Path) -> list[Path]:
    return [site / "output", *site.glob(".storysite-cache*"), *site.glob(".storysite-tmp-*")]


def settle(site: Path, limit: float = 60.0) -> None:
    """Wait until the site a build replaced is deleted: storysite renames it aside and
    removes it in the background (thousands of files take seconds), and the next
    timed build should not share the disk with that. A user saving a story again
    seconds later is the case the serve reload measures."""
    deadline = time.monotonic() + limit
    while any(site.glob(".storysite-trash-*")) and time.monotonic() < deadline:
        time.sleep(0.05)


def published_note(run: Run, expected: int) -> str | None:
    match = re.search(r"Published (\d+) stories, held (\d+)", run.output)
    if match is None:
        return "could not read the build summary"
    published, held = int(match.group(1)), int(match.group(2))
    if published != expected or held:
        return f"only {published} of {expected} stories published ({held} held): corpus bug"
    return None


def bench_storysite(corpus: Corpus, site: Path, with_register: bool, cold_only: bool) -> Row:
    command = storysite_command()
    flags = storysite_flags(command)
    write_storysite(corpus, site, with_register=with_register)
    base: list[str | Path] = [command, "build", "--site", site, "--today", TODAY]
    name = "storysite" if with_register else "storysite, empty register"
    row = Row(name, len(corpus.stories), corpus.shape)

    def build() -> Run:
        run = measure(base)
        settle(site)
        return run

    def clear() -> None:
        remove(*storysite_caches(site))

    cold_build = None
    if "--no-cache" in flags:
        row.notes.append("cold run with --no-cache")

        def cold_build() -> Run:
            run = measure([*base, "--no-cache"])
            settle(site)
            return run

    if cold_only:
        clear()
        row.cold = build() if cold_build is None else cold_build()
    else:
        middle = site / "stories" / middle_story(corpus)
        three_builds(row, build, clear, middle, cold_build)
        declare_person(middle)
        row.others[NEW_NAME] = build()
        add_story(middle, dt.date.fromisoformat(TODAY) - dt.timedelta(days=1))
        row.others[ADDED] = build()
    assert row.cold is not None
    row.unpublished = published_note(row.cold, len(corpus.stories))
    if row.unpublished:
        row.notes.append(row.unpublished)
    return row


#: Edits only storysite is timed on (after the one edit, each on the site as the one
#: before left it): what makes a build do more than the story saved (docs/commands.md).
NEW_NAME = "a new private name in one story"
ADDED = "a story added (the newest)"
OTHER_EDITS = (NEW_NAME, ADDED)


# --- Pelican ---------------------------------------------------------------------------


def pelican_venv() -> Path:
    """benchmarks/work/pelican-venv with Pelican 4.12.0 and Markdown, made once."""
    venv = WORK / "pelican-venv"
    pelican = venv / "bin" / "pelican"
    if pelican.exists() and PELICAN_VERSION in tool_version([pelican, "--version"]):
        return pelican
    print(f"Installing Pelican {PELICAN_VERSION} into {venv} …", flush=True)
    remove(venv)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "pip"), "install", "--quiet"]
    subprocess.run([*pip, f"pelican=={PELICAN_VERSION}", "markdown"], check=True)
    return pelican


def bench_pelican(corpus: Corpus, pelican: Path, folder: Path) -> Row:
    content, output, cache = folder / "content", folder / "output", folder / "cache"
    write_pelican(corpus, content)
    command: list[str | Path] = [pelican, content, "-o", output, "-s", PELICAN_SETTINGS]
    command += ["--cache-path", cache, "--quiet"]
    row = Row("Pelican", len(corpus.stories), corpus.shape)
    return three_builds(
        row,
        lambda: measure(command, cwd=folder),
        lambda: remove(output, cache),
        content / middle_story(corpus),
    )


# --- Hugo ------------------------------------------------------------------------------


def bench_hugo(corpus: Corpus, hugo: Path, site: Path) -> Row:
    write_hugo(corpus, site)
    cache = site.parent / (site.name + "-cache")
    public = site / "public"
    command: list[str | Path] = [hugo, "--quiet", "--source", site, "--destination", public]
    command += ["--cacheDir", cache]
    row = Row("Hugo", len(corpus.stories), corpus.shape)
    row.notes.append("Hugo keeps no content cache: every build is a full build")
    return three_builds(
        row,
        lambda: measure(command),
        lambda: remove(public, site / "resources", cache),
        site / "content" / "posts" / middle_story(corpus),
    )


# --- Profile ---------------------------------------------------------------------------

#: (file ending, function name, what it is): the pipeline's stages, for cumulative shares.
STAGES = [
    ("storysite/build.py", "build_site", "the whole build"),
    ("storysite/loading.py", "load_stories", "load: read + front matter"),
    ("storysite/anonymise/__init__.py", "story", "anonymiser, first pass (text)"),
    ("storysite/markup.py", "render", "Markdown + tree pass + nh3"),
    ("storysite/anonymise/tree.py", "__call__", "anonymiser, second pass (tree)"),
    ("storysite/markup.py", "sanitise", "nh3 sanitising"),
    ("storysite/build.py", "_own_leak", "gate: each story's own text"),
    ("storysite/build.py", "_render_and_audit", "pages: render, gate, write"),
    ("storysite/build.py", "problem", "gate: every output file"),
    ("storysite/render.py", "page", "Jinja rendering"),
    ("storysite/writing.py", "put", "writing files"),
]


def profile(n: int, register: int, shape: str) -> list[str]:
    """cProfile one cold storysite build of ``n`` stories; summarise where time goes."""
    site = WORK / f"profile-{shape}-{n}"
    write_storysite(make_corpus(n, register, shape=shape), site)
    out = WORK / f"profile-{shape}-{n}.prof"
    command: list[str | Path] = [sys.executable, "-m", "cProfile", "-o", out, "-m", "storysite"]
    # One process: cProfile sees only the process it runs in, not forked workers.
    run = measure([*command, "build", "--site", site, "--today", TODAY, "--workers", "1"])
    title = f"cold build of {n:,} stories ({shape}): {run.seconds:.1f} s"
    return summarise_profile(out, title)


def summarise_profile(out: Path, title: str) -> list[str]:
    """Cumulative time of each pipeline stage, then the functions with most own time."""
    import pstats

    stats = pstats.Stats(str(out))
    entries = stats.stats  # type: ignore[attr-defined]
    total = max(ct for (_, _, _, ct, _) in entries.values())
    lines = [f"cProfile, {title} under the profiler", ""]
    lines += ["| stage | cumulative s | share |", "|---|---:|---:|"]
    for ending, name, label in STAGES:
        found = [v[3] for (f, _, fn), v in entries.items() if f.endswith(ending) and fn == name]
        if found:
            lines.append(f"| {label} (`{name}`) | {max(found):.2f} | {max(found) / total:.0%} |")
    lines += ["", "| function (own time) | calls | own s | share |", "|---|---:|---:|---:|"]
    ranked = sorted(entries.items(), key=lambda item: -item[1][2])[:15]
    for (file, line, name), (_, calls, own, _, _) in ranked:
        where = file.split("site-packages/")[-1].split("/src/")[-1]
        lines.append(f"| `{where}:{line}({name})` | {calls:,} | {own:.2f} | {own / total:.0%} |")
    return lines


@dataclass
class Extra:
    """What is measured once per shape, on its largest corpus: stages.py's privacy
    share and the serve reload times."""

    stages: str = ""
    privacy: tuple[float, float] | None = None  # (privacy CPU s, whole cold build CPU s)
    reloads: list[float] = field(default_factory=list)
    reload_failed: str = ""  # why serve could not be timed: the run then exits 1
    notes: list[str] = field(default_factory=list)


def stage_table(site: Path) -> tuple[str, tuple[float, float] | None]:
    """stages.py on a corpus already written: CPU time per stage, in one process, and
    the privacy work's CPU seconds beside the whole cold build's."""
    command: list[str | Path] = [sys.executable, HERE / "stages.py", site, "--today", TODAY]
    output = measure(command).output.rstrip()
    found = re.search(r"\nprivacy share: ([\d.]+) / ([\d.]+) CPU s$", output)
    if found is None:
        return output, None
    return output[: found.start()], (float(found.group(1)), float(found.group(2)))


def serve_reloads(corpus: Corpus, site: Path, trials: int, found: Extra) -> None:
    """``storysite serve`` on a copy of ``site``: seconds from saving the middle story
    to its page showing the change (see reload.py). A server that dies or never shows
    the change is reported, loudly, with the rest of the run's results."""
    story = corpus.stories[len(corpus.stories) // 2]
    command = storysite_command()
    try:
        found.reloads = reload.measure(
            command, site, story.filename, story.slug, trials, len(corpus.stories)
        )
    except reload.ReloadError as error:
        found.reload_failed = str(error)
        print(f"  serve reload FAILED: {error}", flush=True)
        return
    print(f"  serve reload: {reload.summary(found.reloads)}", flush=True)
    if len(found.reloads) < min(trials, len(reload.ROUNDS)):
        found.notes.append(
            f"serve reload, {corpus.shape}: no more reloads tried after one over "
            f"{reload.HOPELESS:.0f} s"
        )


def extra(corpus: Corpus, args: argparse.Namespace) -> Extra:
    site = WORK / f"storysite-{corpus.shape}-{len(corpus.stories)}"
    found = Extra()
    if not args.skip_stages:
        print(f"  stages.py on {site.name} …", flush=True)
        found.stages, found.privacy = stage_table(site)
        if found.privacy is None:
            found.notes.append("stages.py gave no privacy share: see its output")
    if args.reloads:
        print(f"  storysite serve on a copy of {site.name} …", flush=True)
        serve_reloads(corpus, site, args.reloads, found)
    return found


# --- Report ----------------------------------------------------------------------------


def tool_version(command: Sequence[str | Path]) -> str:
    try:
        done = subprocess.run([str(c) for c in command], capture_output=True, text=True)
    except OSError:
        return "absent"
    return (done.stdout or done.stderr).strip().splitlines()[0] if done.returncode == 0 else "?"


def revision() -> str:
    """The commit measured, and whether src/ had uncommitted changes."""
    root = HERE.parent
    head = tool_version(["git", "-C", root, "rev-parse", "--short", "HEAD"])
    changed = subprocess.run(
        ["git", "-C", str(root), "status", "--porcelain", "--", "src"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return f"commit {head}" + (" with uncommitted changes in src/" if changed else "")


def machine() -> list[str]:
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as info:
        kib = int(info.readline().split()[1])
    return [
        f"Date: {dt.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
        f"Machine: {os.cpu_count()} cores ({cpu}), {kib / 1024 / 1024:.1f} GiB RAM, "
        f"{platform.system()} {platform.release()}",
        f"Python: {platform.python_version()}",
        f"Load average (1, 5, 15 min): {', '.join(f'{x:.1f}' for x in os.getloadavg())}",
    ]


def seconds(run: Run | None) -> str:
    return "—" if run is None else f"{run.seconds:.2f} ({run.cpu:.2f})"


def table(rows: list[Row]) -> list[str]:
    lines = [
        "| tool | stories | cold s (CPU s) | no-change s (CPU s) | one edit s (CPU s) "
        "| peak RSS (MiB) | notes |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.tool} | {r.stories:,} | {seconds(r.cold)} | {seconds(r.no_change)} | "
            f"{seconds(r.one_edit)} | {r.peak_mib:.0f} | {'; '.join(r.notes)} |"
        )
    return lines


def shape_tables(rows: list[Row], shapes: Sequence[str]) -> list[str]:
    lines: list[str] = []
    for shape in shapes:
        lines += [f"Shape: {shape}", "", *table([r for r in rows if r.shape == shape]), ""]
    return lines + other_edits(rows)


def other_edits(rows: list[Row]) -> list[str]:
    """storysite's builds after other edits than the one edit (OTHER_EDITS)."""
    timed = [r for r in rows if r.others]
    if not timed:
        return []
    lines = [
        "Other edits, storysite only (each after the one edit, on the site it left):",
        "",
        "| shape | stories | " + " | ".join(f"{name} s (CPU s)" for name in OTHER_EDITS) + " |",
        "|---|---:|" + "---:|" * len(OTHER_EDITS),
    ]
    for r in timed:
        cells = " | ".join(seconds(r.others.get(name)) for name in OTHER_EDITS)
        lines.append(f"| {r.shape} | {r.stories:,} | {cells} |")
    return [*lines, ""]


def verdict(ok: bool) -> str:
    return "met" if ok else "**NOT met**"


def shape_targets(rows: list[Row], extra: Extra | None) -> dict[str, str]:
    """Issue 14's targets for one shape at one size: target -> this run's verdict."""
    found = {r.tool: r for r in rows}
    ours, pelican = found.get("storysite"), found.get("Pelican")
    cells: dict[str, str] = {}
    if ours is None or ours.cold is None:
        return cells
    cold = ours.cold.seconds
    cells["every story published (a held one is not built)"] = (
        f"**no**: {ours.unpublished}" if ours.unpublished else "yes"
    )
    if pelican and pelican.cold:
        ratio = pelican.cold.seconds / cold
        cells["cold ≥ 3× faster than Pelican (wall)"] = (
            f"{cold:.2f} s vs {pelican.cold.seconds:.2f} s: {ratio:.1f}×, {verdict(ratio >= 3)}"
        )
    if ours.no_change:
        wall = ours.no_change.seconds
        cells["no-change rebuild ≤ 1 s"] = f"{wall:.2f} s, {verdict(wall <= 1)}"
    if ours.one_edit:
        wall = ours.one_edit.seconds
        cells["one-story edit ≤ 1.5 s"] = f"{wall:.2f} s, {verdict(wall <= 1.5)}"
    megabytes = ours.peak_mib * 1.048576  # the target is in MB, RSS in MiB
    cells["peak RSS < 300 MB"] = f"{megabytes:.0f} MB, {verdict(megabytes < 300)}"
    if extra and extra.privacy:
        privacy, total = extra.privacy
        cells["privacy work ≤ 15 % of cold CPU"] = (
            f"{privacy:.1f} of {total:.1f} CPU s = {privacy / total:.0%}, "
            f"{verdict(privacy <= 0.15 * total)}"
        )
    if extra and extra.reload_failed:
        cells["serve reload ≤ 1 s (median)"] = "**FAILED**: serve was not timed, see below"
    elif extra and extra.reloads:
        median = statistics.median(extra.reloads)
        cells["serve reload ≤ 1 s (median)"] = (
            f"{median:.2f} s of {len(extra.reloads)}, {verdict(median <= 1)}"
        )
    return cells


def targets(rows: list[Row], extras: dict[str, Extra], shapes: Sequence[str]) -> list[str]:
    """One table: a row per target, a column per shape, at the largest size run."""
    n = max(r.stories for r in rows)
    columns = {
        s: shape_targets([r for r in rows if (r.shape, r.stories) == (s, n)], extras.get(s))
        for s in shapes
    }
    names = list(dict.fromkeys(name for cells in columns.values() for name in cells))
    lines = [
        f"Targets at {n:,} stories (issue 14)",
        "",
        "| target | " + " | ".join(shapes) + " |",
        "|---|" + "---|" * len(shapes),
    ]
    for name in names:
        lines.append(f"| {name} | " + " | ".join(columns[s].get(name, "—") for s in shapes) + " |")
    return lines


def register_costs(rows: list[Row]) -> list[str]:
    """What holding the site register adds to a cold build, in CPU time (the two builds
    may have met different loads)."""
    cold = {(r.tool, r.shape, r.stories): r.cold for r in rows if r.cold is not None}
    lines: list[str] = []
    for (tool, shape, n), ours in cold.items():
        empty = cold.get(("storysite, empty register", shape, n))
        if tool == "storysite" and ours is not None and empty is not None:
            share = (ours.cpu - empty.cpu) / empty.cpu * 100
            lines.append(f"{shape}, N={n:,}: the register adds {share:+.0f} % to cold CPU time")
    return lines


def bench_size(
    corpus: Corpus, args: argparse.Namespace, pelican: Path | None, hugo: str | None
) -> list[Row]:
    """Every tool on one corpus, one after the other, printing each row as it comes."""
    label = f"{corpus.shape}-{len(corpus.stories)}"
    jobs: list[tuple[str, Callable[[], Row]]] = [
        ("storysite", lambda: bench_storysite(corpus, WORK / f"storysite-{label}", True, False))
    ]
    if not args.skip_empty_register:
        empty = WORK / f"storysite-empty-{label}"
        jobs.append(("empty register", lambda: bench_storysite(corpus, empty, False, True)))
    if pelican is not None:
        jobs.append(("Pelican", lambda: bench_pelican(corpus, pelican, WORK / f"pelican-{label}")))
    if hugo is not None:
        jobs.append(("Hugo", lambda: bench_hugo(corpus, Path(hugo), WORK / f"hugo-{label}")))
    rows: list[Row] = []
    for name, job in jobs:
        print(f"  {name} …", flush=True)
        row = job()
        rows.append(row)
        print("  " + table([row])[-1], flush=True)
    return rows


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", default="1000,5000", help="comma-separated story counts")
    parser.add_argument(
        "--shapes", default=",".join(SHAPES), help=f"comma-separated: {', '.join(SHAPES)}"
    )
    parser.add_argument("--quick", action="store_true", help="N=200 only: a smoke test")
    parser.add_argument("--register", type=int, default=2000, help="site register size")
    parser.add_argument("--skip-pelican", action="store_true")
    parser.add_argument("--skip-hugo", action="store_true")
    parser.add_argument(
        "--skip-empty-register", action="store_true", help="skip the empty-register build"
    )
    parser.add_argument(
        "--skip-stages",
        action="store_true",
        help="skip the stage-by-stage timing (stages.py) of each shape's largest corpus",
    )
    parser.add_argument(
        "--reloads",
        type=int,
        default=5,
        metavar="K",
        help="serve reloads timed per shape, on its largest corpus (0: none; at most 10)",
    )
    parser.add_argument(
        "--profile",
        type=int,
        metavar="N",
        help="instead of the tables: cProfile one cold storysite build of N stories "
        "(of the first of --shapes)",
    )
    args = parser.parse_args(argv)
    args.shapes = [s.strip() for s in args.shapes.split(",") if s.strip()]
    unknown = [s for s in args.shapes if s not in SHAPES]
    if unknown:
        parser.error(f"unknown shape {unknown[0]!r}: one of {', '.join(SHAPES)}")
    sizes = [200] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    args.sizes = sorted(sizes)
    return args


def tools(args: argparse.Namespace) -> tuple[Path | None, str | None, list[str]]:
    """Pelican (installed on first use) and Hugo, each None when skipped or absent."""
    notes: list[str] = []
    pelican = None if args.skip_pelican else pelican_venv()
    hugo = None if args.skip_hugo else shutil.which("hugo")
    if not args.skip_hugo and hugo is None:
        notes.append("Hugo skipped: `hugo` is not installed (apt-get install -y hugo).")
    return pelican, hugo, notes


def versions(pelican: Path | None, hugo: str | None) -> list[str]:
    lines = [f"storysite: {tool_version([storysite_command(), '--version'])}, {revision()}"]
    if pelican is not None:
        lines.append(f"Pelican: {tool_version([pelican, '--version'])}")
    if hugo is not None:
        lines.append(f"Hugo: {tool_version([hugo, 'version'])}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    WORK.mkdir(parents=True, exist_ok=True)
    if args.profile:
        print("\n".join(profile(args.profile, args.register, args.shapes[0])))
        return 0
    pelican, hugo, notes = tools(args)
    header = machine() + versions(pelican, hugo)
    print("\n".join(header), flush=True)
    rows: list[Row] = []
    extras: dict[str, Extra] = {}
    for n in args.sizes:  # interleaved: at each size, every shape; for each, every tool
        for shape in args.shapes:
            corpus = make_corpus(n, args.register, shape=shape)
            said = f", {corpus.mentions:,} mentions" if corpus.mentions else ""
            print(
                f"{shape}, N={n:,}: {corpus.words:,} words{said}, register of {args.register:,}",
                flush=True,
            )
            rows.extend(bench_size(corpus, args, pelican, hugo))
            if n == args.sizes[-1]:
                extras[shape] = extra(corpus, args)
    header.append(machine()[-1].replace("Load", "Load at the end: load"))
    report = [*header, "", *shape_tables(rows, args.shapes)]
    report += [*targets(rows, extras, args.shapes), "", *register_costs(rows), *notes]
    for shape, found in extras.items():
        report += found.notes
        if found.reload_failed:
            report += [f"serve reload, {shape}, FAILED: {found.reload_failed}"]
        if found.stages:
            report += ["", f"stages.py, shape {shape}:", "", found.stages]
    print("\n" + "\n".join(report))
    print(f"\nThe whole run took {time.perf_counter() - started:.0f} s.")
    return 1 if any(found.reload_failed for found in extras.values()) else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        print(f"benchmarks/run.py: {error}", file=sys.stderr)
        sys.exit(1)
