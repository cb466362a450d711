"""`storysite review`: a review pack for the storyteller, in Markdown that reads as plain text.

The pack may be printed, e-mailed or left on a desk, so it holds only what readers
would see: the anonymised story, and for each change *where* it was and what it
became, never what was removed. A story the anonymiser could not settle (findings)
or that the output gate held gets no pack: its text may still hold a name.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
import textwrap
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from storysite.awkward import awkward_replacements
from storysite.build import Decision, decide, gate_check, story_markup
from storysite.config import SiteConfig
from storysite.errors import StorySiteError
from storysite.images import FROM_STORY_PAGE
from storysite.models import Consent, OutputFile, Replacement
from storysite.pictures import OUTPUT_FOLDER
from storysite.plaintext import PlainStory, plain_story
from storysite.render import long_date

STORY_START = "---------- The story starts here ----------"
STORY_END = "---------- The story ends here ----------"
NO_END = "no end date; it lasts until you withdraw it"

#: The kinds the anonymiser records (see anonymise.identifiers), in words.
KINDS = {
    "name": "a name",
    "email": "an e-mail address",
    "phone": "a phone number",
    "nhs_number": "an NHS number",
    "postcode": "a postcode",
    "date_of_birth": "a date of birth",
}
FIELDS = {
    "body": "in the story",
    "title": "in the title",
    "summary": "in the summary",
    "tags": "in a tag",
    "image alt": "in the picture's description",
    "content_warning": "in the content warning",
}
QUESTIONS = (
    "Is there anything here that could identify you or someone else? Think about "
    "names, places, jobs, dates, and details that only a few people would know.",
    "Are you happy with how you are described?",
    "Are you happy with how other people in the story are described?",
    "Is anything in the story wrong, or something you would now rather leave out?",
    "Are you happy for the story to be on the website at the address above, where "
    "anyone can read it?",
    "Would you like the story to come down on a certain date? If so, which date?",
)


PACK_MD = "review-pack.md"
PACK_HTML = "review-pack.html"
#: Reserved for examples (RFC 2606, RFC 6761): an address there is made up.
EXAMPLE_DOMAINS = ("example.org", "example.com", "example.net")
EXAMPLE_TLDS = ("example", "test", "invalid", "localhost")


def reviewable(site_dir: Path, story: str, today: dt.date, config: SiteConfig) -> Decision:
    """The story's decision, when its text is safe to show: no findings, no gate hold."""
    decisions, gate = decide(config, today)
    decision = find_story(decisions, story, site_dir)
    path = decision.story.source.display_path
    if decision.findings:
        lines = "\n".join(str(f) for f in decision.findings)
        raise StorySiteError(
            f"{lines}\n{path}: no review pack was made — the anonymiser found words it "
            "could not decide, and the pack must not show a name. Declare each one under "
            "'people' (or in the site's allow list), then run review again."
        )
    if gate_check(gate, decision) is not None:
        raise StorySiteError(
            f"{path}: no review pack was made — a private name was still in the finished "
            "story. Check that 'people' lists every way the text writes each name."
        )
    return decision


def find_story(decisions: list[Decision], story: str, site_dir: Path) -> Decision:
    """The story a person meant: a path (from here or from the site), a slug or a file name."""
    candidates = [Path(story), site_dir / story]
    wanted = {c.resolve() for c in candidates if c.is_file()}
    for decision in decisions:
        source = decision.story.source
        if source.path.resolve() in wanted:
            return decision
    for decision in decisions:
        source = decision.story.source
        if story in (decision.story.slug, source.slug, source.path.stem, source.path.name):
            return decision
    raise StorySiteError(
        f"{story}: there is no story with this file name or slug — give the path of a "
        "story file, like stories/2026-11-27-my-story.md, or its slug"
    )


def pack_text(
    config: SiteConfig, decision: Decision, today: dt.date, pictures: tuple[str, ...] = ()
) -> str:
    """The pack in Markdown that reads as plain text. ``pictures``: the paths of the
    picture files written beside it (``review --output DIR``)."""
    before, after = _sections(config, decision, today)
    story = _story_section(config, decision)
    if pictures:
        story += (
            "\n\nThe pictures, exactly as the website will show them, are in the images "
            "folder beside this pack:\n" + "\n".join(f"- {p}" for p in pictures)
        )
    sections = [*map(wrap, before), story, *map(wrap, after)]
    return "\n\n".join(sections).rstrip() + "\n"


