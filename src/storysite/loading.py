"""stories/*.md -> SourceStory, collecting every problem with its path and line.

Front matter is split with python-frontmatter and parsed with PyYAML's C loader
(about five times faster than the pure-Python one). Booleans follow YAML 1.2:
only ``true`` and ``false`` are booleans, so ``publish: yes`` is text and holds the
story instead of publishing it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from storysite.config import SiteConfig, person_from_mapping
from storysite.errors import Problem
from storysite.models import Consent, Finding, ImageRef, Person, SourceStory
from storysite.scaffold import PLACEHOLDER_BODY, PLACEHOLDER_NAME

_COMMENT_RE = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)


def without_comments(body: str) -> str:
    """The body without HTML comments, which no reader sees (the sanitiser drops
    them), keeping their line breaks so lines still count right. Taken out first, a
    comment cannot split a name, an address or a date of birth the anonymiser must
    see whole ("janeq@<!-- -->example.net")."""
    if "<!--" not in body:
        return body
    return _COMMENT_RE.sub(lambda m: "\n" * m.group().count("\n"), body)


SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
STORY_KEYS = {
    "title", "date", "summary", "tags", "slug", "authors", "draft",
    "image", "consent", "people", "content_warning", "allow",
}  # fmt: skip
CONSENT_KEYS = {"publish", "date", "expires", "withdrawn", "reference"}
IMAGE_KEYS = {"src", "alt"}

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


#: Booleans are redefined below; dates stay text and are checked by _Fields.day,
#: so an impossible date gets a message with its line.
_OWN_TYPES = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp"}


def story_loader(base: Any) -> Any:
    """The loader of front matter, on ``base``: PyYAML's C loader (libyaml) where it is
    built in, else its pure-Python one; a test checks they read the same."""

    class StoryLoader(base):  # type: ignore[misc]
        """A safe loader whose booleans are YAML 1.2's (true/false only, never
        yes/no/on/off), whose dates are left as text for our own checks, and which
        refuses a key written twice: YAML would keep the last one silently, so a second
        ``people:`` or ``withdrawn: false`` could undo the first."""

        def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
            seen: dict[object, Any] = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                if isinstance(key, str | int | float | bool) and key in seen:
                    raise yaml.constructor.ConstructorError(
                        None,
                        None,
                        f"'{key}' is written twice (also on line {seen[key].line + 1}); keep one",
                        key_node.start_mark,
                    )
                if isinstance(key, str | int | float | bool):
                    seen[key] = key_node.start_mark
            return dict(super().construct_mapping(node, deep=deep))

    StoryLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in _OWN_TYPES]
        for first, resolvers in base.yaml_implicit_resolvers.items()
    }
    StoryLoader.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )
    return StoryLoader


StoryLoader = story_loader(_BaseLoader)

_HANDLER = YAMLHandler()


@dataclass(frozen=True)
class LoadResult:
    stories: tuple[SourceStory, ...]
    problems: tuple[Problem, ...]


def story_paths(config: SiteConfig) -> list[Path]:
    """Every story file, in a stable order. Names starting with '_' or '.' are ignored."""
    folder = config.stories_dir
    if not folder.is_dir():
        return []
    found: list[str] = []
    linked = False  # only a symbolic link can make two paths one story
    for root, _dirs, files in _story_folders(folder):
        linked = linked or os.path.islink(root)
        for name in files:
            if name.endswith(".md") and not name.startswith(("_", ".")):
                file = os.path.join(root, name)
                if os.path.isfile(file):
                    found.append(file)
                    linked = linked or os.path.islink(file)
    # In the order of Path objects (part by part), without making one per comparison.
    paths = [Path(p) for p in sorted(found, key=lambda p: p.split(os.sep))]
    if not linked:
        return paths
    # A link to another story file is the same story: read it once.
    unique: dict[Path, Path] = {}
    for path in paths:
        unique.setdefault(path.resolve(), path)
    return sorted(unique.values())


def linked_folders(config: SiteConfig) -> list[str]:
    """Folders in the stories folder that are links to a folder: ``story_paths`` does
    not read through them (a linked file is read), so a build says so rather than
    leave their stories out without a word. As paths from the site's folder."""
    folder = config.stories_dir
    found: list[str] = []
    for root, dirs, _files in _story_folders(folder):
        found += [_shown(Path(root, d), config.root) for d in dirs if os.path.islink(Path(root, d))]
    return found


