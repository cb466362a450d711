"""build_site(): the pipeline, top to bottom.

load -> consent -> anonymise -> render -> audit -> write. Each step is one call.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from storysite import feeds, schedule
from storysite.anonymise import Anonymiser
from storysite.audit import Gate, Leak
from storysite.awkward import awkward_replacements
from storysite.cache import ImageCache, MarkupCache, cache_dir, config_fingerprint, markup_key
from storysite.collate import RenderedStory, Site
from storysite.config import CONFIG_NAME, SiteConfig
from storysite.consent import hold_reasons
from storysite.errors import ContentErrors, Problem, StorySiteError
from storysite.images import ImageStore, unique_files, with_clean_images
from storysite.loading import load_stories
from storysite.markup import MarkdownRenderer, Markup, TreeHook
from storysite.models import (
    AnonymisedStory,
    BuildReport,
    Finding,
    Held,
    HoldReason,
    OutputFile,
    ScheduledChange,
    SourceStory,
)
from storysite.parallel import map_ordered, worker_count
from storysite.pictures import Picture
from storysite.render import Renderer, ready
from storysite.scaffold import EXAMPLE_BASE_URL
from storysite.writing import BUILT_KEY, Staging

#: An element that loads something (src, srcset, poster, a stylesheet or icon link)
#: from an address with a scheme or host: a request to another website. A link whose
#: rel is only "canonical" names the page's own address and loads nothing.
FOREIGN_LOAD_RE = re.compile(
    r"""<(?:[a-z]+\b[^>]*\s(?:src|srcset|poster|data)\s*=|"""
    r"""link\b(?![^>]*\srel\s*=\s*(?:"canonical"|'canonical'|canonical[\s>]))[^>]*\shref\s*=)"""
    r"""\s*["']?\s*(?:[a-z][a-z0-9+.-]*:|//|\\\\)""",
    re.IGNORECASE,
)
_FOREIGN_LOAD_BYTES = re.compile(FOREIGN_LOAD_RE.pattern.encode(), re.IGNORECASE)


@dataclass(frozen=True)
class Decision:
    """What a build decided for one story, before anything is rendered."""

    story: AnonymisedStory
    reasons: tuple[HoldReason, ...]
    findings: tuple[Finding, ...]
    # The story's cleaned images, and its anonymiser pass over the parsed tree.
    images: tuple[OutputFile, ...] = ()
    tree_pass: TreeHook | None = None
    warnings: tuple[str, ...] = ()  # images left out (images.py), awkward replacements
    pictures: tuple[tuple[str, Picture], ...] = ()  # what each image's renditions are

    @property
    def published(self) -> bool:
        return not self.reasons


def decide(config: SiteConfig, today: dt.date) -> tuple[list[Decision], Gate]:
    """Load, check consent and anonymise every story, without rendering (check, review,
    the consent register). Raises ContentErrors on bad input."""
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
    key: str = ""  # the cache key of ``markup``
    fresh: bool = False  # rendered now, not taken from the cache


class _StoryWork:
    """Everything the per-story step needs, made once before any worker starts."""

    def __init__(
        self,
        config: SiteConfig,
        today: dt.date,
        sources: list[SourceStory],
        include_held: bool,
        markup_cache: MarkupCache,
    ) -> None:
        self.today = today
        self.sources = sources
        self.include_held = include_held
        self.anonymiser = Anonymiser(config)
        self.images = ImageStore(config, ImageCache(markup_cache.folder))
        self.gate = Gate(config, sources)
        self.cache = markup_cache
        self.salt = config_fingerprint(config)
        self._markdown: MarkdownRenderer | None = None

    def __call__(self, index: int) -> _Worked:
        decision, problems = _decide_one(
            self.anonymiser, self.images, self.sources[index], self.today
        )
        markup, leak, key, fresh = None, None, "", False
        if decision.published or self.include_held:
            key = markup_key(self.salt, decision.story)
            markup = self.cache.get(key)
            if markup is None:
                fresh = True
                markup = story_markup(decision, self.markdown())
            leak = _own_leak(self.gate, RenderedStory(decision.story, markup))
        return _Worked(_travelling(decision), tuple(problems), markup, leak, key, fresh)

    def markdown(self) -> MarkdownRenderer:
        """One Markdown instance per process, reset between stories."""
        if self._markdown is None:
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
) -> BuildReport:
    """Build the site into ``output``: the pipeline, top to bottom.

    ``include_held`` is for the local preview only: held stories are rendered too
    (anonymised and gate-checked), but the report still lists them as held.
    ``on_story`` sees each story's decision as it is rendered (progress, preview).
    ``use_cache`` reuses stories' HTML from ``<site>/.storysite-cache`` (cache.py);
    ``workers`` forces the number of processes (default: see parallel.py).
    ``keep_previous`` keeps the site this build replaces as ``output.previous``.
    """
    markup_cache = MarkupCache(cache_dir(config.root) if use_cache else None)
    markup_cache.prepare()
    results, gate = _work_on_stories(config, today, include_held, markup_cache, workers)
    outcome = _Outcome.sort(results, on_story)
    site = Site.collate(outcome.published + outcome.preview_only)
    upcoming = outcome.upcoming(today)
    record = [f"{BUILT_KEY}{today.isoformat()}"]
    if upcoming:
        record.append(f"next change: {upcoming[0].day.isoformat()}")
    with Staging(output, keep_previous=keep_previous) as staging:
        paths = _render_and_audit(config, gate, site, results, workers, staging)
        written = staging.publish(paths, record)
    markup_cache.save(
        ((r.key, r.markup) for r in results if r.fresh and r.markup is not None),
        (r.key for r in results if r.key),
    )
    markup_cache.close()
    ImageCache(markup_cache.folder).prune(
        p.cache_key for r in results for _, p in r.decision.pictures
    )
    return replace(outcome.report(config, written, output), today=today, next_change=upcoming)


