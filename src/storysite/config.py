"""storysite.toml -> a frozen SiteConfig. Every problem is collected, then reported together.

The schema is declared once in ``SCHEMA``; an unknown key is an error because a typo
(``[anonymise] alow``) must never quietly change what is published.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storysite.errors import ContentErrors, Problem
from storysite.models import Person

CONFIG_NAME = "storysite.toml"
DEFAULT_PLACEHOLDER = "[name removed]"
DEFAULT_NOTICE = "Names have been changed or removed to protect privacy."
DEFAULT_SUPPORT_HEADING = "If you need help now"
DEFAULT_SUPPORT_LINES = (
    "Call NHS 111 and choose option 2 to speak to a mental health professional, day or night.",
    "Call Samaritans free on 116 123, at any time, about anything.",
    "In an emergency, or if a life is at risk, call 999.",
)

Check = Callable[[object], str | None]


def _text(value: object) -> str | None:
    return None if isinstance(value, str) else "must be text in quotes"


def _positive_int(value: object) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and value > 0
    return None if ok else "must be a whole number greater than 0"


def _text_list(value: object) -> str | None:
    ok = isinstance(value, list) and all(isinstance(item, str) for item in value)
    return None if ok else 'must be a list of text, like ["Tower Hamlets", "Recovery College"]'


def _people(value: object) -> str | None:
    ok = isinstance(value, list) and all(isinstance(item, dict) for item in value)
    return None if ok else "must be written as [[anonymise.people]] tables"


def _url(value: object) -> str | None:
    if not isinstance(value, str):
        return "must be text in quotes"
    if not re.match(r"^https?://[^/\s]+(/\S*)?$", value):
        return 'must be a full web address, like "https://stories.example.org/"'
    return None


def _form_action(value: object) -> str | None:
    """Where a form posts: a path on the site's host, or a web address. Anything else
    (``javascript:``, ``data:``) would run or leak instead of posting."""
    if not isinstance(value, str):
        return "must be text in quotes"
    if not (value.startswith("/") and not value.startswith("//")) and _url(value) is not None:
        return 'must be a path like "/feedback" or a full web address starting https://'
    return None


def _day(value: object) -> str | None:
    """A TOML date (2026-11-01) or the same written as text."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return None
    if isinstance(value, str):
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            pass
        else:
            return None
    return "must be a date, like 2026-11-01"


REPLACEMENT_KINDS = ("email", "phone", "nhs_number", "postcode", "date_of_birth")


def _replacements(value: object) -> str | None:
    """[anonymise.replacements]: the text shown instead of each kind of identifier."""
    kinds = ", ".join(REPLACEMENT_KINDS)
    if not isinstance(value, dict):
        return f"must be a table [anonymise.replacements] with keys {kinds}"
    for key, text in value.items():
        if key not in REPLACEMENT_KINDS:
            return f"has an unknown key '{key}' — the keys there are {kinds}"
        if not isinstance(text, str) or not text.strip():
            return f'{key} must be text in quotes, like "[phone number removed]"'
    return None


#: section -> key -> check. Extend here when the contract grows, and document it.
SCHEMA: dict[str, dict[str, Check]] = {
    "site": {
        "title": _text,
        "base_url": _url,
        "language": _text,
        "per_page": _positive_int,
        "description": _text,
        "privacy_url": _text,
    },
    "anonymise": {
        "placeholder": _text,
        "notice": _text,
        "allow": _text_list,
        "people": _people,
        "replacements": _replacements,  # text shown instead of each identifier
    },
    "feedback": {"action": _form_action},
    "newsletter": {"action": _form_action, "consent_text": _text, "consent_version": _text},
    "support": {"heading": _text, "lines": _text_list},
    "accessibility": {"organisation": _text, "contact": _text, "reviewed": _day},
}

PERSON_KEYS = {"name", "named", "aliases", "shown_as"}