def _sections(
    config: SiteConfig, decision: Decision, today: dt.date
) -> tuple[list[str], list[str]]:
    """The pack's sections before and after the story, unwrapped."""
    story = decision.story
    before = [f"# Review pack: {story.title}", f"Made on {long_date(today)}.", _introduction()]
    after = [
        _where(config, story.slug),
        _consent(decision),
        _changes(story.replacements) + _awkward(decision),
        _questions(),
    ]
    return before, after


def write_folder(folder: Path, config: SiteConfig, decision: Decision, today: dt.date) -> None:
    """``review --output DIR``: the Markdown pack, an HTML pack that prints on A4, and
    every picture of the story exactly as the build publishes it (same bytes, same
    name), which the HTML pack shows."""
    _check_folder(folder)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(folder / OUTPUT_FOLDER, ignore_errors=True)  # an older pack's pictures
    pictures = []
    for image in sorted(set(decision.images), key=lambda i: i.path):
        target = folder / image.path
        target.parent.mkdir(parents=True, exist_ok=True)
        file = image if isinstance(image, OutputFile) else image.file()  # (decide: made)
        target.write_bytes(file.content)
        pictures.append(image.path)
    text = pack_text(config, decision, today, tuple(pictures))
    (folder / PACK_MD).write_text(text, encoding="utf-8")
    (folder / PACK_HTML).write_text(pack_html(config, decision, today), encoding="utf-8")


def _check_folder(folder: Path) -> None:
    """Write only into a new folder or an earlier pack's: never over someone's files."""
    if folder.exists() and not folder.is_dir():
        raise StorySiteError(f"{folder} is a file — give a folder for the review pack")
    ours = {PACK_MD, PACK_HTML, OUTPUT_FOLDER}
    other = (
        sorted(p.name for p in folder.iterdir() if p.name not in ours) if folder.is_dir() else []
    )
    if other:
        raise StorySiteError(
            f"{folder} already holds other files ({other[0]}) — give a new folder for the "
            "review pack"
        )


def wrap(section: str, width: int = 78) -> str:
    """Fold long lines so the pack reads well as plain text; list items keep their indent."""
    lines = []
    for line in section.split("\n"):
        marker = re.match(r"^(\d+\. |- )", line)
        indent = " " * len(marker.group()) if marker else ""
        if line.startswith("#") or len(line) <= width:
            lines.append(line)
        else:
            lines.append(
                textwrap.fill(
                    line,
                    width,
                    subsequent_indent=indent,
                    break_on_hyphens=False,
                    break_long_words=False,
                )
            )
    return "\n".join(lines)


def _introduction() -> str:
    return (
        "## 1. What this pack is\n\n"
        "This pack shows your story exactly as readers would see it on the website. "
        "Names, and other details that could show who someone is, have already been "
        "changed.\n\n"
        "Please read it all, then answer the questions at the end. Nothing is published "
        "until you have said yes and a member of staff has written that down. You can "
        "change your mind at any time, even after the story is published."
    )


def _story_section(config: SiteConfig, decision: Decision) -> str:
    story = decision.story
    lines = ["## 2. Your story, as readers will see it", "", f"Title: {story.title}"]
    if story.summary:
        lines.append(f"Summary: {story.summary}")
    if story.tags:
        lines.append(f"Tags: {', '.join(story.tags)}")
    if story.content_warning:
        lines.append(f"Content warning: {story.content_warning}")
    if story.image_alt:
        lines.append(f"Picture description: {story.image_alt}")
    body = published_body(decision)
    lines += ["", STORY_START, "", body.text, "", STORY_END]
    lines += _links_and_pictures(body)
    if story.needs_notice:
        lines += ["", f"Under the story, readers will see this note: {config.notice}"]
    return "\n".join(lines)


def published_body(decision: Decision) -> PlainStory:
    """The story's text as its page shows it: rendered by the build's own Markdown
    step, with the anonymiser's second pass, then turned into plain text."""
    return plain_story(story_markup(decision).html)


