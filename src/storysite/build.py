"""build_site(): the pipeline, top to bottom.

load -> consent -> anonymise -> render -> audit -> write. Each step is one call.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING

from storysite import feeds, schedule
from storysite.audit import Gate, Reading, pack, story_reading, unpack
from storysite.awkward import awkward_replacements
from storysite.cache import ImageCache, cache_dir
from storysite.collate import RenderedStory, Site
from storysite.config import CONFIG_NAME, SiteConfig
from storysite.consent import hold_reasons
from storysite.errors import ContentErrors, Problem
from storysite.feeds import search_weights
from storysite.images import (
    ImageStore,
    KeptPicture,
    Stamp,
    image_stamps,
    kept_pictures,
    stamps_hold,
    unique_files,
    with_clean_images,
)
from storysite.incremental import (
    KeptIndex,
    Manifest,
    Store,
    Written,
    digest,
    inputs_digest,
    manifest_key,
    marker_text,
    site_fingerprint,
    stat_of,
)
from storysite.loading import linked_folders, load_stories, load_story, story_paths
from storysite.models import (
    AnonymisedStory,
    BuildReport,
    Finding,
    Held,
    HoldReason,
    Markup,
    OutputFile,
    ScheduledChange,
    SourceStory,
)
from storysite.pages import FOREIGN_LOAD_RE, Made, Pages
from storysite.parallel import MIN_PARALLEL, InBackground, map_ordered, worker_count
from storysite.pictures import Picture
from storysite.scaffold import EXAMPLE_BASE_URL
from storysite.writing import BUILT_KEY, InPlace, Staging, current_umask, hold_build_lock

# The anonymiser and Markdown are imported where a story is worked out: a build that
# takes every story from the cache works out none, and starts faster without them.
if TYPE_CHECKING:
    from storysite.anonymise.anonymiser import Anonymiser
    from storysite.markup import MarkdownRenderer, TreeHook


@dataclass(frozen=True)
class Decision:
    """What a build decided for one story, before anything is rendered."""

    story: AnonymisedStory
    reasons: tuple[HoldReason, ...]
    findings: tuple[Finding, ...]
    # The story's cleaned images, and its anonymiser pass over the parsed tree.
    images: tuple[OutputFile | KeptPicture, ...] = ()
    tree_pass: TreeHook | None = None
    warnings: tuple[str, ...] = ()  # images left out (images.py), awkward replacements
    pictures: tuple[tuple[str, Picture], ...] = ()  # what each image's renditions are

    @property
    def published(self) -> bool:
        return not self.reasons


def decide(config: SiteConfig, today: dt.date) -> tuple[list[Decision], Gate]:
    """Load, check consent and anonymise every story, without rendering (check, review,
    the consent register). Raises ContentErrors on bad input."""
    from storysite.anonymise.anonymiser import Anonymiser

    loaded = load_stories(config)
    anonymiser = Anonymiser(config)
    images = ImageStore(config, ImageCache(cache_dir(config.root), write=False))
    decided = [_decide_one(anonymiser, images, source, today) for source in loaded.stories]
    decisions = [decision for decision, _ in decided]
    _stop_on_problems([*loaded.problems, *(p for _, found in decided for p in found)], decisions)
    return decisions, Gate(config, loaded.stories)


def _stop_on_problems(problems: list[Problem], decisions: list[Decision]) -> None:
    """Raise every problem with the input at once, two stories with one slug included."""
    problems = problems + _duplicate_slugs(decisions)
    if problems:
        raise ContentErrors(problems)


def story_markup(decision: Decision, markdown: MarkdownRenderer | None = None) -> Markup:
    """A story's HTML exactly as its page shows it: Markdown, the anonymiser's pass over
    the parsed tree, then the sanitiser."""
    from storysite.markup import MarkdownRenderer

    hooks = [decision.tree_pass] if decision.tree_pass else []
    return (markdown or MarkdownRenderer()).render(decision.story.body, hooks)


def _decide_one(
    anonymiser: Anonymiser, images: ImageStore, source: SourceStory, today: dt.date
) -> tuple[Decision, list[Problem]]:
    # Images are found in the text as written, then renamed before anonymising.
    found, problems = images.collect(source)
    story, findings = anonymiser.story(with_clean_images(source, found))
    reasons = hold_reasons(source, today)
    if findings:
        reasons += (HoldReason("findings", _findings_message(findings)),)
    files = tuple(found.files(story.slug))
    warnings = tuple(found.warnings)
    if not findings:  # with findings, the text may still hold a name: quote none of it
        path = source.display_path
        warnings += tuple(a.message(path) for a in awkward_replacements(story))
    decision = Decision(
        story,
        reasons,
        tuple(findings),
        files,
        anonymiser.tree_pass(story),
        warnings,
        found.pictures(),
    )
    return decision, list(problems)


@dataclass(frozen=True)
class _Worked:
    """One story after the per-story work (done in a worker process, or here)."""

    decision: Decision  # without its tree pass, which cannot leave the process
    problems: tuple[Problem, ...]
    markup: Markup | None  # None: held and not rendered
    leak: HoldReason | None
    weights: bytes | None = None  # its words for the search index
    key: str = ""  # the cache key of its work (incremental.py)
    stamps: tuple[Stamp, ...] = ()  # its pictures' files (images.py)
    listing: str = ""  # what identifies it on a listing page (see listing_id)
    reading: bytes | None = None  # what the gate read of it, packed, to keep (audit.py)

    @cached_property  # read several times per story and build
    def identity(self) -> str:
        """Its work, pictures' files included: what a page or a verdict depends on."""
        return _identity(self.key, self.stamps)