@dataclass(frozen=True)
class SiteConfig:
    root: Path
    title: str
    base_url: str | None = None
    language: str = "en-GB"
    per_page: int = 10
    description: str = ""
    privacy_url: str = ""
    placeholder: str = DEFAULT_PLACEHOLDER
    notice: str = DEFAULT_NOTICE
    allow: tuple[str, ...] = ()
    register: tuple[Person, ...] = ()
    feedback_action: str = "/feedback"
    newsletter_action: str = "/newsletter"
    newsletter_consent_text: str = "Yes, e-mail me new stories. I can unsubscribe at any time."
    newsletter_consent_version: str = "1"
    support_heading: str = DEFAULT_SUPPORT_HEADING
    support_lines: tuple[str, ...] = DEFAULT_SUPPORT_LINES
    accessibility_organisation: str = ""  # empty: the site title
    accessibility_contact: str = ""
    accessibility_reviewed: dt.date | None = None
    #: [anonymise.replacements]: kind of identifier -> the text shown instead.
    replacements: tuple[tuple[str, str], ...] = ()

    @property
    def stories_dir(self) -> Path:
        return self.root / "stories"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"


def load_config(root: Path) -> SiteConfig:
    """Read and validate ``root/storysite.toml``; raise ContentErrors listing every problem."""
    path = root / CONFIG_NAME
    if not path.is_file():
        raise ContentErrors(
            [
                Problem(
                    str(path),
                    None,
                    f"no {CONFIG_NAME} here — run the command in the "
                    "site's folder, give --site DIR, or create one with `storysite init`",
                )
            ]
        )
    text, problems = _read_text(path)
    if text is None:
        raise ContentErrors(problems)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = _toml_error_line(str(error))
        raise ContentErrors(
            [
                Problem(
                    CONFIG_NAME,
                    line,
                    f"this is not valid TOML ({error}) — check quotes, "
                    "brackets and '=' on that line",
                )
            ]
        ) from None
    problems = list(_validate(data, text))
    register = _register(data, text, problems)
    if problems:
        raise ContentErrors(problems)
    return _build(root, data, register)


def _read_text(path: Path) -> tuple[str | None, list[Problem]]:
    try:
        return path.read_bytes().decode("utf-8-sig"), []
    except UnicodeDecodeError:
        return None, [Problem(path.name, None, "is not UTF-8 text — save it as UTF-8")]
    except OSError as error:
        return None, [Problem(path.name, None, f"cannot be read ({error.strerror})")]


