"""Every file of the new site: made, checked by the output gate and written into the
staging folder, across the cores, and taken from the last build unrendered where what
a page shows has not changed (see incremental.py for what makes that safe)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

from storysite import feeds
from storysite.audit import Gate, Leak, Reading, file_reading, pack, unpack
from storysite.collate import RenderedStory, Site, Tag, text_read_mark, text_read_since
from storysite.config import SiteConfig
from storysite.errors import StorySiteError
from storysite.images import KeptPicture
from storysite.incremental import (
    KeptIndex,
    Manifest,
    Store,
    Written,
    code_fingerprint,
    digest,
    folder_fingerprint,
    site_fingerprint,
)
from storysite.models import OutputFile
from storysite.parallel import InBackground, map_ordered, worker_count
from storysite.render import FileJob, Renderer, ready
from storysite.search import SearchIndex
from storysite.writing import Staging

#: An element that loads something (src, srcset, poster, a stylesheet or icon link)
#: from an address with a scheme or host: a request to another website. A link whose
#: rel is only "canonical" names the page's own address and loads nothing.
FOREIGN_LOAD_RE = re.compile(
    r"""<(?:[a-z]+\b[^>]*\s(?:src|srcset|poster|data)\s*=|"""
    r"""link\b(?![^>]*\srel\s*=\s*(?:"canonical"|'canonical'|canonical[\s>]))[^>]*\shref\s*=)"""
    r"""\s*["']?\s*(?:[a-z][a-z0-9+.-]*:|//|\\\\)""",
    re.IGNORECASE,
)
FOREIGN_LOAD_BYTES = re.compile(FOREIGN_LOAD_RE.pattern.encode(), re.IGNORECASE)


@dataclass(frozen=True)
class Made:
    """One file of the new site: its path, a hash of its bytes, and the key of what it
    shows when it is a page a later build may reuse unrendered."""

    path: str
    sha256: str
    page_key: str = ""
    problem: str | None = None
    reads_text: bool = False  # making it read a story's text (see render_and_audit)
    written: Written | None = None  # linked unchanged: the last build's file, as it was
    reading: bytes | None = None  # what the gate read of it, packed, to keep (audit.py)


