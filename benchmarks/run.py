"""`make bench`: build one synthetic corpus with storysite, Pelican and Hugo, and print
one table: cold build, no-change rebuild, rebuild after editing one story, peak memory.

Every build runs in a fresh subprocess; its wall time is measured around it and its
peak resident memory comes from os.wait4 (the kernel's figure for that one child).
Pelican is installed into its own venv under benchmarks/work/; Hugo is the system's
``hugo`` and is skipped, with a note, when it is not installed. storysite is also
built with an empty site register (the register people each story mentions are then
declared in the story, so the same text is published with the same replacements):
the difference is what the 2,000-person register costs.

    .venv/bin/python benchmarks/run.py                 # N = 1,000 and 5,000
    .venv/bin/python benchmarks/run.py --quick         # N = 200: a smoke test
    .venv/bin/python benchmarks/run.py --sizes 1000 --skip-pelican --skip-hugo

Never part of ``make test``: a full run takes tens of minutes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import Corpus, edit_story, make_corpus, write_hugo, write_pelican, write_storysite

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
    cold: Run | None = None
    no_change: Run | None = None
    one_edit: Run | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def peak_mib(self) -> float:
        runs = [r for r in (self.cold, self.no_change, self.one_edit) if r is not None]
        return max(r.peak_mib for r in runs) if runs else 0.0


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
    row = Row(name, len(corpus.stories))

    def build() -> Run:
        return measure(base)

    def clear() -> None:
        remove(*storysite_caches(site))

    cold_build = None
    if "--no-cache" in flags:
        row.notes.append("cold run with --no-cache")

        def cold_build() -> Run:
            return measure([*base, "--no-cache"])

    if cold_only:
        clear()
        row.cold = build() if cold_build is None else cold_build()
    else:
        three_builds(row, build, clear, site / "stories" / middle_story(corpus), cold_build)
    assert row.cold is not None
    note = published_note(row.cold, len(corpus.stories))
    if note:
        row.notes.append(note)
    return row


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
    row = Row("Pelican", len(corpus.stories))
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
    row = Row("Hugo", len(corpus.stories))
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


def profile(n: int, register: int) -> list[str]:
    """cProfile one cold storysite build of ``n`` stories; summarise where time goes."""
    site = WORK / f"profile-{n}"
    write_storysite(make_corpus(n, register), site)
    out = WORK / f"profile-{n}.prof"
    command: list[str | Path] = [sys.executable, "-m", "cProfile", "-o", out, "-m", "storysite"]
    # One process: cProfile sees only the process it runs in, not forked workers.
    run = measure([*command, "build", "--site", site, "--today", TODAY, "--workers", "1"])
    return summarise_profile(out, f"cold build of {n:,} stories: {run.seconds:.1f} s")


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


def stage_table(site: Path) -> str:
    """stages.py on a corpus already written: CPU time per stage, in one process."""
    command = [sys.executable, HERE / "stages.py", site, "--today", TODAY]
    return measure(command).output.rstrip()


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


def verdicts(rows: list[Row]) -> list[str]:
    """The issue's targets, checked against this run's own numbers."""
    lines: list[str] = []
    for n in sorted({r.stories for r in rows}):
        found = {r.tool: r for r in rows if r.stories == n}
        ours = found.get("storysite")
        if ours is None or ours.cold is None:
            continue
        cold = ours.cold.seconds
        checks = [f"N={n:,}: storysite cold {cold:.2f} s"]
        pelican, hugo = found.get("Pelican"), found.get("Hugo")
        if pelican and pelican.cold:
            goal = pelican.cold.seconds / 4
            checks.append(f"Pelican/4 = {goal:.2f} s {'met' if cold <= goal else 'NOT met'}")
        if hugo and hugo.cold:
            goal = hugo.cold.seconds
            checks.append(f"Hugo = {goal:.2f} s {'met' if cold <= goal else 'NOT met'}")
        if ours.no_change:
            ok = "met" if ours.no_change.seconds <= 1 else "NOT met"
            checks.append(f"no-change ≤ 1 s {ok}")
        if ours.one_edit:
            ok = "met" if ours.one_edit.seconds <= 1.5 else "NOT met"
            checks.append(f"one edit ≤ 1.5 s {ok}")
        megabytes = ours.peak_mib * 1.048576  # the target is in MB, RSS in MiB
        ok = "met" if megabytes < 300 else "NOT met"
        checks.append(f"peak {megabytes:.0f} MB < 300 MB {ok}")
        empty = found.get("storysite, empty register")
        if empty and empty.cold:  # CPU time: the two builds may have met different loads
            share = (ours.cold.cpu - empty.cold.cpu) / empty.cold.cpu * 100
            checks.append(f"the register adds {share:+.0f} % to cold CPU time")
        lines.append("; ".join(checks))
    return lines


def bench_size(
    corpus: Corpus, args: argparse.Namespace, pelican: Path | None, hugo: str | None
) -> list[Row]:
    """Every tool on one corpus, one after the other, printing each row as it comes."""
    n = len(corpus.stories)
    jobs: list[tuple[str, Callable[[], Row]]] = [
        ("storysite", lambda: bench_storysite(corpus, WORK / f"storysite-{n}", True, False))
    ]
    if not args.skip_empty_register:
        empty = WORK / f"storysite-empty-{n}"
        jobs.append(("empty register", lambda: bench_storysite(corpus, empty, False, True)))
    if pelican is not None:
        jobs.append(("Pelican", lambda: bench_pelican(corpus, pelican, WORK / f"pelican-{n}")))
    if hugo is not None:
        jobs.append(("Hugo", lambda: bench_hugo(corpus, Path(hugo), WORK / f"hugo-{n}")))
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
        help="skip the stage-by-stage timing (stages.py) of the largest corpus",
    )
    parser.add_argument(
        "--profile",
        type=int,
        metavar="N",
        help="instead of the table: cProfile one cold storysite build of N stories",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = [200] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    started = time.perf_counter()
    WORK.mkdir(parents=True, exist_ok=True)
    if args.profile:
        print("\n".join(profile(args.profile, args.register)))
        return 0
    header = machine()
    notes: list[str] = []
    pelican = None if args.skip_pelican else pelican_venv()
    hugo_found = None if args.skip_hugo else shutil.which("hugo")
    if not args.skip_hugo and hugo_found is None:
        notes.append("Hugo skipped: `hugo` is not installed (apt-get install -y hugo).")
    header.append(f"storysite: {tool_version([storysite_command(), '--version'])}, {revision()}")
    if pelican is not None:
        header.append(f"Pelican: {tool_version([pelican, '--version'])}")
    if hugo_found is not None:
        header.append(f"Hugo: {tool_version([hugo_found, 'version'])}")
    for line in header:
        print(line, flush=True)
    rows: list[Row] = []
    for n in sizes:
        corpus = make_corpus(n, args.register)
        print(f"N={n:,}: {corpus.words:,} words, register of {args.register:,}", flush=True)
        rows.extend(bench_size(corpus, args, pelican, hugo_found))
    print()
    header.append(machine()[-1].replace("Load", "Load at the end: load"))
    for line in [*header, "", *table(rows), "", *verdicts(rows), *notes]:
        print(line)
    if not args.skip_stages and sizes:
        print()
        print(stage_table(WORK / f"storysite-{max(sizes)}"))
    print(f"\nThe whole run took {time.perf_counter() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        print(f"benchmarks/run.py: {error}", file=sys.stderr)
        sys.exit(1)
