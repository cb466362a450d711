"""Site -> OutputFiles through Jinja templates: the site's templates/ first, then the
bundled theme. Autoescaping is on and undefined variables are errors; story HTML is
passed in already sanitised and is never evaluated as a template."""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup as SafeHTML

from storysite.collate import RenderedStory, Site
from storysite.config import SiteConfig
from storysite.models import OutputFile

THEME = "storysite.theme"


def make_environment(config: SiteConfig) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if config.templates_dir.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(config.templates_dir)))
    loaders.append(jinja2.PackageLoader("storysite", "theme/templates"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["site"] = config
    env.globals["form_origins"] = form_origins
    env.filters["long_date"] = long_date
    return env


def long_date(day: dt.date) -> str:
    """18 May 2018: the GOV.UK style, no leading zero."""
    return f"{day.day} {day.strftime('%B %Y')}"


def form_origins(config: SiteConfig) -> list[str]:
    """Other hosts the forms may post to, for the Content-Security-Policy's form-action."""
    origins = []
    for action in (config.feedback_action, config.newsletter_action):
        parts = urlsplit(action)
        if parts.scheme in ("http", "https") and parts.netloc:
            origins.append(f"{parts.scheme}://{parts.netloc}")
    return sorted(set(origins))


def root_of(path: str) -> str:
    """The relative way back to the site's root from the page at ``path``."""
    depth = path.count("/")
    return "../" * depth


def relative(from_page: str, target: str) -> str:
    """A relative URL from the page at ``from_page`` to ``target`` (both inside the site)."""
    base = posixpath.dirname(from_page) or "."
    rel = posixpath.relpath(target or ".", base)
    if target.endswith("/") and not rel.endswith("/"):
        rel += "/"
    return "./" if rel in (".", "./") else rel


class Renderer:
    def __init__(self, config: SiteConfig) -> None:
        self.config = config
        self.env = make_environment(config)

    def page(self, template: str, path: str, **context: Any) -> OutputFile:
        html = self.env.get_template(template).render(root=root_of(path), page_path=path, **context)
        return OutputFile(path=path, content=html.encode("utf-8"), story_slug=context.get("slug"))

    def story_page(self, site: Site, story: RenderedStory) -> OutputFile:
        newer, older = site.neighbours(story)
        return self.page(
            "story.html",
            story.path + "index.html",
            story=story,
            body=SafeHTML(story.markup.html),
            newer=newer,
            older=older,
            slug=story.slug,
        )

    def index_pages(self, site: Site) -> Iterator[OutputFile]:
        pages = site.pages(self.config.per_page)
        for number, stories in enumerate(pages, start=1):
            path = "index.html" if number == 1 else f"page/{number}/index.html"
            yield self.page(
                "index.html",
                path,
                stories=stories,
                page_number=number,
                page_count=len(pages),
            )

    def site_files(self, site: Site) -> Iterator[OutputFile]:
        yield from self.index_pages(site)
        for story in site.stories:
            yield self.story_page(site, story)
        assets = {f.path: f for f in static_files()}
        assets.update({f.path: f for f in site_static_files(self.config)})
        yield from assets.values()


def static_files() -> Iterator[OutputFile]:
    static = resources.files(THEME).joinpath("static")
    for entry in sorted(static.iterdir(), key=lambda e: e.name):
        if entry.is_file() and not entry.name.startswith("."):
            yield OutputFile(path=f"assets/{entry.name}", content=entry.read_bytes(), kind="static")


def site_static_files(config: SiteConfig) -> Iterator[OutputFile]:
    """Files in the site's own ``templates/assets/`` override or add to the theme's."""
    folder: Path = config.templates_dir / "assets"
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.is_file():
                yield OutputFile(
                    path=f"assets/{path.name}", content=path.read_bytes(), kind="static"
                )
