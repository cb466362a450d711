"""Site -> OutputFiles through Jinja templates: the site's templates/ first, then the
bundled theme. Autoescaping is on and undefined variables are errors; story HTML is
passed in already sanitised and is never evaluated as a template."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import html as htmllib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup as SafeHTML

from storysite import feeds
from storysite.collate import RenderedStory, Site
from storysite.config import SiteConfig
from storysite.errors import StorySiteError
from storysite.models import AnonymisedStory, OutputFile
from storysite.search import CHUNK, Before, IndexState

THEME = "storysite.theme"
#: Makes one file of the site (or several: the search page and its index; None: a
#: file this site leaves out), only when called.
FileJob = Callable[[], OutputFile | list[OutputFile] | None]


class _Environment(jinja2.Environment):
    """Templates reach what storysite hands them by its public names only: a name
    starting with '_' (``item._markup``, ``item['_markup']``, ``x.__class__``) is
    undefined, and using it stops the build with the template's line. The build's
    cache notices which pages show a story's text through its public names (see
    pages.py); a private way round would let a listing page keep old text. A story's
    ``source`` (its file as written, before the anonymiser) is undefined too."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        # Jinja's own rule (the attribute, else the item), written out here: every
        # ``a.b`` of every page comes through this, and a call to super() per access
        # cost 0.1 s per 1,000 pages.
        if attribute.startswith("_") or (
            attribute == "source" and isinstance(obj, AnonymisedStory)
        ):
            return self.undefined(obj=obj, name=attribute)
        try:
            return getattr(obj, attribute)
        except AttributeError:
            pass
        try:
            return obj[attribute]
        except (TypeError, LookupError, AttributeError):
            return self.undefined(obj=obj, name=attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(argument, str) and (
            argument.startswith("_") or (argument == "source" and isinstance(obj, AnonymisedStory))
        ):
            return self.undefined(obj=obj, name=argument)
        return super().getitem(obj, argument)


def make_environment(config: SiteConfig) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if config.templates_dir.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(config.templates_dir)))
    theme = jinja2.PackageLoader("storysite", "theme/templates")
    loaders.append(theme)
    # "theme/header.html" is always the bundled one, so an override can extend the
    # template it replaces and change one block instead of copying the whole file.
    loaders.append(jinja2.PrefixLoader({"theme": theme}))
    env = _Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # One environment serves one build: no need to look at each template file's
        # time again every time a page includes it.
        auto_reload=False,
    )
    env.finalize = printable_output
    env.globals["site"] = config
    env.globals["csp"] = feeds.content_security_policy(config)
    env.globals["referrer_policy"] = feeds.REFERRER_POLICY
    env.filters["long_date"] = long_date
    env.globals["search_chunk"] = CHUNK
    return env


def printable_output(value: Any) -> Any:
    """Every ``{{ value }}`` without the code points HTML forbids (see feeds.printable);
    sanitised story HTML stays marked safe. A printable text has none of them (nor a
    form feed) and is shown as it is, without a call to feeds.printable."""
    if not isinstance(value, str) or value.isprintable():
        return value
    if isinstance(value, SafeHTML):
        return SafeHTML(feeds.printable(str(value)))
    return feeds.printable(value)


@functools.lru_cache(maxsize=4096)  # each story's date is shown on four or five pages
def long_date(day: dt.date) -> str:
    """18 May 2018: the GOV.UK style, no leading zero."""
    return f"{day.day} {day.strftime('%B %Y')}"


def template_problem(error: Exception, page: str) -> StorySiteError:
    """A template that cannot be used, said as ``file:line: what — how to fix``: a
    Jinja error, or any other a template's expression raised (``item | tojson``)."""
    where, line = getattr(error, "filename", None), getattr(error, "lineno", None)
    trace = error.__traceback__
    while trace is not None:  # a template's frame names its file (jinja2 rewrites them)
        name = trace.tb_frame.f_code.co_filename
        if name.endswith((".html", ".xml", ".txt", ".j2")):
            where, line = name, trace.tb_lineno
        trace = trace.tb_next
    place = f"{where}:{line}" if where and line else (where or "a template")
    return StorySiteError(
        f"{place}: the template could not make {page} ({_what(error)}) — "
        "fix the template, or remove it from the site's templates/ to use the theme's"
    )