@lru_cache(maxsize=1 << 16)  # asked twice per story and build: for its verdict and pages
def _identity(key: str, stamps: tuple[Stamp, ...]) -> str:
    return digest(key, repr(stamps)) if key else ""


@dataclass(frozen=True)
class _Early:
    """The few stories the cache has nothing for, being worked out in the background
    (see ``_Build._start_early``): each loaded (story, problems) by its index, the
    indices worked out in order, and their pictures' stamps from before the work."""

    loaded: dict[int, tuple[SourceStory | None, list[Problem]]]
    order: list[int]
    stamps: dict[int, tuple[Stamp, ...]]
    pending: InBackground[_Worked]


@dataclass(frozen=True)
class StoryEntry:
    """What the cache keeps of one story's work: everything but the day's decisions."""

    decision: Decision  # travelling (see _travelling), without reasons or images
    problems: tuple[Problem, ...]
    markup: Markup | None
    weights: bytes | None
    image_stamps: tuple[Stamp, ...]
    listing: str


class _StoryWork:
    """Everything the per-story step needs, made once before any worker starts."""

    def __init__(
        self,
        config: SiteConfig,
        today: dt.date,
        sources: list[SourceStory],
        include_held: bool,
        folder: Path | None,
        store: Store | None = None,
    ) -> None:
        self.config = config
        self.today = today
        self.sources = sources
        self.include_held = include_held
        self.images = ImageStore(config, ImageCache(folder))
        self._store = store
        #: Whether what the gate reads of each story is kept (``_with_verdict``).
        self.keeps_readings = store is not None and store.enabled
        self._markdown: MarkdownRenderer | None = None

    @cached_property
    def people(self) -> list[str]:
        """What the gate reads of every story's people (audit.gate_patterns): each
        person's name and aliases, and whether they may be named; each once, sorted.
        Where a person is declared (file, line) and how they are shown are left out: a
        line added above ``people:`` in one story must not make every page of the site
        be checked and made again."""
        found = {(p.named, p.name, p.aliases) for s in self.sources for p in s.people}
        return [repr(person) for person in sorted(found)]

    @cached_property
    def gate(self) -> Gate:
        """The build's gate, over every story's people (see _gate)."""
        return _gate(self.config, self.sources, self.people, self._store)

    def __call__(self, index: int) -> _Worked:
        return _verdict_of(self, self.made(index))

    def made(self, index: int) -> _Worked:
        """One story decided, rendered and its search words worked out; its gate
        verdict is not (see ``__call__``)."""
        decision, problems = _decide_one(
            self.anonymiser, self.images, self.sources[index], self.today
        )
        markup, weights = None, None
        if decision.published or self.include_held:
            markup = story_markup(decision, self.markdown())
            weights = search_weights(RenderedStory(decision.story, markup))
        travelling = _travelling(decision)
        return _Worked(
            travelling, tuple(problems), markup, None, weights, listing=listing_id(travelling)
        )

    @cached_property
    def anonymiser(self) -> Anonymiser:
        """Made only when a story must be worked out (before workers start: see _gather),
        and kept for the next build in this process while the code and site file are
        the same (``storysite serve``)."""
        made_from = site_fingerprint(self.config)
        if _LAST_ANONYMISER and _LAST_ANONYMISER[0][0] == made_from:
            return _LAST_ANONYMISER[0][1]
        from storysite.anonymise.anonymiser import Anonymiser

        anonymiser = Anonymiser(self.config)
        _LAST_ANONYMISER[:] = [(made_from, anonymiser)]
        return anonymiser

    def prepare(self, anonymiser: bool) -> None:
        """Make the gate, and the anonymiser when stories are to be worked out, now,
        before workers start, so each inherits them (and only this process writes the
        cache)."""
        _ = self.gate
        if anonymiser:
            _ = self.anonymiser

    def markdown(self) -> MarkdownRenderer:
        """One Markdown instance per process, reset between stories."""
        if self._markdown is None:
            from storysite.markup import MarkdownRenderer

            self._markdown = MarkdownRenderer()
        return self._markdown