class Pages:
    """Every output file: made, checked by the gate and written into the staging
    folder, one at a time across the cores, so no process holds the whole site.

    With a cache, a page (a story's or a listing) whose key — the code, the site file,
    the templates and what it shows — is the one the last build wrote is linked from
    the last site unrendered; any other file is made again. The gate's verdict on a
    file is reused only for the same path, the same bytes and the same protected
    names. When the names change, a file is judged again from what the gate read of
    the same path and bytes before (``audit.Reading``, kept in the cache), or read
    again where the cache has no reading of them."""

    def __init__(
        self,
        config: SiteConfig,
        gate: Gate,
        names: str,
        keys: dict[str, tuple[str, str]],
        previous: Manifest | None,
        kept: KeptIndex | None,
        store: Store | None = None,
    ) -> None:
        """``kept``: the cache of the search index's state, ``store`` the build's cache
        (None: no cache)."""
        self.config, self.gate, self.names, self.keys = config, gate, names, keys
        self.previous = previous if kept is not None else None
        self.kept = kept
        self.store = store if kept is not None else None  # (``kept``: the cache is on)
        self.render_key = (
            digest(site_fingerprint(config), folder_fingerprint(config.templates_dir))
            if kept is not None
            else ""
        )

    def story_key(self, site: Site, story: RenderedStory, whole: bool) -> str:
        """A story page shows its story whole, and its neighbours' titles and addresses
        (``whole``: their text too, as the last build of the page found)."""
        newer, older = site.neighbours(story)
        work = self.keys.get(story.slug, ("", ""))[0]
        if not self.render_key or not work:
            return ""
        try:
            around = ["-" if s is None else self.story_id(s, whole) for s in (newer, older)]
        except _NoKey:
            return ""
        return digest("story page", self.render_key, work, *around)

    def story_id(self, story: RenderedStory, whole: bool) -> str:
        """What identifies a story on a page that lists it: everything of it but its
        text (title, date, summary, tags, pictures...), or with ``whole`` its whole
        work, HTML included (a page whose making read the story's text)."""
        work, listing = self.keys.get(story.slug, ("", ""))
        return (work if whole else listing) or _unknown()

    def key_of(self, job: FileJob, whole: bool) -> str:
        """A listing page's key (a ``Renderer.page`` job: its template, path and
        context), or the sitemap's (the pages it lists, with their days); "" for any
        other file, or when a page's context holds something unknown."""
        if self.render_key and isinstance(job, partial) and job.func is feeds.sitemap_xml:
            return digest("sitemap", self.render_key, repr(job.args[1]))  # pages and days
        if not self.render_key or not isinstance(job, partial) or not _is_page(job):
            return ""
        try:
            shown = _canonical((job.args, job.keywords), lambda s: self.story_id(s, whole))
        except _NoKey:
            return ""
        return digest("page", self.render_key, shown)

    def render_and_audit(
        self,
        site: Site,
        images: list[OutputFile | KeptPicture],
        workers: int | None,
        staging: Staging,
    ) -> list[Made]:
        """Returns what was written. Stops the build (``staging`` is then never
        published) when a protected name is in a file that no single story can be held
        for.

        A page is keyed by what it shows. Whether it shows stories' text is learnt by
        making it (collate.text_reads counts every read of a story's HTML or search
        words, however a template reaches it); the manifest remembers it for the next
        build, and a page that read any text is keyed by its stories' whole work."""
        renderer = Renderer(self.config)
        audit = PageAudit(self.gate)
        before, after = renderer.file_jobs(site)
        jobs: list[FileJob] = [
            *before,
            *(partial(renderer.story_page, site, s) for s in site.stories),
            *after,
            *(_picture_job(image) for image in images),
        ]
        searching = next((n for n, job in enumerate(jobs) if _is_search(job)), None)
        last = self.previous
        same_names = last is not None and last.names == self.names
        # The names changed: what the gate read of the last build's files, by path and
        # bytes, fetched before any process starts; judged again (``to_judge``).
        readings = self._last_readings() if not same_names else {}
        to_judge: dict[int, bytes] = {}

        def key(job: FileJob, path: str, whole: bool) -> str:
            story = _story_of(job)
            if story is not None:
                return self.story_key(site, story, whole)
            return self.key_of(job, whole)

        def reused(index: int) -> Made | None:
            """The last build's file, linked unrendered, when it shows what this one would."""
            job = jobs[index]
            picture = _kept_picture(job)
            if picture is not None:
                return kept_picture(picture)
            path = _path_of(job)
            earlier = last.files.get(path) if last is not None and path else None
            if earlier is None:
                return None
            page_key = key(job, path, earlier.reads_text)
            if not page_key or page_key != earlier.page_key:
                return None
            packed = None
            if not same_names:  # judged again for today's names from what the gate read
                packed = readings.get(self.reading_key(path, earlier.sha256))
                if packed is None:
                    return None  # made and read again
            if not staging.keep(path, earlier.stamp):
                return None
            if packed is not None:
                to_judge[index] = packed
            return Made(
                path, earlier.sha256, page_key, reads_text=earlier.reads_text, written=earlier
            )

        def kept_picture(picture: KeptPicture) -> Made | None:
            """The last site's file of a picture read from the cache, unread, when it
            holds the bytes the cache says the picture's file holds and its path passes
            the gate (a picture's bytes are not text: the gate reads only its path)."""
            earlier = last.files.get(picture.path) if last is not None else None
            if earlier is None or earlier.sha256 != picture.sha256:
                return None
            if not same_names and audit.problem(OutputFile(picture.path, b"", kind="image")):
                return None  # made, the file stops the build with this problem
            if not staging.keep(picture.path, earlier.stamp):
                return None
            return Made(picture.path, picture.sha256, written=earlier)

        def make(index: int, put: Callable[[OutputFile], object] | None = None) -> list[Made]:
            """The job's files, checked and written (``put``: handed to it instead)."""
            job = jobs[index]
            path = _path_of(job)
            earlier = last.files.get(path) if last is not None and path else None
            whole = earlier is not None and earlier.reads_text
            page_key = key(job, path, whole) if path else ""
            mark = text_read_mark()
            made = job()
            story = _story_of(job)
            read = bool(text_read_since(mark) - ({story.slug} if story is not None else set()))
            if read and not whole and page_key:
                page_key = key(job, path, True)
            files = made if isinstance(made, list) else [] if made is None else [made]
            return [check(file, page_key, read, put) for file in files]

        def check(
            file: OutputFile, page_key: str, read: bool, put: Callable[[OutputFile], object] | None
        ) -> Made:
            sha = hashlib.sha256(file.content).hexdigest()
            earlier = last.files.get(file.path) if last is not None else None
            checked = same_names and earlier is not None and earlier.sha256 == sha
            problem, fresh = (None, None) if checked else gate_verdict(file, sha)
            made = Made(file.path, sha, page_key, problem, read, reading=fresh)
            if problem is None:  # a file with a problem stops the build: never written
                if put is None:
                    made = written_or_kept(made, file)
                else:
                    put(file)  # (the search index's process: written here, see below)
            return made

        def gate_verdict(file: OutputFile, sha: str) -> tuple[str | None, bytes | None]:
            """The file's problem, from what the gate read of the same path and bytes
            before where the cache has it; and what it read now, packed, to keep."""
            kept = self.store is not None and file.kind != "image"  # (a picture: its path)
            key = self.reading_key(file.path, sha) if kept else ""
            packed = readings.get(key) if key else None
            earlier = unpack(packed) if packed is not None else None
            if earlier is not None:
                return audit.problem(file, earlier), None
            reading = file_reading(file)
            return audit.problem(file, reading), pack(reading) if key else None

        def judge_again(index: int) -> list[Made]:
            """A file kept from the last build, judged for today's names from what the
            gate read of it then (its bytes passed every other check then), or from
            the kept file itself if that reading cannot be read back."""
            kept = by_job[index][0]
            reading = unpack(to_judge[index])
            if reading is None:
                file = OutputFile(kept.path, staging.kept_bytes(kept.path))
                return [replace(kept, problem=audit.problem(file))]
            return [replace(kept, problem=audit.judged(kept.path, reading))]

        def written_or_kept(made: Made, file: OutputFile) -> Made:
            """``file`` written into the new site; or, when the last build wrote these
            very bytes at its path and that file is still as it was, that file linked
            unread (the search index's unchanged parts, most of it after one edit)."""
            earlier = last.files.get(made.path) if last is not None else None
            if (
                earlier is not None
                and earlier.sha256 == made.sha256
                and staging.keep(made.path, earlier.stamp)
            ):
                kept = replace(earlier, page_key=made.page_key, reads_text=made.reads_text)
                return replace(made, written=kept)
            staging.put(file)
            return made

        def search(_: int) -> tuple[list[Made], list[OutputFile]]:
            assert searching is not None
            slugs = [s.slug for s in site.stories]
            cache = self.kept
            if cache is not None:
                renderer.search_before = cache.before
            files: list[OutputFile] = []
            made = make(searching, files.append)
            if cache is not None and renderer.search_state is not None:
                cache.keep(slugs, renderer.search_state)
            return made, files

        # The search index, the longest job, is made and checked by a process of its
        # own from the start (its files are written here, so that where that process
        # fails the job is simply done again here); it makes the index from the last
        # build's and keeps its own in the cache for the next. Meanwhile this process
        # keeps each page the last build wrote that shows what this one would (linked
        # ahead: writing.py), and the files left to make are made across the cores.
        staging.folders_made()
        forking = worker_count(len(jobs), workers) > 1
        background = InBackground(search, 0 if searching is None else 1, forking)
        by_job: dict[int, list[Made]] = {}
        for index in range(len(jobs)):
            kept_page = reused(index) if index != searching else None
            if kept_page is not None:
                by_job[index] = [kept_page]
        left = [i for i in range(len(jobs)) if i not in by_job and i != searching]
        tasks = [*left, *sorted(to_judge)]
        count = worker_count(len(tasks), workers)
        if count > 1 and left:  # compiled once here, not again in every worker
            pages = [job for job in map(jobs.__getitem__, left) if isinstance(job, partial)]
            renderer.compile({"story.html", *(job.args[0] for job in pages if _is_page(job))})

        def task(n: int) -> list[Made]:
            return make(tasks[n]) if n < len(left) else judge_again(tasks[n])

        def kept(chunk: list[list[Made]]) -> list[list[Made]]:
            return [self._keep_readings(made) for made in chunk]

        by_job.update(zip(tasks, map_ordered(task, len(tasks), count, kept), strict=True))
        for made_there, files in background.results():
            written = {file.path: file for file in files}
            by_job[searching] = [  # type: ignore[index]
                written_or_kept(m, written[m.path]) if m.path in written else m for m in made_there
            ]
        made = [m for index in range(len(jobs)) for m in by_job[index]]
        first = next((m.problem for m in made if m.problem is not None), None)
        if first is not None:  # the first problem in file order, whichever worker found it
            raise StorySiteError(first)
        made = self._keep_readings(made)
        if self.store is not None:  # none of a file that is not in the new site
            self.store.keep_only("reading", [self.reading_key(m.path, m.sha256) for m in made])
        return made

    def reading_key(self, path: str, sha256: str) -> str:
        """Where what the gate read of a file (its path and bytes) is kept: it depends
        on nothing else but the code."""
        return digest("reading", code_fingerprint(), path, sha256)

    def _last_readings(self) -> dict[str, bytes]:
        """What the gate read of each file of the last build, where the cache has it."""
        if self.store is None or self.previous is None:
            return {}
        files = self.previous.files.items()
        keys = [self.reading_key(path, w.sha256) for path, w in files]
        found = self.store.get_many(keys, remember=False)
        return {key: value for key, value in found.items() if isinstance(value, bytes)}

    def _keep_readings(self, made: list[Made]) -> list[Made]:
        """Keep in the cache what the gate read of each of these files, where it read
        it now; ``made`` without it (as they come in: see ``map_ordered``)."""
        fresh = [(self.reading_key(m.path, m.sha256), m.reading) for m in made if m.reading]
        if not fresh:
            return made
        if self.store is not None:
            self.store.put_many("reading", fresh, remember=False)
        return [replace(m, reading=None) if m.reading else m for m in made]


