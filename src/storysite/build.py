"""build_site(): the pipeline, top to bottom.

load -> consent -> anonymise -> render -> audit -> write. Each step is one call.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from storysite import feeds
from storysite.anonymise import Anonymiser
from storysite.audit import Gate
from storysite.collate import RenderedStory, Site
from storysite.config import SiteConfig
from storysite.consent import hold_reasons
from storysite.errors import ContentErrors, Problem, StorySiteError
from storysite.images import ImageStore, unique_files, with_clean_images
from storysite.loading import load_stories
from storysite.markup import MarkdownRenderer, TreeHook
from storysite.models import AnonymisedStory, BuildReport, Finding, Held, HoldReason, OutputFile
from storysite.render import Renderer
from storysite.writing import write_site

#: An element that loads something (src, srcset, poster, a stylesheet or icon link)
#: from an address with a scheme or host: a request to another website.
FOREIGN_LOAD_RE = re.compile(
    r"""<(?:[a-z]+\b[^>]*\s(?:src|srcset|poster|data)\s*=|link\b[^>]*\shref\s*=)\s*"""
    r"""["']?\s*(?:[a-z][a-z0-9+.-]*:|//|\\\\)""",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Decision:
    """What a build decided for one story, before anything is rendered."""

    story: AnonymisedStory
    reasons: tuple[HoldReason, ...]
    findings: tuple[Finding, ...]
    # Issue 3: the story's cleaned images, and its anonymiser pass over the parsed tree.
    images: tuple[OutputFile, ...] = ()
    tree_pass: TreeHook | None = None
    warnings: tuple[str, ...] = ()  # images left out of the page (images.py)

    @property
    def published(self) -> bool:
        return not self.reasons


def decide(config: SiteConfig, today: dt.date) -> tuple[list[Decision], Gate]:
    """Load, check consent and anonymise every story. Raises ContentErrors on bad input."""
    loaded = load_stories(config)
    problems = list(loaded.problems)
    anonymiser = Anonymiser(config)
    images = ImageStore(config)
    decisions: list[Decision] = []
    for source in loaded.stories:
        # Issue 3: images are found in the text as written, then renamed before anonymising.
        found, image_problems = images.collect(source)
        problems.extend(image_problems)
        story, findings = anonymiser.story(with_clean_images(source, found))
        reasons = hold_reasons(source, today)
        if findings:
            reasons += (HoldReason("findings", _findings_message(findings)),)
        files = tuple(found.files(story.slug))
        decisions.append(
            Decision(
                story, reasons, tuple(findings), files, anonymiser.tree_pass(story), found.warnings
            )
        )
    problems.extend(_duplicate_slugs(decisions))
    if problems:
        raise ContentErrors(problems)
    return decisions, Gate(config, loaded.stories)


#: Called once per story, with the story's decision and the number of stories.
StoryCallback = Callable[[Decision, int], None]


def build_site(
    config: SiteConfig,
    today: dt.date,
    output: Path,
    *,
    include_held: bool = False,
    on_story: StoryCallback | None = None,
) -> BuildReport:
    """Build the site into ``output``.

    ``include_held`` is for the local preview only: held stories are rendered too
    (anonymised and gate-checked), but the report still lists them as held.
    ``on_story`` sees each story's decision as it is rendered (progress, preview).
    """
    decisions, gate = decide(config, today)
    markdown = MarkdownRenderer()
    renderer = Renderer(config)
    published: list[RenderedStory] = []
    preview_only: list[RenderedStory] = []
    held: list[Held] = [Held(d.story.source, d.reasons) for d in decisions if not d.published]
    for decision in decisions:
        if on_story is not None:
            on_story(decision, len(decisions))
        if not decision.published and not include_held:
            continue
        hooks = [decision.tree_pass] if decision.tree_pass else []
        rendered = RenderedStory(decision.story, markdown.render(decision.story.body, hooks))
        leak = _own_leak(gate, rendered)
        if leak is None:
            (published if decision.published else preview_only).append(rendered)
        elif decision.published:
            held.append(Held(decision.story.source, (leak,)))
    site = Site.collate(published + preview_only)
    files = list(renderer.site_files(site))
    shown = {s.slug for s in site.stories}  # issue 3: images of published stories only
    files += unique_files(f for d in decisions if d.story.slug in shown for f in d.images)
    _audit_pages(gate, files, site)
    written = write_site(files, output)
    public = Site.collate(published).stories
    return BuildReport(
        published=tuple(s.slug for s in public),
        held=tuple(sorted(held, key=lambda h: h.story.display_path)),
        findings=tuple(f for d in decisions for f in d.findings),
        replacements=sum(len(s.story.replacements) for s in public),
        files_written=written,
        output=output,
        warnings=(*feeds.warnings(config), *(w for d in decisions for w in d.warnings)),
    )


def gate_check(gate: Gate, story: AnonymisedStory) -> HoldReason | None:
    """The output gate for one story on its own (review packs): None when it passes."""
    return _own_leak(gate, RenderedStory(story, MarkdownRenderer().render(story.body)))


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
    matcher = gate.story_matcher(story.source)
    path_matcher = gate.story_matcher(story.source, for_paths=True)
    paths = [rendered.path, *(f"tags/{slug}/" for _, slug in rendered.tag_links)]
    leaks = gate.leaks(matcher, paths[0], texts, path_matcher)
    for path in paths[1:]:
        leaks += gate.leaks(matcher, path, [], path_matcher)
    if FOREIGN_LOAD_RE.search(rendered.markup.html):
        return HoldReason(
            "foreign",
            "the story would make readers' browsers fetch something from another "
            "website, which could tell that site who reads it — use a copy of the "
            "picture in the site's folder instead",
        )
    if not leaks:
        return None
    return HoldReason(
        "gate",
        "a name that must stay private was still in the finished "
        "page, so the story was held — check the people list covers "
        "every way the text writes each name",
    )


def _audit_pages(gate: Gate, files: list[OutputFile], site: Site) -> None:
    """The last check before writing. A hit here cannot be tied to one story's text
    (each was checked already), so it comes from a template or the site file: stop."""
    matcher, path_matcher = gate.site_matcher(), gate.site_matcher(for_paths=True)
    by_slug = {s.slug: s for s in site.stories}
    for file in files:
        story = by_slug.get(file.story_slug or "")
        if story is not None:
            source = story.story.source
            found = gate.scan_file(
                gate.story_matcher(source), file, gate.story_matcher(source, for_paths=True)
            )
        else:
            found = gate.scan_file(matcher, file, path_matcher)
        if file.path.endswith(".html") and FOREIGN_LOAD_RE.search(file.content.decode()):
            raise StorySiteError(
                f"{file.path} would make browsers fetch something from another website "
                "(a src or stylesheet address with a host) — check the templates. "
                "Nothing was written."
            )
        if found:
            raise StorySiteError(
                f"a name that must stay private appears in {file.path}, and it does not "
                "come from one story's text — check the templates and storysite.toml "
                "(site title, description, placeholder). Nothing was written."
            )


def _findings_message(findings: list[Finding]) -> str:
    count = len(findings)
    noun = "thing" if count == 1 else "things"
    return f"the anonymiser found {count} {noun} it could not decide — see the findings"


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


def summarise(report: BuildReport) -> list[str]:
    """The build summary, in plain words."""
    lines = [
        f"Published {len(report.published)} stories, held {len(report.held)}; "
        f"{report.replacements} replacements; {report.files_written} files written "
        f"to {report.output}."
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
    return lines