def _what(error: Exception) -> str:
    if isinstance(error, jinja2.TemplateError):
        return error.message or str(error)
    return f"{type(error).__name__}: {error}"


def root_of(path: str) -> str:
    """The relative way back to the site's root from the page at ``path``."""
    depth = path.count("/")
    return "../" * depth


class Renderer:
    def __init__(self, config: SiteConfig) -> None:
        self.config = config
        self.env = make_environment(config)
        #: Where the last build's search index state comes from, and this one's once
        #: made (search.index_with_state).
        self.search_before: Callable[[tuple[bytes, ...]], Before | None] | None = None
        self.search_state: IndexState | None = None

    def page(
        self,
        template: str,
        path: str,
        root: str | None = None,
        asset_root: str | None = None,
        **context: Any,
    ) -> OutputFile:
        """Render one page. ``root`` leads back to the site's top for links;
        ``asset_root`` does the same for what the page loads (default: ``root``)."""
        root = root_of(path) if root is None else root
        try:
            html = self.env.get_template(template).render(
                root=root,
                asset_root=root if asset_root is None else asset_root,
                page_path=path,
                **context,
            )
        except Exception as error:  # a template's own mistake, whatever it raised
            raise template_problem(error, path) from None
        return OutputFile(path=path, content=html.encode("utf-8"), story_slug=context.get("slug"))

    def compile(self, templates: Iterable[str]) -> None:
        """Compile ``templates`` now, so that worker processes forked after this inherit
        them. A template that cannot be compiled is left to the page that uses it, which
        says where it is wrong."""
        for name in templates:
            with contextlib.suppress(Exception):
                self.env.get_template(name)

    def story_page(self, site: Site, story: RenderedStory) -> OutputFile:
        newer, older = site.neighbours(story)
        path = story.path + "index.html"
        return self.page(
            "story.html",
            path,
            story=story,
            body=SafeHTML(self.responsive(story, root_of(path))),
            picture=story.picture(story.story.image_src) if story.story.image_src else None,
            share=share_card(self.config, story),
            newer=newer,
            older=older,
            slug=story.slug,
        )

    def responsive(self, story: RenderedStory, root: str) -> str:
        """The story's HTML with each of its pictures shown through the theme's
        ``_picture.html`` (every rendition, its size, loaded lazily)."""
        if not story.pictures:
            return story.markup.html
        try:
            return self._with_pictures(story, root)
        except Exception as error:  # the picture template's mistake, whatever it raised
            raise template_problem(error, f"{story.path}index.html") from None

    def _with_pictures(self, story: RenderedStory, root: str) -> str:
        macro = self.env.get_template("_picture.html").module.picture  # type: ignore[attr-defined]

        def swap(match: re.Match[str]) -> str:
            attributes = dict(_ATTRIBUTE_RE.findall(match.group(0)))
            src = htmllib.unescape(attributes.get("src", ""))
            picture = story.picture(src[len(root) :]) if src.startswith(root) else None
            if picture is None:
                return match.group(0)
            # The sanitiser wrote these values: they are escaped already.
            alt = SafeHTML(attributes.get("alt", ""))
            return str(macro(picture, root, alt, title=SafeHTML(attributes.get("title", ""))))

        return _IMG_TAG_RE.sub(swap, story.markup.html)

    def _index_jobs(self, site: Site) -> list[Callable[[], OutputFile]]:
        pages = site.pages(self.config.per_page)
        return [
            partial(
                self.page,
                "index.html",
                "index.html" if number == 1 else f"page/{number}/index.html",
                stories=stories,
                page_number=number,
                page_count=len(pages),
            )
            for number, stories in enumerate(pages, start=1)
        ]

    def _after_story_jobs(self, site: Site) -> list[FileJob]:
        """The listing pages after the story pages, in the order the sitemap lists them."""
        return [
            partial(self.page, "tags.html", "tags/index.html", tags=site.tags),
            *(partial(self.page, "tag.html", t.path + "index.html", tag=t) for t in site.tags),
            partial(self.page, "archive.html", "archive/index.html", years=site.years()),
            partial(self.search_files, site),
            partial(self.page, "accessibility.html", "accessibility/index.html"),
        ]

    def search_files(self, site: Site) -> list[OutputFile]:
        """The search page and every file of the search index: one job, as the page
        needs the index's numbers and the index is the slowest file to make."""
        index, self.search_state = feeds.search_index(site, self.search_before)
        page = self.page(
            "search.html",
            "search/index.html",
            stories=site.stories[: self.config.per_page],
            count=len(site.stories),
            tags=site.tags,
            search=index,
        )
        return [page, *(ready(f) for f in feeds.search_files(index))]

    def _utility_jobs(self) -> list[Callable[[], OutputFile]]:
        # 404.html is served at any missing address, so relative links would break.
        # Its links are full addresses under base_url; what it loads (stylesheet,
        # icon) starts from the host's root at base_url's folder, with no host, so
        # the page never asks another host for anything.
        base = self.config.base_url
        folder = (urlsplit(base).path or "/") if base else "/"
        jobs: list[Callable[[], OutputFile]] = [
            partial(self.page, "404.html", "404.html", root=base or "/", asset_root=folder)
        ]
        for form, (heading, text) in THANKS.items():
            path = f"{form}/thanks/index.html"
            jobs.append(partial(self.page, "thanks.html", path, heading=heading, text=text))
        return jobs

    def site_files(
        self, site: Site, made: Mapping[str, OutputFile] | None = None
    ) -> Iterator[OutputFile]:
        """Every file of the site, in one order (the order ``file_jobs`` keeps)."""
        yield from (job() for job in self._index_jobs(site))
        for story in site.stories:
            page = made.get(story.path + "index.html") if made else None
            yield page if page is not None else self.story_page(site, story)
        for job in self.file_jobs(site)[1]:
            files = job()
            if isinstance(files, list):
                yield from files
            elif files is not None:
                yield files

    def file_jobs(self, site: Site) -> tuple[list[Callable[[], OutputFile]], list[FileJob]]:
        """Every file but the story pages, each made only when its job is called: the
        jobs before the story pages, and those after them (None: a file left out).
        A worker process can make, check and write one file at a time this way, and
        no process ever holds the whole site."""
        after: list[FileJob] = [
            *self._after_story_jobs(site),
            *self._utility_jobs(),
            *self._machine_jobs(site),
        ]
        assets = {f.path: f for f in static_files()}
        assets.update({f.path: f for f in site_static_files(self.config)})
        after.extend(partial(ready, f) for f in assets.values())
        return self._index_jobs(site), after

    def listed(self, site: Site) -> list[tuple[str, dt.date | None]]:
        """The sitemap's pages (path, last change): what ``listing_pages`` gives, in
        its order, without rendering any of them."""
        pages = site.pages(self.config.per_page)
        listed: list[tuple[str, dt.date | None]] = [
            ("index.html" if n == 1 else f"page/{n}/index.html", None)
            for n in range(1, len(pages) + 1)
        ]
        listed += [(s.path + "index.html", s.story.date) for s in site.stories]
        listed.append(("tags/index.html", None))
        listed += [(t.path + "index.html", None) for t in site.tags]
        listed += [(p, None) for p in LISTED_LAST]
        return listed

    def _machine_jobs(self, site: Site) -> list[FileJob]:
        return [
            partial(feeds.feed_xml, self.config, site),
            partial(feeds.sitemap_xml, self.config, self.listed(site)),
            partial(feeds.robots_txt, self.config),
            partial(feeds.headers_file, self.config),
        ]