class _NoKey(Exception):
    """A page shows something whose identity cannot be put in a key: always make it."""


def _unknown() -> str:
    raise _NoKey


def _canonical(value: object, story_id: Callable[[RenderedStory], str]) -> object:
    """``value`` with each story as its ``story_id``, in a form whose repr is the same
    from build to build. Raises _NoKey for anything else it does not know."""
    if isinstance(value, RenderedStory):
        return ("story", story_id(value))
    if value is None or isinstance(value, (str, int, float, bool, dt.date)):
        return value
    if isinstance(value, (list, tuple)):
        if value and all(type(item) is RenderedStory for item in value):
            # A page's stories, often thousands: their ids (hex digits) in one string.
            return ("stories", " ".join(map(story_id, value)))
        return [_canonical(item, story_id) for item in value]
    if isinstance(value, dict):
        return sorted((str(k), _canonical(v, story_id)) for k, v in value.items())
    if isinstance(value, SearchIndex):  # the search page shows its numbers only
        return ("search", value.shards, value.count)
    if isinstance(value, Tag):
        return ("tag", value.name, value.slug, _canonical(value.stories, story_id))
    raise _NoKey


def _story_of(job: FileJob) -> RenderedStory | None:
    """The story of a story page's job (a story page always shows its own text)."""
    if isinstance(job, partial) and getattr(job.func, "__func__", None) is Renderer.story_page:
        story = job.args[1]
        return story if isinstance(story, RenderedStory) else None
    return None


