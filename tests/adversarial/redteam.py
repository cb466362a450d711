"""The red-team kit: many attack stories in one real site, each read back as a red team
reads a site — every output file and path, decoded, on a skeleton of its letters.

A case says what it expects, never only "the name is absent":
- ``Replaced(shown)``: the story is published and ``shown`` is on its page (or, for
  the address, in its path);
- ``Held(reason)``: the build holds the story for a reason holding ``reason``, and
  nothing of the story is anywhere in the output;
- ``Kept(text)``: ordinary text, published as written (``text`` is on its page).

Whatever it expects, no protected name and no listed identifier is in any file.
The skeleton is this file's own (NFKC, Unicode's confusables data through the
confusable-homoglyphs package, accents and case dropped), not the product's.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import unquote

from advkit import png
from sitekit import BASIC_CONFIG, read_tree, run_build, story, write_files


@dataclass(frozen=True)
class Replaced:
    shown: str = "[name removed]"
    in_path: bool = False  # look for the slug form of ``shown`` in the page's address


@dataclass(frozen=True)
class Held:
    reason: str


@dataclass(frozen=True)
class Kept:
    text: str


Expect = Replaced | Held | Kept


_DIGIT_LETTERS = str.maketrans("0123456789", "abcdefghij")


@dataclass(frozen=True)
class Case:
    """One attack story. ``people`` are declared in the story ("Name" is kept private,
    "Name|true" may be named); ``secrets`` are further strings (identifiers) that must
    be in no output file, compared on their letters and digits."""

    id: str
    body: str
    expect: Expect = Replaced()
    people: tuple[str, ...] = ("Jane Quarrington",)
    title: str = ""
    extra: str = ""  # more front matter, as written
    secrets: tuple[str, ...] = ()

    @property
    def marker(self) -> str:
        """A word only this case's story holds: letters only, so it has a skeleton, and
        made from a hash, so it holds no part of a name."""
        digest = hashlib.sha256(self.id.encode()).hexdigest()[:10]
        return f"zq{digest.translate(_DIGIT_LETTERS)}"

    @property
    def file(self) -> str:
        return f"{self.id}.md"

    def source(self) -> str:
        people = "".join(
            f"  - name: {json.dumps(name)}\n    named: {named or 'false'}\n"
            for name, _, named in (p.partition("|") for p in self.people)
        )
        extra = self.extra + (f"people:\n{people}" if people else "")
        title = self.title or f"Case {self.id}"
        body = f"{self.body}\n\nReference {self.marker}.\n"
        return story(title=json.dumps(title), body=body, extra=extra)

    def protected(self) -> list[str]:
        return [p for p in self.people if not p.endswith("|true")]


# --- The skeleton -----------------------------------------------------------------


@cache
def _confusables() -> dict[str, str]:
    """Each character Unicode lists as confusable with one Latin letter -> that letter."""
    import confusable_homoglyphs

    path = Path(confusable_homoglyphs.__file__).parent / "confusables.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    table: dict[str, str] = {}
    for char, entries in data.items():
        if len(char) != 1 or char.isascii():
            continue
        for entry in entries:
            base = unicodedata.normalize("NFKD", entry["c"])[:1]
            if base.isascii() and base.isalpha():
                table[char] = base.lower()
                break
    return table


def skeleton(text: str, digits: bool = False) -> str:
    """Letters (and with ``digits``, digits) only: NFKC, confusables mapped to Latin,
    case folded, accents dropped. Digits of any script read as 0-9."""
    table = _confusables()
    text = unicodedata.normalize("NFKC", text)
    text = "".join(table.get(c, c) for c in text)
    text = unicodedata.normalize("NFKD", text.casefold())
    kept = []
    for char in text:
        if char.isalpha():
            kept.append(char)
        elif digits and char.isdigit():
            kept.append(str(unicodedata.digit(char, 0)))
    return "".join(kept)


def name_keys(name: str) -> list[str]:
    """What of a protected name may not be in any skeleton: the whole name with its
    parts joined, and each part of five letters or more."""
    keys = [skeleton(name)]
    keys.extend(skeleton(part) for part in re.split(r"[\s\-']+", name) if len(skeleton(part)) >= 5)
    return list(dict.fromkeys(k for k in keys if k))


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def readings(name: str, data: bytes) -> list[str]:
    """The ways a reader or a program reads one output file: its path, its text as
    written, decoded (entities twice, %-encoding), with tags removed as a browser
    joins inline text, and the strings of a JSON file."""
    found = [name, unquote(name)]
    if name.endswith((".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico")):
        return found
    text = data.decode("utf-8", "replace")
    decoded = unquote(html.unescape(html.unescape(text)))
    found.extend([text, decoded, re.sub(r"<[^>]*>", "", decoded)])
    if name.endswith(".json"):
        found.extend(_strings(json.loads(text)))
    return found


# --- One site of many cases -------------------------------------------------------


@dataclass
class SiteRun:
    """One build of many cases, read once."""

    root: Path
    exit_code: int
    output: str
    files: dict[str, bytes]
    skeletons: dict[str, list[str]] = field(default_factory=dict)
    digit_skeletons: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, data in self.files.items():
            views = readings(name, data)
            self.skeletons[name] = [skeleton(v) for v in views]
            self.digit_skeletons[name] = [skeleton(v, digits=True) for v in views]

    def leaks(self, keys: Sequence[str], digits: bool = False) -> list[str]:
        where = self.digit_skeletons if digits else self.skeletons
        return sorted(
            f"{key} in {name}"
            for name, views in where.items()
            for key in keys
            if any(key in view for view in views)
        )

    def page_of(self, case: Case) -> tuple[str, str, str] | None:
        """(path, text as a browser shows it, decoded HTML) of the case's story page."""
        for name, data in self.files.items():
            if name.startswith("stories/") and name.endswith("index.html"):
                page = unquote(html.unescape(data.decode("utf-8")))
                text = html.unescape(re.sub(r"<[^>]*>", "", data.decode("utf-8")))
                if case.marker in text:
                    return name, text, page
        return None

    def held_lines(self, case: Case) -> list[str]:
        return [line for line in self.output.splitlines() if f"stories/{case.file}" in line]