def _story_folders(folder: Path) -> Iterator[tuple[str, list[str], list[str]]]:
    """``os.walk`` of the stories folder, in a stable order, without the folders whose
    names start with '_' or '.', and (like rglob) not into linked folders."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(("_", ".")))
        yield root, dirs, files


def _shown(path: Path, root: Path) -> str:
    """``path`` as written under ``root`` (a link is not followed), else as it is."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


#: The last site folder seen, resolved (see _display_path).
_root_seen: list[tuple[Path, Path]] = []


def _display_path(path: Path, root: Path) -> str:
    """``errors.display_path(path, root)``, resolving the site's folder once per
    folder object (one build's) rather than once per story."""
    if not _root_seen or _root_seen[0][0] is not root:
        _root_seen[:] = [(root, root.resolve())]
    try:
        return path.resolve().relative_to(_root_seen[0][1]).as_posix()
    except ValueError:
        return str(path)


def load_stories(config: SiteConfig) -> LoadResult:
    stories: list[SourceStory] = []
    problems: list[Problem] = []
    for path in story_paths(config):
        story, found = load_story(path, config)
        problems.extend(found)
        if story is not None:
            stories.append(story)
    return LoadResult(tuple(stories), tuple(problems))


def load_story(path: Path, config: SiteConfig) -> tuple[SourceStory | None, list[Problem]]:
    shown = _display_path(path, config.root)
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        return None, [Problem(shown, line, "is not UTF-8 text — save the file as UTF-8")]
    except OSError as error:
        return None, [Problem(shown, None, f"cannot be read ({error.strerror})")]
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text, flaws = _without_control_characters(shown, text)
    parts = _split(text)
    if parts is None:
        return None, [
            Problem(
                shown,
                1,
                "has no front matter — start the file with a line '---', "
                "the fields (title, date, consent…), then another '---'",
            )
        ]
    front, body, body_line = parts
    body = without_comments(body)
    try:
        data = yaml.load(front, Loader=StoryLoader)
    except yaml.YAMLError as error:
        return None, [_yaml_problem(shown, error)]
    except ValueError as error:  # a timestamp-shaped value that is not a real date
        return None, [
            Problem(
                shown, None, f"the front matter has an impossible value ({error}) — check the dates"
            )
        ]
    except KeyError as error:  # "!!bool maybe": PyYAML looks the word up and fails
        return None, [
            Problem(
                shown,
                None,
                f"the front matter has a value its '!!' tag cannot be ({error}) — "
                "remove the tag, or write true or false",
            )
        ]
    if not isinstance(data, dict):
        return None, [
            Problem(shown, 1, "the front matter must be fields like 'title: …', one per line")
        ]
    lines = dict(_field_lines(front))
    story, problems = _story_from_mapping(path, shown, data, lines, body, body_line, config)
    if story is None:
        return None, problems
    return _fields_without_control_characters(story, flaws), problems


#: What a page cannot show, so a reader would see a word other than the one checked
#: ("Ja\x07ne" shows as "Jane"): C0 and C1 control characters but tab, line feed and
#: form feed (a page break, shown as a space), DEL, and Unicode's noncharacters.
CONTROL_RE = re.compile(
    "[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef"
    + "".join(chr(plane * 0x10000 + 0xFFFE) + chr(plane * 0x10000 + 0xFFFF) for plane in range(17))
    + "]"
)


#: CONTROL_RE's characters below U+10000, and any character above: a character class
#: with the sixteen astral noncharacters in it is read one entry at a time, about ten
#: times slower over a whole story than these two.
_BMP_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")
_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")


def has_control_characters(text: str) -> bool:
    """Whether CONTROL_RE finds anything in ``text`` (the same answer, sooner)."""
    if _BMP_CONTROL_RE.search(text) is not None:
        return True
    return _ASTRAL_RE.search(text) is not None and CONTROL_RE.search(text) is not None


def _without_control_characters(shown: str, text: str) -> tuple[str, list[Finding]]:
    """``text`` without the characters CONTROL_RE finds, and a finding for each (with
    its line): the story is held until they are deleted, and the rest of the site is
    built as usual."""
    if not has_control_characters(text):
        return text, []
    flaws = [
        _control_finding(shown, text.count("\n", 0, m.start()) + 1, text, m.start())
        for m in CONTROL_RE.finditer(text)
    ]
    return CONTROL_RE.sub("", text), flaws