def _travelling(decision: Decision) -> Decision:
    """What of a decision the parent keeps: no tree pass (it cannot leave the process),
    and neither the raw nor the anonymised Markdown, which nothing after this step
    reads (the story's HTML travels beside it), so the parent never holds every
    story's text two or three times over."""
    story = decision.story
    source = replace(story.source, body="")
    return replace(decision, story=replace(story, source=source, body=""), tree_pass=None)


#: The last anonymiser made in this process, by the site file and code it holds.
_LAST_ANONYMISER: list[tuple[str, Anonymiser]] = []

#: The last gate made in this process, by what it was made from: ``storysite serve``
#: builds again and again with the same people.
_LAST_GATE: list[tuple[str, Gate]] = []


def _gate(
    config: SiteConfig, sources: list[SourceStory], people: list[str], store: Store | None
) -> Gate:
    """The build's gate. Its patterns come from the cache when the code, the site file
    and every story's people are the same as when they were worked out."""
    made_from = digest("gate", site_fingerprint(config), people)
    if _LAST_GATE and _LAST_GATE[0][0] == made_from:
        return _LAST_GATE[0][1]
    cached = store.get(made_from) if store is not None else None
    if isinstance(cached, dict) and all(
        isinstance(k, str) and isinstance(v, int) for k, v in cached.items()
    ):
        gate = Gate(config, sources, patterns=cached)
    else:
        gate = Gate(config, sources)
        if store is not None:
            store.put_many("gate", [(made_from, gate.patterns)])
            store.keep_only("gate", [made_from])
    _LAST_GATE[:] = [(made_from, gate)]
    return gate


def _verdicts_key(names: str) -> str:
    """The table of every story's own gate verdict for one set of protected names, by
    the story's work (``_Worked.identity``): a verdict holds for both."""
    return digest("verdicts", names)


def _entry_of(worked: _Worked) -> StoryEntry:
    decision = replace(worked.decision, reasons=(), images=())
    return StoryEntry(
        decision, worked.problems, worked.markup, worked.weights, worked.stamps, worked.listing
    )


def listing_id(decision: Decision) -> str:
    """What identifies a story on a listing page: everything of it but its HTML (title,
    date, summary, tags, pictures...), from a travelling decision."""
    story = decision.story
    return digest(repr(story), repr(story.source), repr(decision.pictures))


@dataclass(frozen=True)
class _Verdict:
    """A story's own gate verdict, and what the gate read of it when it read it now
    (packed, to keep). A cached story's travels back from a worker alone."""

    leak: HoldReason | None
    reading: bytes | None = None


def _verdict(work: _StoryWork, rendered: RenderedStory, packed: bytes | None) -> _Verdict:
    """The story's own gate verdict for today's names: from what the gate read of the
    same work before (``packed``, kept in the cache by its identity), or read now."""
    reading = unpack(packed) if packed is not None else None
    if reading is not None:
        return _Verdict(_own_leak(work.gate, rendered, reading))
    reading = own_reading(rendered)
    kept = pack(reading) if work.keeps_readings else None
    return _Verdict(_own_leak(work.gate, rendered, reading), kept)


def _with_verdict(work: _StoryWork, worked: _Worked, rendered: RenderedStory) -> _Worked:
    """``worked`` with its own gate verdict, and what the gate read of it to keep."""
    verdict = _verdict(work, rendered, None)
    return replace(worked, leak=verdict.leak, reading=verdict.reading)


def _reading_key(identity: str) -> str:
    """Where what the gate read of a story's own texts is kept, by its work."""
    return digest("story reading", identity)


def _verdict_of(work: _StoryWork, worked: _Worked) -> _Worked:
    """``worked`` with its own gate verdict, when it was rendered."""
    if worked.markup is None:
        return worked
    return _with_verdict(work, worked, RenderedStory(worked.decision.story, worked.markup))


def file_stamp(
    path: Path, known: Mapping[str, tuple[int, int, int, int, str]]
) -> tuple[int, int, int, int, str]:
    """A story file's size, times and inode, and a hash of its bytes: taken from
    ``known`` (the last build's) when the file system says it is the same file,
    unchanged since (the change time cannot be set back, even by someone who sets
    the modification time back); read and hashed otherwise. An unreadable file hashes
    as "" (its loading says why)."""
    try:
        info = os.stat(path)
    except OSError:
        return (0, 0, 0, 0, "")
    seen = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
    before = known.get(str(path))
    if before is not None and before[:4] == seen:
        return before
    try:
        return (*seen, hashlib.sha256(path.read_bytes()).hexdigest())
    except OSError:
        return (0, 0, 0, 0, "")