def _work_on_stories(
    config: SiteConfig,
    today: dt.date,
    include_held: bool,
    markup_cache: MarkupCache,
    workers: int | None,
) -> tuple[list[_Worked], Gate]:
    """Load every story, then decide, anonymise, render and gate each one across the
    cores. Raises ContentErrors, before anything is written, on any bad input."""
    loaded = load_stories(config)
    work = _StoryWork(config, today, list(loaded.stories), include_held, markup_cache)
    count = len(work.sources)
    results = map_ordered(work, count, worker_count(count, workers))
    problems = [*loaded.problems, *(p for r in results for p in r.problems)]
    _stop_on_problems(problems, [r.decision for r in results])
    return results, work.gate


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
            rendered = RenderedStory(decision.story, result.markup, decision.pictures)
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

    def report(self, config: SiteConfig, written: int, output: Path) -> BuildReport:
        decisions = [r.decision for r in self.results]
        public = Site.collate(self.published).stories
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
                *(w for d in decisions for w in d.warnings),
            ),
        )


def _render_and_audit(
    config: SiteConfig,
    gate: Gate,
    site: Site,
    results: list[_Worked],
    workers: int | None,
    staging: Staging,
) -> list[str]:
    """Make every output file, check it with the gate and write it into ``staging``,
    one file at a time across the cores, so no process ever holds the whole site.
    Returns the paths written. Stops the build (``staging`` is then never published)
    when a protected name is in a file that no single story can be held for."""
    renderer = Renderer(config)
    audit = _PageAudit(gate)
    before, after = renderer.file_jobs(site)
    shown = {s.slug for s in site.stories}  # images of the stories on the site only
    decisions = [r.decision for r in results]
    images = unique_files(f for d in decisions if d.story.slug in shown for f in d.images)
    jobs: list[Callable[[], OutputFile | None]] = [
        *before,
        *(partial(renderer.story_page, site, story) for story in site.stories),
        *after,
        *(partial(ready, image) for image in images),
    ]

    def make(index: int) -> tuple[str, str | None] | None:
        made = jobs[index]()
        if made is None:
            return None
        file, problem = audit.checked(made)
        if problem is None:  # a file with a problem stops the build: never written
            staging.put(file)
        return file.path, problem

    done = map_ordered(make, len(jobs), worker_count(len(jobs), workers))
    checked = [d for d in done if d is not None]
    first = next((problem for _, problem in checked if problem is not None), None)
    if first is not None:  # the first problem in file order, whichever worker found it
        raise StorySiteError(first)
    return [path for path, _ in checked]


def gate_check(gate: Gate, decision: Decision) -> HoldReason | None:
    """The output gate for one story on its own (review packs): None when it passes."""
    return _own_leak(gate, RenderedStory(decision.story, story_markup(decision)))


def _own_leak(gate: Gate, rendered: RenderedStory) -> HoldReason | None:
    """Check everything one story contributes to the site, before any page is made:
    its fields, its HTML, and the paths of its page and of its tags' pages."""
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
    leak = gate.story_leak(texts, paths)
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


class _PageAudit:
    """The last check before writing. A hit here cannot be tied to one story's text
    (each was checked already), so it comes from a template or the site file: stop.
    Files are checked anywhere (in worker processes too); the build then stops at the
    first problem in file order."""

    def __init__(self, gate: Gate) -> None:
        self.gate = gate

    def checked(self, file: OutputFile) -> tuple[OutputFile, str | None]:
        return file, self.problem(file)

    def problem(self, file: OutputFile) -> str | None:
        if file.path.endswith(".html") and _FOREIGN_LOAD_BYTES.search(file.content):
            return (
                f"{file.path} would make browsers fetch something from another website "
                "(a src or stylesheet address with a host) — check the templates. "
                "Nothing was written."
            )
        leak = self.gate.file_leak(file)
        if leak is not None:
            return _stop_message(file.path, leak)
        return None


def _stop_message(path: str, leak: Leak) -> str:
    where = "(site title, description, placeholder)"
    if leak.kind != "name":
        where = "(site texts; the site's own numbers belong there)"
    return (
        f"{leak.what} appears in {path}, and it does not come from one story's "
        f"text — check the templates and storysite.toml {where}. Nothing was written."
    )


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
    lines = [
        f"Published {plural(len(report.published), 'story', 'stories')}, held "
        f"{len(report.held)}; {plural(report.replacements, 'replacement')}; "
        f"{plural(report.files_written, 'file')} written to {report.output}."
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