def _picture_job(image: OutputFile | KeptPicture) -> FileJob:
    """A picture's file: made already, or read from the picture cache when needed."""
    if isinstance(image, OutputFile):
        return partial(ready, image)
    return partial(KeptPicture.file, image)


def _kept_picture(job: FileJob) -> KeptPicture | None:
    if isinstance(job, partial) and job.func is KeptPicture.file:
        picture = job.args[0]
        return picture if isinstance(picture, KeptPicture) else None
    return None


def _path_of(job: FileJob) -> str:
    """The path a page job writes (a story page's, or a ``Renderer.page`` job's second
    argument); "" for any other file."""
    story = _story_of(job)
    if story is not None:
        return f"{story.path}index.html"
    if isinstance(job, partial) and _is_page(job) and isinstance(job.args[1], str):
        return job.args[1]
    if isinstance(job, partial) and job.func is feeds.sitemap_xml:
        return "sitemap.xml"
    return ""


def _is_search(job: FileJob) -> bool:
    return isinstance(job, partial) and getattr(job.func, "__func__", None) is Renderer.search_files


def _is_page(job: FileJob) -> bool:
    return isinstance(job, partial) and getattr(job.func, "__func__", None) is Renderer.page


class PageAudit:
    """The last check before writing. A hit here cannot be tied to one story's text
    (each was checked already), so it comes from a template or the site file: stop.
    Files are checked anywhere (in worker processes too); the build then stops at the
    first problem in file order."""

    def __init__(self, gate: Gate) -> None:
        self.gate = gate

    def problem(self, file: OutputFile, reading: Reading | None = None) -> str | None:
        """``reading``: what the gate read of the file, when already known."""
        if file.path.endswith(".html") and FOREIGN_LOAD_BYTES.search(file.content):
            return (
                f"{file.path} would make browsers fetch something from another website "
                "(a src or stylesheet address with a host) — check the templates. "
                "Nothing was written."
            )
        return self.judged(file.path, reading if reading is not None else file_reading(file))

    def judged(self, path: str, reading: Reading) -> str | None:
        """The gate's problem with what it read of the file at ``path``."""
        leak = self.gate.judge(reading)
        return None if leak is None else _stop_message(path, leak)


def _stop_message(path: str, leak: Leak) -> str:
    where = "(site title, description, placeholder)"
    if leak.kind != "name":
        where = "(site texts; the site's own numbers belong there)"
    return (
        f"{leak.what} appears in {path}, and it does not come from one story's "
        f"text — check the templates and storysite.toml {where}. Nothing was written."
    )