#: Called once per story, with the story's decision and the number of stories.
StoryCallback = Callable[[Decision, int], None]


def build_site(
    config: SiteConfig,
    today: dt.date,
    output: Path,
    *,
    include_held: bool = False,
    on_story: StoryCallback | None = None,
    use_cache: bool = True,
    workers: int | None = None,
    keep_previous: bool = False,
    in_place: bool = False,
) -> BuildReport:
    """Build the site into ``output``: the pipeline, top to bottom.

    ``include_held`` is for the local preview only: held stories are rendered too
    (anonymised and gate-checked), but the report still lists them as held.
    ``on_story`` sees each story's decision as it is rendered (progress, preview).
    ``use_cache`` reuses what earlier builds worked out (incremental.py), and writes
    nothing when nothing changed; ``workers`` forces the number of processes (default:
    see parallel.py). ``keep_previous`` keeps the site this build replaces as
    ``output.previous``. ``in_place`` writes into ``output`` file by file instead of
    swapping a whole new folder in: for the local preview only (writing.InPlace).
    """
    folder = cache_dir(config.root) if use_cache else None
    store = Store(folder)
    try:
        return _Build(config, today, output, store, include_held, workers).run(
            on_story, keep_previous, in_place
        )
    finally:
        store.close()


class _Build:
    """One build: what it reads, what it can take from the cache, what it makes."""

    def __init__(
        self,
        config: SiteConfig,
        today: dt.date,
        output: Path,
        store: Store,
        include_held: bool,
        workers: int | None,
    ) -> None:
        self.config, self.today, self.output, self.store = config, today, output, store
        self.include_held, self.workers = include_held, workers
        self.site_key = site_fingerprint(config) if store.enabled else ""
        self.pictures = ImageCache(store.folder)  # (removes an entry found damaged)
        self.paths = story_paths(config)
        self.inputs = ""
        self.previous: Manifest | None = None
        if store.enabled:
            found = store.get(manifest_key(output))
            self.previous = found if isinstance(found, Manifest) else None
        known = self.previous.stories if self.previous is not None else {}
        # Each story file's stamp and hash: what the cache keys and the manifest are
        # made of (without a cache, nothing reads them: no file is read twice).
        self.stamps = [file_stamp(path, known) for path in self.paths] if store.enabled else []
        self.hashes = [stamp[-1] for stamp in self.stamps] or [""] * len(self.paths)
        self.linked = linked_folders(config)
        if store.enabled:
            self.inputs = inputs_digest(
                config,
                [(str(p), h) for p, h in zip(self.paths, self.hashes, strict=True)],
                (include_held, current_umask(), self.linked),
            )

    def unchanged_now(self) -> BuildReport | None:
        """``unchanged()``, decided while holding the output's build lock, as any build
        holds it: while another build is writing the output, this one stops at once,
        as it would without a cache (saying "nothing had changed" beside it would
        report a site that build is about to replace)."""
        if self.previous is None:
            return None
        try:
            lock = hold_build_lock(self.output)
        except OSError:  # the output's folder is gone: no shortcut; the build says why
            return None
        try:
            return self.unchanged()
        finally:
            lock.release()

    def unchanged(self) -> BuildReport | None:
        """The last build's report, when this build would write exactly what it wrote."""
        last = self.previous
        if last is None or last.inputs != self.inputs or last.day != self.today:
            return None
        if not isinstance(last.report, BuildReport) or not last.untouched(self.output):
            return None
        if not stamps_hold(last.images):
            return None
        return replace(last.report, unchanged=True)

    def run(
        self, on_story: StoryCallback | None, keep_previous: bool, in_place: bool = False
    ) -> BuildReport:
        same = self.unchanged_now()
        if same is not None:
            return same
        folder = InPlace(self.output) if in_place else Staging(self.output, keep_previous)
        with folder as staging:
            if self.previous is not None:  # most of its files will be wanted again
                staging.link_ahead(self.previous.files)
            results, names, gate = self._work_on_stories()
            outcome = _Outcome.sort(results, on_story)
            site = Site.collate(outcome.published + outcome.preview_only)
            upcoming = outcome.upcoming(self.today)
            record = [f"{BUILT_KEY}{self.today.isoformat()}"]
            if upcoming:
                record.append(f"next change: {upcoming[0].day.isoformat()}")
            keys = {r.decision.story.slug: (r.identity, r.listing) for r in results}
            kept = None
            if self.store.enabled:
                kept = KeptIndex(self.store.folder, {r.decision.story.slug: r.key for r in results})
            pages = Pages(self.config, gate, names, keys, self.previous, kept, self.store)
            made = pages.render_and_audit(site, _shown_images(site, results), self.workers, staging)
            written = staging.publish([m.path for m in made], record)
        report = replace(
            outcome.report(self.config, written, self.output, site, self.linked),
            today=self.today,
            next_change=upcoming,
        )
        self._remember(results, made, names, report)
        ImageCache(self.store.folder).prune(
            p.cache_key for r in results for _, p in r.decision.pictures
        )
        return report

    def _work_on_stories(self) -> tuple[list[_Worked], str, Gate]:
        """Every story's decision, HTML and own gate verdict: from the cache where it
        holds, else worked out across the cores. Raises ContentErrors, before anything
        is written, on any bad input."""
        enabled = self.store.enabled
        keys = [
            digest("story", self.site_key, str(path), hashed) if enabled else ""
            for path, hashed in zip(self.paths, self.hashes, strict=True)
        ]
        early = self._start_early(keys)
        try:
            return self._work_on(keys, early)
        finally:
            if early is not None:
                early.pending.cancel()

    def _start_early(self, keys: list[str]) -> _Early | None:
        """When the cache holds every story but a few (one saved again), those few are
        worked out in a background process from here on, while this one reads the
        others from the cache; only their gate verdicts wait for the gate, which needs
        every story's people."""
        if not self.store.enabled:
            return None
        present = self.store.present(keys)
        missing = [index for index, key in enumerate(keys) if key not in present]
        if not missing or len(missing) >= MIN_PARALLEL:
            return None
        loaded = {index: load_story(self.paths[index], self.config) for index in missing}
        ready = {index: story for index, (story, _) in loaded.items() if story is not None}
        stamps = {index: image_stamps(story, self.config.root) for index, story in ready.items()}
        sources = list(ready.values())
        work = _StoryWork(self.config, self.today, sources, self.include_held, self.store.folder)
        forking = worker_count(MIN_PARALLEL, self.workers) > 1
        return _Early(loaded, list(ready), stamps, InBackground(work.made, len(ready), forking))

    def _work_on(self, keys: list[str], early: _Early | None) -> tuple[list[_Worked], str, Gate]:
        config, enabled = self.config, self.store.enabled
        found = self.store.get_many(keys) if enabled else {}
        entries = [self._usable(found.get(key)) for key in keys]
        sources: list[SourceStory | None] = []
        problems: list[Problem] = []
        waiting = early.loaded if early is not None else {}
        unread = [i for i, entry in enumerate(entries) if entry is None and i not in waiting]
        read = {**waiting, **self._load(unread)}
        for index, entry in enumerate(entries):
            if entry is not None:
                sources.append(entry.decision.story.source)
                continue
            story, trouble = read[index]
            problems.extend(trouble)
            sources.append(story)
        loaded = [s for s in sources if s is not None]
        # What the gate's verdicts depend on: its code, the site file (the register,
        # the site's own numbers) and what it reads of every story's people.
        work = _StoryWork(
            config, self.today, loaded, self.include_held, self.store.folder, self.store
        )
        names = digest(self.site_key, work.people)
        identities = [
            _identity(key, entry.image_stamps) if entry is not None else ""
            for key, entry in zip(keys, entries, strict=True)
        ]
        table = self.store.get(_verdicts_key(names)) if enabled else None
        verdicts: dict[str, object] = table if isinstance(table, dict) else {}
        results = self._gather(work, keys, entries, sources, identities, verdicts, names, early)
        problems += [p for r in results for p in r.problems]
        _stop_on_problems(problems, [r.decision for r in results])
        return results, names, work.gate

    def _load(self, indices: list[int]) -> dict[int, tuple[SourceStory | None, list[Problem]]]:
        """The stories at ``indices`` read from their files (each a story, or None, and
        its problems), across the cores when there are many (a first build)."""
        paths, config = self.paths, self.config
        count = worker_count(len(indices), self.workers)
        found = map_ordered(lambda n: load_story(paths[indices[n]], config), len(indices), count)
        return dict(zip(indices, found, strict=True))

    def _usable(self, entry: object) -> StoryEntry | None:
        """A cached story's work, when it is one, its pictures' files are unchanged, and
        it holds the HTML today's build needs (a story held by its consent when the
        entry was made was not rendered then)."""
        if not isinstance(entry, StoryEntry) or not stamps_hold(entry.image_stamps):
            return None
        decision = entry.decision
        pictures = (p for _, p in decision.pictures)
        sources = (path for path, *_ in entry.image_stamps)
        images = kept_pictures(pictures, decision.story.slug, sources, self.pictures)
        if images is None:
            return None
        if entry.markup is None:
            source = entry.decision.story.source
            if self.include_held or not (
                entry.decision.findings or hold_reasons(source, self.today)
            ):
                return None
        if not images:
            return entry
        return replace(entry, decision=replace(entry.decision, images=images))

    def _gather(
        self,
        work: _StoryWork,
        keys: list[str],
        entries: list[StoryEntry | None],
        sources: list[SourceStory | None],
        identities: list[str],
        verdicts: dict[str, object],
        names: str,
        early: _Early | None = None,
    ) -> list[_Worked]:
        """Each story's result, in file order: taken from its cache entry (with the
        day's consent decided again and its gate verdict checked for today's names),
        worked out in the background from the start (``early``, then given its
        verdict here), or worked out in a worker process."""
        position = {id(s): n for n, s in enumerate(work.sources)}
        made_early = dict(zip(early.order, early.pending.results(), strict=True)) if early else {}
        readings = self._readings(entries, identities, verdicts)
        results: list[_Worked | None] = []
        tasks: list[tuple[int, Callable[[], _Worked | _Verdict]]] = []
        for index, entry in enumerate(entries):
            source = sources[index]
            if source is None:  # could not be loaded: its problem stops the build
                results.append(None)
                continue
            worked = self._from_entry(entry, keys[index], verdicts.get(identities[index]))
            results.append(worked)
            if worked is None and index in made_early:
                tasks.append((index, partial(_verdict_of, work, made_early[index])))
            elif worked is None:
                tasks.append((index, partial(work, position[id(source)])))
            elif worked.markup is not None and not isinstance(
                verdicts.get(identities[index]), tuple
            ):
                rendered = RenderedStory(worked.decision.story, worked.markup)
                packed = readings.get(_reading_key(identities[index]))
                tasks.append((index, partial(_verdict, work, rendered, packed)))
        # The anonymiser made once here, not in every worker.
        work.prepare(any(entries[i] is None and i not in made_early for i, _ in tasks))
        root = self.config.root
        # What a worked-out story is read from, stamped before and after its work: its
        # result is kept only if nothing was saved again meanwhile.
        stamped = {
            i: early.stamps[i] if early is not None and i in early.stamps
            else image_stamps(sources[i], root)  # type: ignore[arg-type]
            for i, _ in tasks
            if entries[i] is None
        }  # fmt: skip
        done = map_ordered(
            lambda n: tasks[n][1](), len(tasks), worker_count(len(tasks), self.workers)
        )
        fresh: list[tuple[str, object]] = []
        fresh_verdicts: dict[str, object] = {}
        fresh_readings: list[tuple[str, object]] = []
        for (index, _), outcome in zip(tasks, done, strict=True):
            if isinstance(outcome, _Verdict):  # a cached story's: only its verdict travels
                cached = results[index]
                assert cached is not None
                outcome = replace(cached, leak=outcome.leak, reading=outcome.reading)
            worked = replace(outcome, key=keys[index])
            steady = True
            if index in stamped:
                worked = replace(worked, stamps=stamped[index])
                steady = self.store.enabled and (
                    file_stamp(self.paths[index], {})[-1] == self.hashes[index]
                    and image_stamps(sources[index], root) == stamped[index]  # type: ignore[arg-type]
                )
                if not worked.problems and steady:
                    fresh.append((keys[index], _entry_of(worked)))
            if worked.markup is not None and steady and worked.identity:
                fresh_verdicts[worked.identity] = (worked.leak,)
                if worked.reading is not None:
                    fresh_readings.append((_reading_key(worked.identity), worked.reading))
            results[index] = replace(worked, reading=None) if worked.reading else worked
        if self.store.enabled:
            self.store.put_many("story", fresh)
            self.store.put_many("story reading", fresh_readings, remember=False)
            if fresh_verdicts:  # one table of verdicts for this set of protected names
                used = {r.identity for r in results if r is not None}
                kept = {k: v for k, v in verdicts.items() if k in used}
                table_key = _verdicts_key(names)
                self.store.put_many("verdicts", [(table_key, kept | fresh_verdicts)])
                self.store.keep_only("verdicts", [table_key])
        return [r for r in results if r is not None]

    def _readings(
        self,
        entries: list[StoryEntry | None],
        identities: list[str],
        verdicts: dict[str, object],
    ) -> dict[str, bytes]:
        """What the gate read of each cached story that has no verdict for today's
        names (they changed), where the cache has it: judged again, not read again."""
        wanted = [
            _reading_key(identity)
            for entry, identity in zip(entries, identities, strict=True)
            if entry is not None and identity and not isinstance(verdicts.get(identity), tuple)
        ]
        if not wanted or not self.store.enabled:
            return {}
        found = self.store.get_many(wanted, remember=False)
        return {key: value for key, value in found.items() if isinstance(value, bytes)}

    def _from_entry(self, entry: StoryEntry | None, key: str, verdict: object) -> _Worked | None:
        if entry is None:
            return None
        source = entry.decision.story.source
        reasons = hold_reasons(source, self.today)
        if entry.decision.findings:
            reasons += (HoldReason("findings", _findings_message(list(entry.decision.findings))),)
        decision = entry.decision  # kept without reasons (_entry_of)
        if reasons != decision.reasons:
            decision = replace(decision, reasons=reasons)
        markup = entry.markup if (decision.published or self.include_held) else None
        leak = verdict[0] if isinstance(verdict, tuple) and len(verdict) == 1 else None
        return _Worked(
            decision,
            entry.problems,
            markup,
            leak,
            entry.weights,
            key,
            entry.image_stamps,
            entry.listing,
        )

    def _remember(
        self, results: list[_Worked], made: list[Made], names: str, report: BuildReport
    ) -> None:
        """Keep what the next build needs: which story entries are still used, and
        what this build read and wrote (the manifest)."""
        if not self.store.enabled:
            return
        self.store.keep_only("story", [r.key for r in results if r.key])
        self.store.keep_only("story reading", [_reading_key(r.identity) for r in results])
        files: dict[str, Written] = {}
        root = str(self.output)
        for item in made:
            if item.written is not None:  # linked: the same file, as the last build saw it
                files[item.path] = item.written
                continue
            stamp = stat_of(os.path.join(root, item.path))
            if stamp is None:
                return  # something changed the new site already: no manifest
            files[item.path] = Written(
                item.sha256, *stamp, page_key=item.page_key, reads_text=item.reads_text
            )
        stamps = tuple(sorted({s for r in results for s in r.stamps}))
        stories = {str(p): s for p, s in zip(self.paths, self.stamps, strict=True) if s[-1]}
        marker = marker_text(self.output)
        manifest = Manifest(self.inputs, self.today, names, files, report, stamps, stories, marker)
        self.store.put_many("manifest", [(manifest_key(self.output), manifest)])
        self.store.forget_manifests_of_missing_outputs()