def _control_finding(shown: str, line: int | None, text: str, index: int) -> Finding:
    char = text[index]
    start = max(text.rfind(" ", 0, index), text.rfind("\n", 0, index)) + 1
    ends = [i for i in (text.find(" ", index), text.find("\n", index)) if i != -1]
    word = CONTROL_RE.sub("", text[start : min(ends, default=len(text))])[:40] or "(blank)"
    name = unicodedata.name(char, "")
    control = unicodedata.category(char) == "Cc"
    kind = "a control character" if control else "a noncharacter"
    code = f"U+{ord(char):04X}" + (f" {name}" if name else "")
    return Finding(
        shown,
        line,
        word,
        f"has {kind} ({code}) that a page cannot show, so readers would see the word "
        "differently from how it was checked",
        "delete the character (retype the word)",
    )


def _fields_without_control_characters(story: SourceStory, flaws: list[Finding]) -> SourceStory:
    """The story's fields without control characters written as YAML escapes ("\\a",
    "\\u0007"), with a finding for each; ``flaws`` are those found in the file's text."""
    found = list(flaws)
    changes: dict[str, Any] = {}
    for name in ("title", "summary", "content_warning"):
        value = getattr(story, name)
        if CONTROL_RE.search(value):
            found.extend(_field_flaws(story, name, value))
            changes[name] = CONTROL_RE.sub("", value)
    if any(CONTROL_RE.search(tag) for tag in story.tags):
        for tag in story.tags:
            found.extend(_field_flaws(story, "tags", tag))
        changes["tags"] = tuple(CONTROL_RE.sub("", tag) for tag in story.tags)
    people = [_person_without_control_characters(story, person, found) for person in story.people]
    if people != list(story.people):
        changes["people"] = tuple(people)
    if story.image is not None and CONTROL_RE.search(story.image.alt):
        found.extend(_field_flaws(story, "image", story.image.alt))
        changes["image"] = dataclasses.replace(story.image, alt=CONTROL_RE.sub("", story.image.alt))
    if not found:
        return story
    return dataclasses.replace(story, flaws=tuple(found), **changes)


def _person_without_control_characters(
    story: SourceStory, person: Person, found: list[Finding]
) -> Person:
    """A declared person's name, aliases and shown_as, without control characters (a
    finding each): "Ja\\u0007ne" must be declared, and matched, as the Jane it shows."""
    texts = [person.name, *person.aliases, person.shown_as or ""]
    if not any(CONTROL_RE.search(text) for text in texts):
        return person
    for text in texts:
        found.extend(
            _control_finding(
                story.display_path, person.line or story.line_of("people"), text, m.start()
            )
            for m in CONTROL_RE.finditer(text)
        )
    return dataclasses.replace(
        person,
        name=CONTROL_RE.sub("", person.name),
        aliases=tuple(CONTROL_RE.sub("", alias) for alias in person.aliases),
        shown_as=CONTROL_RE.sub("", person.shown_as) if person.shown_as is not None else None,
    )


def _field_flaws(story: SourceStory, name: str, value: str) -> list[Finding]:
    line = story.line_of(name)
    return [
        _control_finding(story.display_path, line, value, m.start())
        for m in CONTROL_RE.finditer(value)
    ]


def _split(text: str) -> tuple[str, str, int] | None:
    if not _HANDLER.detect(text):
        return None
    try:
        front, body = _HANDLER.split(text)
    except ValueError:
        return None
    body_offset = len(text) - len(body)
    body_line = text[:body_offset].count("\n") + 1
    return front, body, body_line


def _yaml_problem(shown: str, error: yaml.YAMLError) -> Problem:
    # Where an unclosed bracket or quote started is more use than where YAML gave up.
    mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
    # The front matter text starts just after the opening '---' on line 1.
    line = mark.line + 1 if mark is not None else None
    problem = getattr(error, "problem", None) or "unreadable"
    return Problem(
        shown,
        line,
        f"the front matter cannot be read ({problem}) — check the "
        "indentation, colons and quotes on this line",
    )


_KEY_LINE_RE = re.compile(r"^(\s*)(?:-\s+)?([A-Za-z_][\w-]*)\s*:")


