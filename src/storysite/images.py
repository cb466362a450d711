"""Images that stories show: found, checked, stripped of metadata and renamed.

Every image a story references (``image:`` in the front matter, ``![alt](src)``,
``![alt][ref]`` or ``<img src>`` in the body) is read with Pillow and written again
from its pixels alone, at a few widths and in newer formats (pictures.py), so no
EXIF, GPS position, XMP, IPTC, ICC profile or comment survives. Its new names are a
hash of those pixels (``images/3f2a…9c-800.jpg``): a file name like
``jane-doe-at-home.jpg`` never reaches the output. The text then points at the
fallback rendition; the story page shows every rendition in a ``<picture>``.

Sources are resolved before the anonymiser runs, from the text as written: relative
to the story's folder first, then to the site's root.

A missing or unreadable image in ``image:`` or in Markdown (``![alt](src)``) is an
error. An image on another host (in any form), or a raw ``<img>`` tag whose file is
missing, is left out of the page instead, with a warning: no page ever asks another
host for anything, and a stray ``<img src=x>`` should not stop the whole site.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from storysite.cache import ImageCache
from storysite.config import SiteConfig
from storysite.errors import Problem, StorySiteError
from storysite.models import ImageRef, OutputFile, SourceStory
from storysite.pictures import Derived, Picture, derive

#: From a story page (stories/<slug>/index.html) back to the site's root.
FROM_STORY_PAGE = "../../"

#: Alt text: any characters, with brackets nested one deep ("a [b] c"), as Markdown allows.
_ALT = r"(?:[^\[\]\\]|\\.|\[(?:[^\[\]\\]|\\.)*\])*"
_INLINE_RE = re.compile(rf"(!\[{_ALT}\]\(\s*)(<[^>\n]*>|[^)\s]+)")
_REFERENCE_USE_RE = re.compile(rf"!\[({_ALT})\](?:\[((?:[^\]\\]|\\.)*)\])?(?![(:])")
_REFERENCE_DEF_RE = re.compile(r"^([ ]{0,3}\[((?:[^\]\\]|\\.)+)\]:[ \t]*)(<[^>\n]*>|\S+)", re.M)
_INLINE_WHOLE_RE = re.compile(
    rf"!\[({_ALT})\]\(\s*(<[^>\n]*>|[^)\s]+)"
    r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)"
)
_HTML_TAG_RE = re.compile(r"""<img\b(?:[^>"']|"[^"]*"|'[^']*')*>""", re.IGNORECASE)
_ALT_RE = re.compile(r"""\balt\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", re.IGNORECASE)
_HTML_IMG_RE = re.compile(r"""(<img\b[^>]*?\bsrc\s*=\s*)("[^"]*"|'[^']*'|[^\s>]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class CleanImage:
    """An image ready for the output: every rendition, and each file's bytes."""

    picture: Picture
    files: tuple[tuple[str, bytes], ...]

    @property
    def path(self) -> str:
        """The path inside the output that the story's text points at."""
        return self.picture.path


@dataclass(frozen=True)
class StoryImages:
    """What one story's images became: the new path for each source as written."""

    sources: Mapping[str, CleanImage]
    #: Sources left out of the page (another host, or a raw <img> with no file).
    dropped: frozenset[str] = frozenset()
    warnings: tuple[str, ...] = ()

    def files(self, slug: str) -> list[OutputFile]:
        return [
            OutputFile(path=path, content=content, story_slug=slug, kind="image")
            for image in self.sources.values()
            for path, content in image.files
        ]

    def pictures(self) -> tuple[tuple[str, Picture], ...]:
        """(path the text points at, picture) for each image."""
        return tuple((image.path, image.picture) for image in self.sources.values())


@dataclass(frozen=True)
class _Ref:
    src: str
    line: int | None
    html: bool = False  # a raw <img> tag in the body


class ImageStore:
    """Cleans each image file once, however many stories use it (and, with a cache,
    once for as long as the file and the settings stay the same)."""

    def __init__(self, config: SiteConfig, cache: ImageCache | None = None) -> None:
        self.root = config.root
        self.cache = cache or ImageCache(None)
        self._cache: dict[Path, CleanImage | str] = {}

    def collect(self, story: SourceStory) -> tuple[StoryImages, list[Problem]]:
        """The story's cleaned images, and the errors that stop the build. Images left
        out of the page are in ``StoryImages.dropped``, each with a warning."""
        found: dict[str, CleanImage] = {}
        problems: list[Problem] = []
        dropped: dict[str, str] = {}
        for ref in references(story):
            if ref.src in found:
                continue
            image, why = self._clean(story, ref.src)
            if image is not None:
                found[ref.src] = image
            elif is_remote(ref.src) or (ref.html and _is_missing(why)):
                dropped.setdefault(ref.src, _warning(story, ref, why))
            else:
                problems.append(Problem(story.display_path, ref.line, why))
        images = StoryImages(found, frozenset(dropped), tuple(dropped.values()))
        problems.extend(_not_dropped(story, images))
        return images, problems

    def _clean(self, story: SourceStory, src: str) -> tuple[CleanImage | None, str]:
        path, why = resolve(self.root, story.path, src)
        if path is None:
            return None, why
        if path not in self._cache:
            self._cache[path] = self._derived(path)
        result = self._cache[path]
        if isinstance(result, str):
            return None, f"the image '{src}' {result}"
        return result, ""

    def _derived(self, path: Path) -> CleanImage | str:
        try:
            source = path.read_bytes()
        except OSError as e:
            return f"cannot be read ({type(e).__name__}) — check the file's permissions"
        key = self.cache.key(source)
        found: Derived | str | None = self.cache.get(key)
        if found is None:
            found = derive(source)
            if isinstance(found, Derived):
                self.cache.put(key, found)
        if isinstance(found, str):
            return found
        return CleanImage(dataclasses.replace(found.picture, cache_key=key), found.files)


_NOT_FOUND = "is not found"


def _is_missing(why: str) -> bool:
    return f" {_NOT_FOUND} — " in why or why.startswith("an image has no file name")


def _warning(story: SourceStory, ref: _Ref, why: str) -> str:
    where = f"{story.display_path}:{ref.line}" if ref.line else story.display_path
    if is_remote(ref.src):
        what = "is on another web site, so it was left out (pages never load anything "
        what += "from another host) — save the picture in the site's folder and use its path"
    else:
        what = "in an <img> tag is not found, so it was left out — put the picture "
        what += "beside the story or give its path from the site's folder"
    return f"{where}: the image '{ref.src}' {what}"


def _not_dropped(story: SourceStory, images: StoryImages) -> list[Problem]:
    """Fail closed: a source that should have been left out but is still in the text
    after rewriting is an error, so it can never reach a page."""
    if not images.dropped:
        return []
    rewritten = with_clean_images(story, images)
    return [
        Problem(
            story.display_path,
            ref.line,
            f"the image '{ref.src}' cannot be used and could not be taken out of the page "
            "— remove it from the story",
        )
        for ref in references(rewritten)
        if ref.src in images.dropped
    ]


def is_remote(src: str) -> bool:
    """Whether ``src`` names something on another host (or any scheme: data:, file:)."""
    return bool(urlsplit(src).scheme) or src.strip().startswith("//")


def references(story: SourceStory) -> Iterator[_Ref]:
    """Every image source the story names, with its line in the file."""
    if story.image is not None:
        yield _Ref(story.image.src, story.image.line or story.line_of("image"))
    body = story.body

    def line_at(index: int) -> int:
        return story.body_line + body.count("\n", 0, index)

    for match in _INLINE_RE.finditer(body):
        yield _Ref(_bare(match.group(2)), line_at(match.start(2)))
    for match in _HTML_IMG_RE.finditer(body):
        yield _Ref(_bare(match.group(2)), line_at(match.start(2)), html=True)
    definitions = {
        _label(m.group(2)): (m.group(3), m.start(3)) for m in _REFERENCE_DEF_RE.finditer(body)
    }
    for label in _image_labels(body):
        if label in definitions:
            target, start = definitions[label]
            yield _Ref(_bare(target), line_at(start))


def _image_labels(body: str) -> set[str]:
    labels = set()
    for match in _REFERENCE_USE_RE.finditer(body):
        labels.add(_label(match.group(2) or match.group(1)))
    return labels


def _label(text: str) -> str:
    return " ".join(text.lower().split())


def _bare(src: str) -> str:
    src = src.strip()
    if len(src) >= 2 and src[0] + src[-1] in ('""', "''", "<>"):
        src = src[1:-1].strip()
    return src


def resolve(root: Path, story_path: Path, src: str) -> tuple[Path | None, str]:
    """The image file ``src`` names: beside the story first, then from the site's root."""
    parts = urlsplit(src)
    if parts.scheme or src.startswith("//"):
        return None, (
            f"the image '{src}' is not a file in the site — pages never load anything "
            "from another host; save the picture in the site's folder and use its path"
        )
    relative = unquote(parts.path)
    if not relative:
        return None, "an image has no file name — give the picture's path after src"
    site = root.resolve()
    candidates = [story_path.parent / relative, site / relative.lstrip("/")]
    for candidate in candidates:
        resolved = candidate.resolve()
        if not resolved.is_relative_to(site):
            continue
        if resolved.is_file():
            return resolved, ""
    return None, (
        f"the image '{src}' {_NOT_FOUND} — put it beside the story or give its path "
        "from the site's folder (for example images/group.jpg)"
    )


def with_clean_images(story: SourceStory, images: StoryImages) -> SourceStory:
    """The story with every image source replaced by its cleaned file's path: relative
    to the story page in the body, relative to the site's root in ``image.src``. Images
    left out are taken out: from the body (their alt text stays, as text), and
    ``image:`` is dropped."""
    sources = images.sources
    if not sources and not images.dropped:
        return story
    body = without_images(story.body, images.dropped)
    body = rewrite_body(body, {k: FROM_STORY_PAGE + v.path for k, v in sources.items()})
    image = story.image
    if image is not None and image.src in images.dropped:
        image = None
    elif image is not None and image.src in sources:
        image = ImageRef(src=sources[image.src].path, alt=image.alt, line=image.line)
    return dataclasses.replace(story, body=body, image=image)


def without_images(body: str, dropped: frozenset[str]) -> str:
    """``body`` with every image whose source is in ``dropped`` replaced by its alt text."""
    if not dropped:
        return body

    def inline(match: re.Match[str]) -> str:
        return match.group(1) if _bare(match.group(2)) in dropped else match.group(0)

    def tag(match: re.Match[str]) -> str:
        src = _HTML_IMG_RE.search(match.group(0))
        if src is None or _bare(src.group(2)) not in dropped:
            return match.group(0)
        alt = _ALT_RE.search(match.group(0))
        return html.escape(html.unescape(_bare(alt.group(1)))) if alt else ""

    body = _INLINE_WHOLE_RE.sub(inline, body)
    body = _HTML_TAG_RE.sub(tag, body)
    definitions = {_label(m.group(2)): _bare(m.group(3)) for m in _REFERENCE_DEF_RE.finditer(body)}

    def reference(match: re.Match[str]) -> str:
        target = definitions.get(_label(match.group(2) or match.group(1)))
        return match.group(1) if target in dropped else match.group(0)

    return _REFERENCE_USE_RE.sub(reference, body)


def rewrite_body(body: str, new_src: Mapping[str, str]) -> str:
    if not new_src:
        return body

    def swap(match: re.Match[str]) -> str:
        written = match.group(2)
        target = new_src.get(_bare(written))
        if target is None:
            return match.group(0)
        quote = written[0] if written[:1] in ("'", '"') else ""
        return f"{match.group(1)}{quote}{target}{quote}"

    body = _INLINE_RE.sub(swap, body)
    body = _HTML_IMG_RE.sub(swap, body)
    labels = _image_labels(body)

    def swap_definition(match: re.Match[str]) -> str:
        if _label(match.group(2)) not in labels:
            return match.group(0)
        target = new_src.get(_bare(match.group(3)))
        return match.group(0) if target is None else f"{match.group(1)}{target}"

    return _REFERENCE_DEF_RE.sub(swap_definition, body)


@dataclass(frozen=True)
class KeptPicture:
    """One file of a picture a story read from the build cache showed, as the picture
    cache's entry says it is (``ImageCache.head``). A build that keeps the last site's
    file at its path reads none of its bytes; ``file`` reads and checks them, and
    makes the picture again from its source if the entry has been damaged since."""

    path: str
    sha256: str
    cache_key: str
    story_slug: str
    sources: tuple[str, ...]  # the files the story's pictures are read from
    cache: ImageCache = dataclasses.field(compare=False, repr=False)

    def file(self) -> OutputFile:
        files = _picture_files(self.cache, self.cache_key, self.sources)
        content = files.get(self.path)
        if content is None or hashlib.sha256(content).hexdigest() != self.sha256:
            raise StorySiteError(
                f"{self.path} could not be made again the same from the build cache or "
                "its picture — build again; if this happens again, run storysite clean"
            )
        return OutputFile(self.path, content, self.story_slug, kind="image")


@lru_cache(maxsize=2)  # a picture's files are made one after the other, in one process
def _picture_files(cache: ImageCache, key: str, sources: tuple[str, ...]) -> dict[str, bytes]:
    """The files of the picture cached under ``key``: from its entry (which, found
    damaged, is removed), else made again from whichever of ``sources`` it was made from
    (and kept in the cache again)."""
    derived = cache.get(key)
    for source in sources if derived is None else ():
        try:
            data = Path(source).read_bytes()
        except OSError:
            continue
        if ImageCache.key(data) == key:
            made = derive(data)
            if isinstance(made, Derived):
                cache.put(key, made)
                derived = made
            break
    return dict(derived.files) if derived is not None else {}


def kept_pictures(
    pictures: Iterable[Picture], slug: str, sources: Iterable[str], cache: ImageCache
) -> tuple[KeptPicture, ...] | None:
    """The files of a cached story's pictures, from their cache entries' heads; None
    when an entry is gone or unreadable (the story is then worked out again)."""
    kept: list[KeptPicture] = []
    read_from = tuple(sources)
    for picture in pictures:
        head = cache.head(picture.cache_key)
        if head is None:
            return None
        kept += [
            KeptPicture(p, sha, picture.cache_key, slug, read_from, cache)
            for p, _, sha in head.files
        ]
    return tuple(kept)


def unique_files(files: Iterable[OutputFile | KeptPicture]) -> list[OutputFile | KeptPicture]:
    """One output file per path: two stories may show the same picture."""
    return list({f.path: f for f in files}.values())


#: A file as the file system sees it: its path, size, modification and change times
#: and inode (all -1 when there is no such file). The change time cannot be set back,
#: so a file replaced with another of the same size and modification time (touch -d,
#: cp -p) still differs.
Stamp = tuple[str, int, int, int, int]
_MISSING = (-1, -1, -1, -1)


def _stamp(path: str) -> tuple[int, int, int, int]:
    try:
        info = os.stat(path)
    except OSError:
        return _MISSING
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino


def image_stamps(story: SourceStory, root: Path) -> tuple[Stamp, ...]:
    """Every file the story's images could be read from (both places ``resolve`` looks),
    stamped: a cached result for the story holds while these stay the same."""
    stamps: dict[str, tuple[int, int, int, int]] = {}
    for ref in references(story):
        parts = urlsplit(ref.src)
        relative = unquote(parts.path)
        if parts.scheme or ref.src.startswith("//") or not relative:
            continue
        for candidate in (story.path.parent / relative, root / relative.lstrip("/")):
            stamps[str(candidate)] = _stamp(str(candidate))
    return tuple((path, *stamp) for path, stamp in sorted(stamps.items()))


def stamps_hold(stamps: Iterable[Stamp]) -> bool:
    """Whether every file in ``stamps`` is still as it was (or still missing)."""
    return all(_stamp(path) == tuple(rest) for path, *rest in stamps)