@dataclass(frozen=True)
class _Outcome:
    """Which stories reach the site, and which are held and why."""

    results: tuple[_Worked, ...]
    published: list[RenderedStory]
    preview_only: list[RenderedStory]
    held: list[Held]

    @classmethod
    def sort(cls, results: list[_Worked], on_story: StoryCallback | None) -> _Outcome:
        decisions = [r.decision for r in results]
        held = [Held(d.story.source, d.reasons) for d in decisions if not d.published]
        published: list[RenderedStory] = []
        preview_only: list[RenderedStory] = []
        for result in results:
            decision = result.decision
            if on_story is not None:
                on_story(decision, len(decisions))
            if result.markup is None:
                continue
            rendered = RenderedStory(
                decision.story, result.markup, decision.pictures, result.weights
            )
            if result.leak is None:
                (published if decision.published else preview_only).append(rendered)
            elif decision.published:
                held.append(Held(decision.story.source, (result.leak,)))
        return cls(tuple(results), published, preview_only, held)

    def upcoming(self, today: dt.date) -> tuple[ScheduledChange, ...]:
        """The next day on which the site changes by itself, and the stories it concerns."""
        return schedule.next_change(
            (
                (
                    r.decision.story.source,
                    r.decision.story.title,
                    r.decision.story.slug,
                    r.decision.reasons + ((r.leak,) if r.leak else ()),
                )
                for r in self.results
            ),
            today,
        )

    def report(
        self, config: SiteConfig, written: int, output: Path, site: Site, linked: list[str]
    ) -> BuildReport:
        """``site``: the site as built (with the preview's held stories, if any);
        ``linked``: the linked folders in the stories folder (not read)."""
        decisions = [r.decision for r in self.results]
        published = {id(s) for s in self.published}
        public = [s for s in site.stories if id(s) in published]
        return BuildReport(
            published=tuple(s.slug for s in public),
            held=tuple(sorted(self.held, key=lambda h: h.story.display_path)),
            findings=tuple(f for d in decisions for f in d.findings),
            replacements=sum(len(s.story.replacements) for s in public),
            files_written=written,
            output=output,
            warnings=(
                *feeds.warnings(config),
                *site_warnings(config),
                *(
                    f"{folder} is a link to a folder, and storysite does not read stories "
                    "through linked folders — move its stories into the stories folder, "
                    "or link each story file instead"
                    for folder in linked
                ),
                *(w for d in decisions for w in d.warnings),
            ),
        )