def _field_lines(front: str) -> Iterator[tuple[str, int]]:
    """Lines of top-level and nested keys (``consent.date``) for messages; best effort."""
    parents: list[tuple[int, str]] = []
    for number, raw in enumerate(front.splitlines(), start=1):
        match = _KEY_LINE_RE.match(raw)
        if not match:
            continue
        indent = match.start(2)
        while parents and parents[-1][0] >= indent:
            parents.pop()
        key = ".".join([name for _, name in parents] + [match.group(2)])
        yield key, number
        parents.append((indent, match.group(2)))


class _Fields:
    """Reads typed values from front matter, recording a problem for each bad one."""

    def __init__(self, shown: str, data: Mapping[str, Any], lines: Mapping[str, int]) -> None:
        self.shown, self.data, self.lines = shown, data, lines
        self.problems: list[Problem] = []

    def problem(self, key: str, message: str) -> None:
        line = self.lines.get(key) or self.lines.get(key.split(".")[0])
        self.problems.append(Problem(self.shown, line, message))

    def text(self, key: str, value: object, required: bool = False) -> str:
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            need = "is required and must be text" if required else "must be text"
            self.problem(key, f"'{key}' {need}")
            return ""
        return value.strip()

    def day(self, key: str, value: object, required: bool = False) -> dt.date | None:
        if value is None:
            if required:
                self.problem(key, f"'{key}' is required — write it as YYYY-MM-DD")
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.problem(
            key, f"'{key}' is not a real date: {value!r} — write it as YYYY-MM-DD, like 2018-05-18"
        )
        return None

    def text_list(self, key: str, value: object) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list) or not all(
            isinstance(item, str) and item.strip() for item in value
        ):
            self.problem(
                key, f"'{key}' must be a list of text, like [co-production, quality improvement]"
            )
            return ()
        return tuple(item.strip() for item in value)

    def unknown(self, prefix: str, keys: object, known: set[str]) -> None:
        if not isinstance(keys, Mapping):
            return
        for key in keys:
            if key not in known:
                name = f"{prefix}{key}"
                listed = ", ".join(sorted(known))
                self.problem(
                    name,
                    f"unknown field '{name}' — check the spelling; the fields here are {listed}",
                )


def _story_from_mapping(
    path: Path,
    shown: str,
    data: Mapping[str, Any],
    lines: Mapping[str, int],
    body: str,
    body_line: int,
    config: SiteConfig,
) -> tuple[SourceStory | None, list[Problem]]:
    fields = _Fields(shown, data, lines)
    fields.unknown("", data, STORY_KEYS)
    title = fields.text("title", data.get("title"), required=True)
    date = fields.day("date", data.get("date"), required=True)
    slug = _slug(fields, data.get("slug"))
    draft = data.get("draft", False)
    if not isinstance(draft, bool):
        fields.problem("draft", "'draft' must be true or false")
    people = _people(fields, data.get("people"))
    story = SourceStory(
        path=path,
        display_path=shown,
        title=title,
        date=date or dt.date.min,
        body=body,
        body_line=body_line,
        summary=fields.text("summary", data.get("summary")),
        tags=fields.text_list("tags", data.get("tags")),
        slug=slug,
        authors=_authors(fields, data.get("authors"), people, config),
        draft=draft is True,
        image=_image(fields, data.get("image")),
        content_warning=fields.text("content_warning", data.get("content_warning")),
        consent=_consent(fields, data.get("consent")),
        people=people,
        allow=fields.text_list("allow", data.get("allow")),
        field_lines=tuple(sorted(lines.items())),
    )
    fields.problems.extend(_unfinished(story))
    if fields.problems:
        return None, fields.problems
    return story, []


def _unfinished(story: SourceStory) -> list[Problem]:
    """The text ``storysite new`` wrote for people to replace, still in the story."""
    found = [
        Problem(
            story.display_path,
            person.line,
            f"the person is still '{PLACEHOLDER_NAME}', as storysite new wrote it — write "
            "the real name of someone the story mentions, or remove this entry",
        )
        for person in story.people
        if person.name == PLACEHOLDER_NAME
    ]
    at = story.body.find(PLACEHOLDER_BODY)
    if at >= 0:
        found.append(
            Problem(
                story.display_path,
                story.body_line + story.body[:at].count("\n"),
                f"the story still says '{PLACEHOLDER_BODY}', as storysite new wrote it — "
                "write the story in its place (while it is being written, start the file "
                "name with _ and storysite leaves it alone)",
            )
        )
    return found