def build_cases(root: Path, cases: Sequence[Case], config: str = BASIC_CONFIG) -> SiteRun:
    files: dict[str, str | bytes] = {"storysite.toml": config, "stories/images/pic.png": png()}
    files.update({f"stories/{case.file}": case.source() for case in cases})
    write_files(root, files)
    result = run_build(root)
    output_dir = root / "output"
    tree = read_tree(output_dir) if output_dir.exists() else {}
    return SiteRun(root, result.exit_code, result.output, tree)


def check(
    run: SiteRun, case: Case, register: Sequence[str] = (), named: Sequence[str] = ()
) -> None:
    """Assert what ``case`` expects, and that nothing it protects (nor any name of the
    site's ``register``) is anywhere. A part that a person of the site who may be named
    shares (``named``, "Gordon" of "Gordon Price") may be shown."""
    assert run.exit_code == 0, run.output
    page = run.page_of(case)
    held = [line for line in run.held_lines(case) if "held" in line]
    expect = case.expect
    if isinstance(expect, Held):
        assert page is None, f"{case.id}: expected held, but published at {page and page[0]}"
        assert held, f"{case.id}: not in the report as held:\n{run.output}"
        reasons = "\n".join(run.held_lines(case))
        wrong = f"{case.id}: held, but not for {expect.reason!r}:\n{reasons}"
        assert expect.reason in reasons, wrong
        assert run.leaks([case.marker]) == [], f"{case.id}: a held story left a trace"
    else:
        assert page is not None, f"{case.id}: not published:\n" + "\n".join(run.held_lines(case))
        path, text, decoded = page
        if isinstance(expect, Replaced):
            # In an address the replacement is written as a slug (name-removed).
            wanted = re.sub(r"[^a-z0-9]+", "-", expect.shown.lower()).strip("-")
            if expect.in_path:
                assert wanted in path, f"{case.id}: {path} lacks {wanted}"
            else:
                # Shown as text, or in an attribute (alt, title) or address.
                shown = expect.shown.lower()
                page = decoded.lower()
                visible = shown in text.lower() or shown in page or wanted in page
                assert visible, f"{case.id}: no {expect.shown!r}:\n{text}"
        else:
            assert expect.text in text, f"{case.id}: {expect.text!r} not kept:\n{text}"
    shown = {skeleton(word) for name in named for word in name.split()}
    keys = [k for n in (*case.protected(), *register) for k in name_keys(n) if k not in shown]
    assert run.leaks(keys) == [], f"{case.id}: a protected name reached the output"
    secrets = [skeleton(s, digits=True) for s in case.secrets]
    assert run.leaks(secrets, digits=True) == [], f"{case.id}: an identifier reached the output"