def _links_and_pictures(body: PlainStory) -> list[str]:
    lines: list[str] = []
    if body.links:
        lines += ["", "Links in the story, and where they go:"]
        lines += [f"- {words or '(a link)'}: {href}" for words, href in body.links]
    if body.pictures:
        lines += ["", "Pictures in the story, as described for people who cannot see them:"]
        lines += [f"- {alt}" for alt in body.pictures]
    return lines


def story_url(config: SiteConfig, slug: str) -> str:
    return f"{config.base_url or ''}stories/{slug}/"


def made_up(address: str | None) -> bool:
    """Whether ``address`` is on a domain kept for examples, so never the real site."""
    host = (urlsplit(address or "").hostname or "").rstrip(".").lower()
    return host.rsplit(".", 1)[-1] in EXAMPLE_TLDS or any(
        host == d or host.endswith("." + d) for d in EXAMPLE_DOMAINS
    )


def _where(config: SiteConfig, slug: str) -> str:
    if config.base_url and not made_up(config.base_url):
        place = f"It will be at this address: {story_url(config, slug)}"
    else:
        place = (
            f"It will be at stories/{slug}/ on the website (the website's own address "
            "is not set yet)."
        )
    return (
        "## 3. Where it will appear\n\n"
        f"{place}\n\n"
        "Its title and summary will also be shown in the list of stories, under its "
        "tags, in the website's search and in its news feed."
    )


def _consent(decision: Decision) -> str:
    consent = decision.story.source.consent or Consent()
    if decision.published:
        status = "It can be published now: consent is recorded and in date."
    else:
        reasons = "".join(f"\n- {r.message}" for r in decision.reasons)
        status = f"It is not published. The reasons:{reasons}"
    given = consent.publish is True
    lines = [
        "## 4. Consent",
        "",
        status,
        "",
        f"- Consent to publish recorded: {'yes' if given else 'no'}",
        f"- Consent given on: {_day(consent.date, 'not recorded')}",
        f"- Consent ends on: {_day(consent.expires, NO_END)}",
        f"- Consent withdrawn: {_withdrawn(consent.withdrawn)}",
    ]
    return "\n".join(lines)


def _day(day: dt.date | None, missing: str) -> str:
    return long_date(day) if day is not None else missing


def _withdrawn(value: object) -> str:
    if isinstance(value, dt.date):
        return f"yes, on {long_date(value)}"
    return "yes" if value is True else "no"


def _changes(replacements: Sequence[Replacement]) -> str:
    head = "## 5. What we changed\n\n"
    if not replacements:
        return head + (
            "Nothing was changed. If anything in the story could show who you or someone "
            "else is, please tell us."
        )
    count = len(replacements)
    intro = (
        f"We made {count} {'change' if count == 1 else 'changes'}. Each line says where "
        "the change is and what readers see instead. What was there before is not "
        "shown here, so this pack is safe to share."
    )
    items = [f"{n}. {_change(r)}" for n, r in enumerate(replacements, start=1)]
    return head + intro + "\n\n" + "\n".join(items)


def _change(replacement: Replacement) -> str:
    other = f"something that could identify someone ({replacement.kind})"
    what = KINDS.get(replacement.kind, other)
    where = FIELDS.get(replacement.field, f"in the {replacement.field}")
    line = f"Line {replacement.line} of the story file, {where}" if replacement.line else where
    return f'{line[0].upper()}{line[1:]}: {what} now reads "{replacement.shown_as}".'


def _awkward(decision: Decision) -> str:
    found = awkward_replacements(decision.story)
    if not found:
        return ""
    items = "\n".join(
        f"- '{a.text}'" + (f" (line {a.line} of the story file)" if a.line else "") for a in found
    )
    return (
        "\n\nThese words may read awkwardly now that a name is changed. Please read them "
        "aloud, and say if you would like them put another way:\n\n" + items
    )


def _questions() -> str:
    items = "\n".join(f"{n}. {q}" for n, q in enumerate(QUESTIONS, start=1))
    return (
        "## 6. Questions to answer before you agree\n\n"
        f"{items}\n\n"
        "If you are happy, tell the member of staff who gave you this pack. If you want "
        "changes, tell them what to change and you will get a new pack. You can say no, "
        "and you can withdraw your consent at any time: the story comes off the website "
        "the next time the website is rebuilt."
    )