#: An <img> as the sanitiser writes it (nh3: every value double-quoted and escaped).
_IMG_TAG_RE = re.compile(r"<img\b[^>]*>")
_ATTRIBUTE_RE = re.compile(r'\s([a-z-]+)="([^"]*)"')
#: How long a card's description may be when the story has no summary.
DESCRIPTION_LENGTH = 200


@dataclass(frozen=True)
class ShareCard:
    """What a shared link shows (Open Graph, Twitter card) and what search engines
    read (schema.org Article). Addresses are absolute, so they exist only with
    ``base_url``. Every text is the story's published (anonymised) text."""

    description: str
    url: str | None
    image: str | None
    image_width: int | None
    image_height: int | None
    image_alt: str
    json_ld: SafeHTML


def share_card(config: SiteConfig, story: RenderedStory) -> ShareCard:
    base = feeds.uri(config.base_url) if config.base_url else None
    url = base + story.path if base else None
    picture = story.picture(story.story.source.image.src) if story.story.source.image else None
    image = base + picture.share.path if base and picture else None
    description = story.story.summary or _shortened(story.markup.text)
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": story.story.title,
        "datePublished": story.story.date.isoformat(),
        "inLanguage": config.language,
        "publisher": {"@type": "Organization", "name": config.title},
    }
    if description:
        data["description"] = description
    if url:
        data["url"] = url
        data["mainEntityOfPage"] = url
    if image:
        data["image"] = [image]
    authors = named_authors(story)
    if authors:
        data["author"] = [{"@type": "Person", "name": name} for name in authors]
    return ShareCard(
        description=description,
        url=url,
        image=image,
        image_width=picture.share.width if image and picture else None,
        image_height=picture.share.height if image and picture else None,
        image_alt=story.story.image_alt,
        json_ld=json_ld(data),
    )