def _shown_images(site: Site, results: list[_Worked]) -> list[OutputFile | KeptPicture]:
    """The picture files of the stories on the site (not of held ones)."""
    shown = {s.slug for s in site.stories}
    decisions = [r.decision for r in results]
    return unique_files(f for d in decisions if d.story.slug in shown for f in d.images)


def gate_check(gate: Gate, decision: Decision) -> HoldReason | None:
    """The output gate for one story on its own (review packs): None when it passes."""
    return _own_leak(gate, RenderedStory(decision.story, story_markup(decision)))


def own_reading(rendered: RenderedStory) -> Reading:
    """What the gate reads of everything one story contributes to the site: its
    fields, its HTML, and the paths of its page and of its tags' pages."""
    story = rendered.story
    texts = [
        story.title,
        story.summary,
        *story.source.authors,
        *story.tags,
        story.image_alt,
        story.content_warning,
        rendered.markup.html,
    ]
    paths = [rendered.path, *(f"tags/{slug}/" for _, slug in rendered.tag_links)]
    return story_reading(texts, paths)


def _own_leak(
    gate: Gate, rendered: RenderedStory, reading: Reading | None = None
) -> HoldReason | None:
    """Check everything one story contributes to the site, before any page is made
    (``reading``: what the gate read of it, when already known)."""
    leak = gate.judge(reading if reading is not None else own_reading(rendered))
    if leak is not None:
        return HoldReason(
            "gate",
            f"{leak.what} was still in the finished page, so the story was held — "
            + (_NAME_FIX if leak.kind == "name" else _NUMBER_FIX),
        )
    if FOREIGN_LOAD_RE.search(rendered.markup.html):
        return HoldReason(
            "foreign",
            "the story would make readers' browsers fetch something from another "
            "website, which could tell that site who reads it — use a copy of the "
            "picture in the site's folder instead",
        )
    return None