PRINT_CSS = """\
@page { size: A4; margin: 20mm 18mm; }
body { font: 12pt/1.5 Georgia, "Times New Roman", serif; color: #000; max-width: 174mm;
  margin: 0 auto; padding: 1rem; }
h1 { font-size: 20pt; } h2 { font-size: 15pt; margin-top: 1.6em; break-after: avoid; }
.story { border: 1px solid #555; padding: 0 6mm 4mm; margin: 1em 0; }
.mark { font-family: sans-serif; font-size: 10pt; text-transform: uppercase; color: #333; }
img { max-width: 100%; height: auto; break-inside: avoid; }
figure { margin: 1em 0; break-inside: avoid; }
ol.questions li { margin-bottom: 3.5em; break-inside: avoid; }
@media print { a { color: #000; } a[href]::after { content: " (" attr(href) ")"; } }
"""


def pack_html(config: SiteConfig, decision: Decision, today: dt.date) -> str:
    """The pack as one HTML page that prints well on A4: the same sections as the
    Markdown pack, and the story as its page shows it, pictures included (from the
    images folder beside it). The story's HTML is the build's own, already anonymised
    and sanitised; everything else is escaped here."""
    before, after = _sections(config, decision, today)
    parts = [*map(_html_section, before), _html_story(config, decision)]
    parts += [_html_section(s) for s in after]
    parts[-1] = parts[-1].replace("<ol>", '<ol class="questions">', 1)
    title = html.escape(f"Review pack: {decision.story.title}")
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(config.language)}"><head>'
        f'<meta charset="utf-8"><title>{title}</title>\n<style>\n{PRINT_CSS}</style></head>\n'
        "<body>\n" + "\n".join(parts) + "\n</body></html>\n"
    )


def _html_section(section: str) -> str:
    """One section of the pack's own text (headings, paragraphs, lists) as HTML."""
    out: list[str] = []
    open_list = ""
    for line in section.split("\n"):
        kind, text = _line_kind(line)
        if open_list and kind != open_list:
            out.append(f"</{open_list}>")
            open_list = ""
        if kind in ("ul", "ol") and not open_list:
            out.append(f"<{kind}>")
            open_list = kind
        if kind in ("ul", "ol"):
            out.append(f"<li>{html.escape(text)}</li>")
        elif kind != "blank":
            out.append(f"<{kind}>{html.escape(text)}</{kind}>")
    if open_list:
        out.append(f"</{open_list}>")
    return "<section>\n" + "\n".join(out) + "\n</section>"


def _line_kind(line: str) -> tuple[str, str]:
    if not line.strip():
        return "blank", ""
    for prefix, kind in (("## ", "h2"), ("# ", "h1"), ("- ", "ul")):
        if line.startswith(prefix):
            return kind, line[len(prefix) :]
    numbered = re.match(r"^\d+\. ", line)
    if numbered:
        return "ol", line[numbered.end() :]
    return "p", line


def _html_story(config: SiteConfig, decision: Decision) -> str:
    story = decision.story
    escape = html.escape
    lines = [
        "<section>",
        "<h2>2. Your story, as readers will see it</h2>",
        '<p class="mark">The story starts here</p>',
        '<div class="story">',
        f"<h1>{escape(story.title)}</h1>",
    ]
    if story.summary:
        lines.append(f"<p><em>{escape(story.summary)}</em></p>")
    if story.tags:
        lines.append(f"<p>Tags: {escape(', '.join(story.tags))}</p>")
    if story.content_warning:
        lines.append(f"<p><strong>Content warning:</strong> {escape(story.content_warning)}</p>")
    image = story.source.image
    if image is not None:
        lines.append(
            f'<figure><img src="{escape(image.src)}" alt="{escape(story.image_alt)}"></figure>'
        )
    body = story_markup(decision).html.replace(
        f'"{FROM_STORY_PAGE}{OUTPUT_FOLDER}/', f'"{OUTPUT_FOLDER}/'
    )
    lines.append(body)
    if story.needs_notice:
        lines.append(f"<p><em>{escape(config.notice)}</em></p>")
    lines += ["</div>", '<p class="mark">The story ends here</p>', "</section>"]
    return "\n".join(lines)