def named_authors(story: RenderedStory) -> list[str]:
    """The byline, person by person, only where the story names them (named: true).
    Loading already refuses any other author; this keeps the promise here too."""
    named = {p.name for p in story.story.source.people if p.named}
    return [a for a in story.story.source.authors if a in named]


def json_ld(data: Mapping[str, object]) -> SafeHTML:
    """JSON for a <script type="application/ld+json"> block: '<' is written as \\u003c,
    so no text can close the element or open a comment."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return SafeHTML(feeds.printable(text).replace("<", "\\u003c"))


def _shortened(text: str) -> str:
    """The start of ``text``, cut at a word, with an ellipsis when it was cut."""
    if len(text) <= DESCRIPTION_LENGTH:
        return text
    cut = text[:DESCRIPTION_LENGTH].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return cut + "…"


def ready(file: OutputFile) -> OutputFile:
    """A job whose file is already made (a bundled asset, a cleaned picture)."""
    return file


#: The listing pages after the tag pages (see ``_after_story_jobs``).
LISTED_LAST = ("archive/index.html", "search/index.html", "accessibility/index.html")


#: form -> (heading, text) of the page the receiver sends people to after posting.
THANKS = {
    "feedback": (
        "Thank you for your feedback",
        "Your answers have been received. They help us choose and improve the stories we share.",
    ),
    "newsletter": (
        "Thank you for signing up",
        "We will send new stories to your e-mail address. Every e-mail tells you how to stop.",
    ),
}


def static_files() -> Iterator[OutputFile]:
    static = resources.files(THEME).joinpath("static")
    for entry in sorted(static.iterdir(), key=lambda e: e.name):
        if entry.is_file() and not entry.name.startswith("."):
            yield OutputFile(path=f"assets/{entry.name}", content=entry.read_bytes(), kind="static")


def site_static_files(config: SiteConfig) -> Iterator[OutputFile]:
    """Files in the site's own ``templates/assets/`` override or add to the theme's,
    those in folders inside it too (``fonts/``, ``images/``), at the same place under
    ``assets/``; a hidden folder (``.git``) is left out."""
    folder: Path = config.templates_dir / "assets"
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder)
            hidden = any(part.startswith(".") for part in relative.parts[:-1])
            if path.is_file() and not hidden:
                yield OutputFile(
                    path=f"assets/{relative.as_posix()}", content=path.read_bytes(), kind="static"
                )