def _toml_error_line(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


def _validate(data: Mapping[str, Any], text: str) -> list[Problem]:
    problems: list[Problem] = []
    for section, values in data.items():
        if section not in SCHEMA:
            known = ", ".join(f"[{name}]" for name in SCHEMA)
            problems.append(
                _problem(
                    text, None, section, f"unknown section [{section}] — the sections are {known}"
                )
            )
            continue
        if not isinstance(values, dict):
            problems.append(_problem(text, None, section, f"'{section}' must be a [section]"))
            continue
        for key, value in values.items():
            check = SCHEMA[section].get(key)
            if check is None:
                known = ", ".join(SCHEMA[section])
                problems.append(
                    _problem(
                        text,
                        section,
                        key,
                        f"unknown key '{key}' in [{section}] — the keys there are {known}",
                    )
                )
            elif (why := check(value)) is not None:
                problems.append(_problem(text, section, key, f"[{section}] {key} {why}"))
    title = data.get("site", {}).get("title") if isinstance(data.get("site"), dict) else None
    if not (isinstance(title, str) and title.strip()):
        problems.append(
            Problem(
                CONFIG_NAME,
                None,
                '[site] title is required — add title = "Your site\'s name" under [site]',
            )
        )
    return problems


def _register(data: Mapping[str, Any], text: str, problems: list[Problem]) -> tuple[Person, ...]:
    section = data.get("anonymise")
    entries = section.get("people", []) if isinstance(section, dict) else []
    if not isinstance(entries, list):
        return ()
    people: list[Person] = []
    lines = _array_table_lines(text, "anonymise.people")
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        line = lines[index] if index < len(lines) else None
        person, why = person_from_mapping(entry, CONFIG_NAME, line)
        if why:
            problems.extend(Problem(CONFIG_NAME, line, f"[[anonymise.people]] {w}") for w in why)
        elif person is not None:
            people.append(person)
    return tuple(people)


def person_from_mapping(
    entry: Mapping[str, Any], declared_in: str, line: int | None
) -> tuple[Person | None, list[str]]:
    """Validate one person; shared by stories' ``people`` and the site register."""
    why: list[str] = []
    for key in entry:
        if key not in PERSON_KEYS:
            why.append(f"unknown key '{key}' — a person has name, named, aliases and shown_as")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        why.append("needs a name, as text")
    named = entry.get("named", False)
    if not isinstance(named, bool):
        why.append("named must be true or false")
    aliases = entry.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        why.append("aliases must be a list of text, like [Janey, JD]")
    shown_as = entry.get("shown_as")
    if shown_as is not None and not (isinstance(shown_as, str) and shown_as.strip()):
        why.append("shown_as must be text, like 'a service user'")
    if why:
        return None, why
    assert isinstance(name, str) and isinstance(named, bool) and isinstance(aliases, list)
    person = Person(
        name=name.strip(),
        named=named,
        aliases=tuple(a.strip() for a in aliases),
        shown_as=shown_as.strip() if isinstance(shown_as, str) else None,
        declared_in=declared_in,
        line=line,
    )
    return person, []


def _build(root: Path, data: Mapping[str, Any], register: tuple[Person, ...]) -> SiteConfig:
    site = data.get("site", {})
    anon = data.get("anonymise", {})
    feedback = data.get("feedback", {})
    newsletter = data.get("newsletter", {})
    base_url = site.get("base_url")
    if base_url and not base_url.endswith("/"):
        base_url += "/"
    defaults = SiteConfig(root=root, title="")
    return SiteConfig(
        root=root,
        title=site["title"].strip(),
        base_url=base_url or None,
        language=site.get("language", defaults.language),
        per_page=site.get("per_page", defaults.per_page),
        description=site.get("description", ""),
        privacy_url=site.get("privacy_url", ""),
        placeholder=anon.get("placeholder", DEFAULT_PLACEHOLDER),
        notice=anon.get("notice", DEFAULT_NOTICE),
        allow=tuple(anon.get("allow", ())),
        register=register,
        feedback_action=feedback.get("action", defaults.feedback_action),
        newsletter_action=newsletter.get("action", defaults.newsletter_action),
        newsletter_consent_text=newsletter.get("consent_text", defaults.newsletter_consent_text),
        newsletter_consent_version=newsletter.get(
            "consent_version", defaults.newsletter_consent_version
        ),
        **_support_and_accessibility(data),
        replacements=tuple(sorted(anon.get("replacements", {}).items())),
    )


def _support_and_accessibility(data: Mapping[str, Any]) -> dict[str, Any]:
    support = data.get("support", {})
    access = data.get("accessibility", {})
    reviewed = access.get("reviewed")
    if isinstance(reviewed, str):
        reviewed = dt.date.fromisoformat(reviewed)
    return {
        "support_heading": support.get("heading", DEFAULT_SUPPORT_HEADING),
        "support_lines": tuple(support.get("lines", DEFAULT_SUPPORT_LINES)),
        "accessibility_organisation": access.get("organisation", ""),
        "accessibility_contact": access.get("contact", ""),
        "accessibility_reviewed": reviewed,
    }


def _problem(text: str, section: str | None, key: str, message: str) -> Problem:
    return Problem(CONFIG_NAME, _key_line(text, section, key), message)


def _key_line(text: str, section: str | None, key: str) -> int | None:
    """The line of ``key`` inside ``[section]`` (or of the section header when section is None).

    tomllib gives no positions, so this reads the text. It only serves messages.
    """
    current: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        header = re.match(r"^\[\[?\s*([^\]]+?)\s*\]\]?", line)
        if header:
            current = header.group(1)
            if section is None and current.split(".")[0] == key:
                return number
            continue
        in_section = current is not None and current.split(".")[0] == section
        if in_section and re.match(rf"^[\"']?{re.escape(key)}[\"']?\s*=", line):
            return number
    return None


def _array_table_lines(text: str, name: str) -> list[int]:
    pattern = re.compile(rf"^\s*\[\[\s*{re.escape(name)}\s*\]\]")
    return [n for n, line in enumerate(text.splitlines(), start=1) if pattern.match(line)]