def _slug(fields: _Fields, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not SLUG_RE.match(value):
        fields.problem(
            "slug",
            f"'slug' may only use a-z, 0-9 and '-': {value!r} — for example finding-my-voice",
        )
        return None
    return value


def _consent(fields: _Fields, value: object) -> Consent | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        fields.problem(
            "consent",
            "'consent' must be a block with publish and date, each on its own indented line",
        )
        return None
    fields.unknown("consent.", value, CONSENT_KEYS)
    withdrawn = value.get("withdrawn")
    if isinstance(withdrawn, str):
        withdrawn = fields.day("consent.withdrawn", withdrawn)
    elif not (withdrawn is None or isinstance(withdrawn, bool)):
        fields.problem(
            "consent.withdrawn", "'consent.withdrawn' must be a date (YYYY-MM-DD) or true"
        )
    return Consent(
        publish=value.get("publish"),
        date=fields.day("consent.date", value.get("date")),
        expires=fields.day("consent.expires", value.get("expires")),
        withdrawn=withdrawn,
        reference=_reference(fields, value.get("reference")),
    )


def _reference(fields: _Fields, value: object) -> str:
    """The consent form's identifier: text, or a bare number (CF numbers often are)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return fields.text("consent.reference", value)


def _people(fields: _Fields, value: object) -> tuple[Person, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        fields.problem("people", "'people' must be a list: each person starts with '- name:'")
        return ()
    people: list[Person] = []
    entry_lines = _list_entry_lines(fields, len(value))
    for index, entry in enumerate(value):
        line = entry_lines[index] if index < len(entry_lines) else fields.lines.get("people")
        if not isinstance(entry, Mapping):
            fields.problems.append(
                Problem(
                    fields.shown,
                    line,
                    "each entry in 'people' needs 'name:' (and usually 'named:')",
                )
            )
            continue
        person, why = person_from_mapping(entry, fields.shown, line)
        fields.problems.extend(Problem(fields.shown, line, f"people: {w}") for w in why)
        if person is not None:
            people.append(person)
    return tuple(people)


def _list_entry_lines(fields: _Fields, count: int) -> list[int]:
    lines = sorted(line for key, line in fields.lines.items() if key == "people.name")
    return lines[:count]


def _authors(
    fields: _Fields, value: object, people: tuple[Person, ...], config: SiteConfig
) -> tuple[str, ...]:
    authors = fields.text_list("authors", value)
    if not authors:
        return authors
    register_named, register_protected = _register_names(config.register)
    named = register_named | {p.name for p in people if p.named}
    protected = register_protected | {p.name for p in people if not p.named}
    for author in authors:
        if author in register_protected:
            fields.problem(
                "authors",
                f"author '{author}' is kept private by the site register (named: false "
                "in storysite.toml) — remove them from 'authors', or change the register "
                "if they have agreed to be named",
            )
        elif author not in named or author in protected:
            fields.problem(
                "authors",
                f"author '{author}' is not a person with named: true — "
                "add them under 'people' with named: true, or remove them from "
                "'authors'",
            )
    return authors


#: The last register seen, with its named and protected names (see _register_names).
_register_seen: list[tuple[tuple[Person, ...], frozenset[str], frozenset[str]]] = []


def _register_names(register: tuple[Person, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """The register's named and protected names, worked out once per register rather
    than once per story (a register can hold thousands of people). Only the last
    register is kept, so a long preview session does not collect old ones."""
    if not _register_seen or _register_seen[0][0] is not register:
        named = frozenset(p.name for p in register if p.named)
        protected = frozenset(p.name for p in register if not p.named)
        _register_seen[:] = [(register, named, protected)]
    return _register_seen[0][1], _register_seen[0][2]


def _image(fields: _Fields, value: object) -> ImageRef | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        fields.problem("image", "'image' must be a block with src and alt")
        return None
    fields.unknown("image.", value, IMAGE_KEYS)
    src = fields.text("image.src", value.get("src"), required=True)
    alt = value.get("alt")
    if not isinstance(alt, str) or not alt.strip():
        fields.problem(
            "image.alt",
            "'image.alt' is required: describe the picture in a few "
            "words for people who cannot see it",
        )
        alt = ""
    return ImageRef(src=src, alt=alt.strip(), line=fields.lines.get("image"))