_NAME_FIX = "check the people list covers every way the text writes each name"
_NUMBER_FIX = "write it so the anonymiser can see it, or take it out of the story"


def _findings_message(findings: list[Finding]) -> str:
    return (
        f"the anonymiser found {plural(len(findings), 'thing')} it could not decide — "
        "see the findings"
    )


def _duplicate_slugs(decisions: list[Decision]) -> list[Problem]:
    counts = Counter(d.story.slug for d in decisions)
    problems = []
    for decision in decisions:
        if counts[decision.story.slug] > 1:
            source = decision.story.source
            others = [
                d.story.source.display_path
                for d in decisions
                if d.story.slug == decision.story.slug and d is not decision
            ]
            problems.append(
                Problem(
                    source.display_path,
                    source.line_of("slug") or source.line_of("title"),
                    f"two stories would have the address stories/"
                    f"{decision.story.slug}/ (also {', '.join(others)}) — "
                    "give one of them a different slug",
                )
            )
    return problems


def site_warnings(config: SiteConfig) -> tuple[str, ...]:
    """What is not wrong, but not finished either, in the site file."""
    if config.base_url == EXAMPLE_BASE_URL:
        return (
            f"{CONFIG_NAME}: base_url is still the example address "
            f"{EXAMPLE_BASE_URL} that storysite init wrote — set it to the address the "
            "site is served from; the feed, the sitemap and the not-found page use it",
        )
    return ()


def plural(count: int, one: str, many: str = "") -> str:
    """``1 story``, ``2 stories``: the count with the right form of the word."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def summarise(report: BuildReport) -> list[str]:
    """The build summary, in plain words."""
    written = f"{plural(report.files_written, 'file')} written to {report.output}."
    if report.unchanged:
        written = f"nothing had changed, so nothing was written ({report.output} is as it was)."
    lines = [
        f"Published {plural(len(report.published), 'story', 'stories')}, held "
        f"{len(report.held)}; {plural(report.replacements, 'replacement')}; {written}"
    ]
    counts = Counter(h.reasons[0].rule for h in report.held)
    for rule, count in sorted(counts.items()):
        lines.append(f"  held ({rule}): {count}")
    for held in report.held:
        for reason in held.reasons:
            lines.append(f"{held.story.display_path}: held — {reason.message}")
    for finding in report.findings:
        lines.append(str(finding))
    lines.extend(f"warning: {w}" for w in report.warnings)
    if report.today is not None:
        lines.extend(schedule.describe(report.next_change, report.today))
    return lines
