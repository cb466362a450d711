"""A deterministic synthetic corpus for the speed benchmarks (issue 7).

``make_corpus(n, register_size)`` makes N stories of 600-900 words of realistic
Markdown (headings, emphasis, lists, block quotes, links) with tags, dates, valid
consent and a couple of declared people each, plus a site register of fictional
names. About a third of the stories mention register names, so the anonymiser has
real replacements to make. The same corpus can be written for storysite, Pelican
and Hugo, so the three tools build identical text.

Every name below is invented for this file, and the prose is written so that the
anonymiser finds nothing undeclared: a corpus whose stories were *held* would make
storysite look faster than it is. ``run.py`` checks that every story is published.

Two shapes (``SHAPES``). ``plain`` is the one above. ``mentions`` is the same kind of
story in which every story names declared people about 20 times (issue 14): two or
three register people and the story's own private people, as full names, first
names, possessives ("Aldous's") and aliases where declared, and a third of the
summaries name someone too. At 2,000 stories that is about 45,000 replacements.

Run it alone to look at a corpus:  python benchmarks/corpus.py 20 /tmp/corpus
                                   python benchmarks/corpus.py 20 /tmp/m --shape mentions
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

SEED = 20261127
TODAY = dt.date(2026, 11, 27)
#: ``plain``: names in about half the sentences, register people in a third of the
#: stories; ``mentions``: about 20 mentions of protected people in every story.
SHAPES = ("plain", "mentions")
MENTIONS_PER_STORY = (20, 26)  # the mentions shape: mentions per story, drawn evenly


def _words(text: str) -> list[str]:
    return text.split()


# --- People ---------------------------------------------------------------------------
# Protected people (the register and the people stories keep private) are drawn from
# these two lists; named staff authors from the two after. The pools share no word,
# so a named author never collides with a protected name or one of its parts.
PROTECTED_FIRST = _words("""
Aldous Briony Caspian Delphine Eamon Fenwick Gisela Hollis Isidore Jolene Kestrin
Lorcan Mirela Nerys Odhran Perpetua Quillon Rosheen Severin Tindra Ulrika Vesna
Wilder Xanthe Yorick Zelda Anouk Benedek Corisande Dashiell Elowen Florin Gwilym
Henrika Ilsabet Jorunn Kasimir Liesel Malachy Noor Oriel Pascoe Quenby Radomir
Sabela Talfryn Ursel Veradis Wystan Yseult Zbigniew Anwen Bartholomea Ciarnait
Dovydas Eirlys Fiachra Gudrun Hesketh Ifeyinwa
""")
PROTECTED_LAST = _words("""
Abernethy Blackwood Carrow Dunleavy Ellingham Fairbairn Gorringe Hatherley Inchbold
Jessop Kilbride Lockyer Mallinson Nettleford Oakshott Pennock Quarrie Rathbone
Stainforth Tregenza Underhill Vickery Wetherall Yardley Zielinski Ashdown Brackley
Cottam Dandridge Etheridge Flintoff Grimshaw Halliwell Ibbotson Jellicoe Kershaw
Lamplugh Merriweather Nancarrow Oldroyd Postlethwaite Quinlivan Rowntree Sowerby
Thistlewood Urquhart Varley Whitelock Yelland Zabrowski Aspinall Bellamy Crowther
Dobbins Entwistle Fothergill Greatorex Hindmarsh Illingworth
""")
STAFF_FIRST = _words("""
Oswin Ravenna Tamsyn Corentin Ilaria Benedikt Marisol Evander Solveig Lucan Amalie
Thaddeus Petronella Cassius Ottilie Leander
""")
STAFF_LAST = _words("""
Ferncastle Quayle Dunmore Harrowgate Pendlebury Ravensworth Sallowfield Marchbank
Cresswell Ormerod Wadsworth Tolland Brightside Coverdale Ashcombe Hollinrake
""")
ALIASES = ["Bim", "Dodo", "Pip", "Tink", "Bex", "Scoot", "Moss", "Zed"]
SHOWN_AS = ["a service user", "another service user", "a carer", "a group member", None]
ROLES = ["peer support worker", "occupational therapist", "community nurse", "team manager"]

# --- Words --------------------------------------------------------------------------
TAGS = """
co-production|peer support|crisis care|carers|quality improvement|governance|recovery|
environment|training|housing|employment|art|gardening|music|walking group|
discharge|inpatient care|community|young people|older people|medication|
waiting times|feedback|volunteering|sleep|physical health|food|digital|
transport|money worries|loneliness|family|writing|sport|faith|research
""".replace("\n", "").split("|")
TITLE_START = [
    "What I learned from", "Notes on", "A year of", "Starting", "Changing",
    "Why we rebuilt", "Finding my way through", "Looking again at", "Sharing",
    "Small steps towards", "The truth about", "Making room for", "Rethinking",
]  # fmt: skip
TITLE_END = [
    "the Tuesday group", "a better discharge letter", "the ward garden",
    "our first steering meeting", "the crisis line", "a quieter waiting room",
    "peer support on the ward", "the carers' evening", "the walking group",
    "a kinder assessment", "the recovery workshops", "the night shift",
    "our welcome pack", "the allotment", "the music sessions", "the job club",
]  # fmt: skip
HEADINGS = [
    "Where it started", "What changed", "Looking back", "What we would tell others",
    "The hard parts", "What helped", "In our own words", "What comes next",
    "The first meeting", "How it felt", "What surprised us", "A note for staff",
]  # fmt: skip
OPENERS = [
    "At first", "For a long time", "Looking back", "In the end", "Most weeks",
    "Some days", "After a while", "By the spring", "On the worst days", "Slowly",
    "To be honest", "Before long", "That winter", "Even now",
]  # fmt: skip
SUBJECTS = [
    "the group", "the team", "everyone in the room", "the staff", "the carers",
    "the people who came", "our little committee", "the whole ward",
    "the volunteers", "the newer members", "the regulars",
]  # fmt: skip
VERBS = [
    "talked about", "argued over", "wrote down", "tried out", "planned",
    "laughed about", "worried about", "changed", "rebuilt", "questioned",
    "learned from", "shared", "tested", "redesigned", "listened to",
]  # fmt: skip
OBJECTS = [
    "the waiting list", "the welcome leaflet", "the way meetings were run",
    "what a good day looks like", "the forms nobody could read",
    "the times we met", "how decisions were made", "the tea rota",
    "the questions on the survey", "the letters sent home", "the garden beds",
    "the noise on the corridor", "what support should feel like",
    "the rules about visiting", "the words doctors use",
]  # fmt: skip
TAILS = [
    "until it made sense to all of us", "without anyone being rushed",
    "and nobody pretended it was easy", "over far too many cups of tea",
    "because the old way was not working", "in plain words for once",
    "with more patience than I expected", "and then did it all again",
    "as if our views really counted", "which still makes me smile",
    "even when it was slow", "long after the funding ran out",
]  # fmt: skip
FEELINGS = [
    "nervous", "hopeful", "tired", "proud", "unsure", "listened to", "stuck",
    "calmer", "angry", "welcome", "useful", "brave", "relieved",
]  # fmt: skip
PLACES = [
    "the day centre", "the café", "the ward kitchen", "the library", "the garden",
    "the community hall", "the clinic corridor", "the bus stop outside",
]  # fmt: skip
LIST_ITEMS = [
    "ask people what they need before deciding for them",
    "keep meetings short and pay people for their time",
    "write letters in plain words",
    "let people bring someone they trust",
    "say what will happen next, and when",
    "make the room quiet and warm",
    "share the agenda a week before",
    "tell people what changed because of them",
    "leave space for people who find groups hard",
    "check in with the carers too",
    "try one small change at a time",
    "write the minutes so anyone can read them",
]  # fmt: skip
QUOTES = [
    "Nobody gets better in a room that tells them to go away.",
    "We were not asked for our views; we were asked to help decide.",
    "It took a year to build the trust and one afternoon to use it.",
    "The kettle was the most important thing in the building.",
    "You cannot co-produce anything with people you never meet.",
]  # fmt: skip
LINKS = [
    ("the recovery workshops page", "https://example.org/recovery-college"),
    ("our notes from the first year", "https://example.org/notes/first-year"),
    ("the carers' guide", "https://example.org/carers/guide"),
    ("the survey results", "https://example.org/survey/2025"),
    ("the crisis card", "https://example.org/crisis-card"),
]  # fmt: skip
ALLOW = ["Recovery College", "Riverside"]


@dataclass(frozen=True)
class Person:
    name: str
    named: bool = False
    aliases: tuple[str, ...] = ()
    shown_as: str | None = None


@dataclass(frozen=True)
class Story:
    number: int
    title: str
    slug: str
    date: dt.date
    consent_date: dt.date
    expires: dt.date | None
    summary: str
    tags: tuple[str, ...]
    people: tuple[Person, ...]
    authors: tuple[str, ...]
    #: Register people this story mentions (declared by the site, not the story).
    mentions: tuple[Person, ...]
    body: str
    #: Mentions of protected people written in the text (each one a replacement).
    mentioned: int = 0

    @property
    def filename(self) -> str:
        return f"{self.date.isoformat()}-{self.number:05d}.md"


@dataclass(frozen=True)
class Corpus:
    stories: tuple[Story, ...]
    register: tuple[Person, ...]
    shape: str = "plain"

    @property
    def words(self) -> int:
        return sum(len(s.body.split()) for s in self.stories)

    @property
    def mentions(self) -> int:
        """Mentions of protected people the mentions shape wrote (0 for plain)."""
        return sum(s.mentioned for s in self.stories)


@dataclass
class _Writer:
    """Builds one story body, counting words as it goes."""

    rng: random.Random
    names: list[tuple[str, str]]  # (first mention, later mentions)
    parts: list[str] = field(default_factory=list)
    words: int = 0
    introduced: set[str] = field(default_factory=set)
    #: The mentions shape only: every form each person may be written in (full name
    #: first), how many mentions the body should hold, and over how many words.
    forms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    goal: int = 0
    target: int = 1
    mentioned: int = 0
    last: str = ""  # the person ``form`` chose last
    marks: list[int] = field(default_factory=list)  # ``mentioned`` after each part

    def add(self, block: str) -> None:
        self.parts.append(block)
        self.words += len(block.split())
        self.marks.append(self.mentioned)

    def pop(self) -> None:
        self.words -= len(self.parts.pop().split())
        self.marks.pop()
        self.mentioned = self.marks[-1] if self.marks else 0

    def name(self) -> str:
        if self.forms:
            return self.form()
        first, later = self.rng.choice(self.names)
        # The first time a person appears they get their full name; after that, the
        # text often uses the short form, as people write.
        if first not in self.introduced:
            self.introduced.add(first)
            return first
        return self.rng.choice([first, later, later])

    def form(self, other_than: str = "") -> str:
        """The mentions shape: a full name the first time, then any declared form."""
        full = self.rng.choice([f for f in self.forms if f != other_than])
        self.last = full
        self.mentioned += 1
        if full not in self.introduced:
            self.introduced.add(full)
            return full
        return self.rng.choice(self.forms[full])

    def due(self) -> bool:
        """The mentions shape: is the body behind its share of mentions so far?"""
        return self.mentioned < self.goal * (self.words + 12) / self.target

    def kind(self) -> int:
        if not self.forms:
            return self.rng.randrange(6)
        return self.rng.choice((1, 2, 5, 6, 7) if self.due() else (0, 3, 4))

    def sentence(self) -> str:
        rng = self.rng
        kind = self.kind()
        if kind == 0:
            text = f"{rng.choice(OPENERS)} {rng.choice(SUBJECTS)} {rng.choice(VERBS)} "
            text += f"{rng.choice(OBJECTS)} {rng.choice(TAILS)}."
        elif kind == 1:
            text = f"{self.name()} felt {rng.choice(FEELINGS)} the first time we met "
            text += f"in {rng.choice(PLACES)}, and said so."
        elif kind == 2:
            text = f"I remember {self.name()} asking why {rng.choice(OBJECTS)} "
            text += f"had never been changed {rng.choice(TAILS)}."
        elif kind == 3:
            text = f"We {rng.choice(VERBS)} {rng.choice(OBJECTS)} in {rng.choice(PLACES)}, "
            text += f"and I came away {rng.choice(FEELINGS)}."
        elif kind == 4:
            text = f"{rng.choice(OPENERS)} I felt {rng.choice(FEELINGS)}, but "
            text += f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}."
        elif kind == 5:
            text = f"My friend {self.name()} {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
            text += f"with me {rng.choice(TAILS)}."
        elif kind == 6:
            text = f"It was {self.name()}'s idea to look again at {rng.choice(OBJECTS)}, "
            text += f"and I felt {rng.choice(FEELINGS)} about it."
        else:
            text = f"{self.name()} and {self.form(other_than=self.last)} {rng.choice(VERBS)} "
            text += f"{rng.choice(OBJECTS)} in {rng.choice(PLACES)}."
        return self.emphasise(text)

    def emphasise(self, text: str) -> str:
        words = text.split(" ")
        if len(words) < 6 or self.rng.random() < 0.6:
            return text
        at = self.rng.randrange(2, len(words) - 2)
        mark = self.rng.choice(["*", "**", "_"])
        words[at] = f"{mark}{words[at]}"
        words[at + 1] = f"{words[at + 1]}{mark}"
        return " ".join(words)

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(3, 6)))

    def block(self) -> str:
        rng = self.rng
        kind = rng.randrange(10)
        if kind == 0:
            return f"## {rng.choice(HEADINGS)}"
        if kind == 1:
            items = rng.sample(LIST_ITEMS, rng.randint(3, 5))
            if rng.random() < 0.5:
                return "\n".join(f"- {item.capitalize()}." for item in items)
            return "\n".join(f"{i}. {item.capitalize()}." for i, item in enumerate(items, 1))
        if kind == 2:
            return f'> *"{rng.choice(QUOTES)}"*'
        if kind == 3:
            label, url = rng.choice(LINKS)
            return f"There is more in [{label}]({url}), if you want it. " + self.paragraph()
        if kind == 4:
            return f"### {rng.choice(HEADINGS)}"
        return self.paragraph()


def _people_for(rng: random.Random, index: int) -> tuple[tuple[Person, ...], tuple[str, ...]]:
    first, last = rng.choice(PROTECTED_FIRST), rng.choice(PROTECTED_LAST)
    alias = (rng.choice(ALIASES),) if rng.random() < 0.25 else ()
    private = Person(f"{first} {last}", False, alias, rng.choice(SHOWN_AS))
    if index % 3 == 0:
        author = f"{rng.choice(STAFF_FIRST)} {rng.choice(STAFF_LAST)}"
        return (private, Person(author, True)), (author,)
    other = f"{rng.choice(PROTECTED_FIRST)} {rng.choice(PROTECTED_LAST)}"
    while other.split()[0] == first:  # two private people with one first name is confusing
        other = f"{rng.choice(PROTECTED_FIRST)} {rng.choice(PROTECTED_LAST)}"
    return (private, Person(other, False, (), rng.choice(SHOWN_AS))), ()


def make_register(size: int, seed: int = SEED) -> tuple[Person, ...]:
    """``size`` distinct fictional names (up to len(first) * len(last))."""
    rng = random.Random(seed + 1)
    pairs = [(f, s) for f in PROTECTED_FIRST for s in PROTECTED_LAST]
    if size > len(pairs):
        raise ValueError(f"the register can hold at most {len(pairs)} names")
    chosen = rng.sample(pairs, size)
    return tuple(
        Person(f"{f} {s}", False, (), rng.choice(SHOWN_AS[:-1]) if rng.random() < 0.3 else None)
        for f, s in chosen
    )


def _forms(person: Person) -> tuple[str, ...]:
    """The ways the mentions shape writes a person after the first, full, mention."""
    first = person.name.split()[0]
    return (person.name, first, first, *person.aliases, *person.aliases)


def _mentions_writer(
    rng: random.Random, people: tuple[Person, ...], mentions: tuple[Person, ...]
) -> _Writer:
    protected = [p for p in (*people, *mentions) if not p.named]
    writer = _Writer(rng, [], forms={p.name: _forms(p) for p in protected})
    writer.goal = rng.randint(*MENTIONS_PER_STORY)
    return writer


def make_story(
    index: int, register: tuple[Person, ...], seed: int = SEED, shape: str = "plain"
) -> Story:
    rng = random.Random(seed * 100_003 + index)
    people, authors = _people_for(rng, index)
    mentions: tuple[Person, ...] = ()
    if register and shape == "mentions":
        mentions = tuple(rng.sample(register, rng.randint(2, 3)))
    elif register and index % 3 == 1:
        mentions = tuple(rng.sample(register, rng.randint(1, 2)))
    if shape == "mentions":
        writer = _mentions_writer(rng, people, mentions)
    else:
        # The first mention is the full name; later ones the first name (or an alias).
        names = [(p.name, (p.aliases or (p.name.split()[0],))[0]) for p in (*people, *mentions)]
        writer = _Writer(rng, names)
    closing = [f"{p.name} read this story before it was shared." for p in people]
    closing += [f"Thanks also to {p.name}, who helped on the day." for p in mentions]
    room = sum(len(line.split()) for line in closing)  # everyone declared is written
    target = rng.randint(620, 880) - room
    # The closing lines' mentions count towards the goal; the body spreads the rest.
    writer.goal = max(writer.goal - sum(not p.named for p in (*people, *mentions)), 0)
    writer.target = target
    if rng.random() < 0.4:
        writer.add(f'> *"{rng.choice(QUOTES)}"*')
    writer.add(writer.paragraph())
    while writer.words < target:
        writer.add(writer.block())
    while writer.words + room > 900:  # the last block overshot: take it back
        writer.pop()
    while writer.words + room < 600:
        writer.add(writer.sentence())
    for line in closing:
        writer.add(line)
    start = dt.date(2016, 1, 4).toordinal()
    date = dt.date.fromordinal(start + (index * 7919) % (TODAY.toordinal() - start - 10))
    mentioned = writer.mentioned + sum(not p.named for p in (*people, *mentions))
    title = f"{rng.choice(TITLE_START)} {rng.choice(TITLE_END)}"
    slug = "-".join(title.lower().replace("'", "").split()) + f"-{index:05d}"
    expires = date + dt.timedelta(days=rng.randint(365 * 5, 365 * 9))
    consent_date = date - dt.timedelta(days=rng.randint(3, 40))
    keep_expiry = rng.random() < 0.3 and expires > TODAY
    subject = f"{rng.choice(OPENERS)}, {rng.choice(SUBJECTS)}"
    if shape == "mentions" and index % 3 == 2:  # a name on the index pages and feed too
        subject = f"{next(p for p in people if not p.named).name.split()[0]} and the group"
        mentioned += 1
    return Story(
        number=index,
        title=title,
        slug=slug,
        date=date,
        consent_date=consent_date,
        expires=expires if keep_expiry else None,
        summary=f"{subject} {rng.choice(VERBS)} {rng.choice(OBJECTS)}.",
        tags=tuple(rng.sample(TAGS, rng.randint(1, 4))),
        people=people,
        authors=authors,
        mentions=mentions,
        body="\n\n".join(writer.parts) + "\n",
        mentioned=mentioned if shape == "mentions" else 0,
    )


def make_corpus(
    n: int, register_size: int = 2000, seed: int = SEED, shape: str = "plain"
) -> Corpus:
    if shape not in SHAPES:
        raise ValueError(f"unknown corpus shape {shape!r}: one of {', '.join(SHAPES)}")
    register = make_register(register_size, seed)
    stories = tuple(make_story(i, register, seed, shape) for i in range(n))
    return Corpus(stories, register, shape)


# --- Writing each tool's format --------------------------------------------------------


def _quote(text: str) -> str:
    """A YAML double-quoted scalar (the texts here hold no backslashes or quotes)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _yaml_people(people: Iterable[Person]) -> Iterator[str]:
    for person in people:
        yield f"  - name: {person.name}"
        yield f"    named: {'true' if person.named else 'false'}"
        if person.aliases:
            yield f"    aliases: [{', '.join(person.aliases)}]"
        if person.shown_as:
            yield f"    shown_as: {person.shown_as}"


def storysite_text(story: Story, inline_register: bool = False) -> str:
    """One story file. ``inline_register`` declares the register people a story
    mentions in its own ``people`` (for a build with an empty site register)."""
    people = (*story.people, *story.mentions) if inline_register else story.people
    lines = [
        "---",
        f"title: {_quote(story.title)}",
        f"date: {story.date.isoformat()}",
        f"summary: {_quote(story.summary)}",
        f"tags: [{', '.join(story.tags)}]",
        f"slug: {story.slug}",
    ]
    if story.authors:
        lines.append(f"authors: [{', '.join(story.authors)}]")
    lines += ["consent:", "  publish: true", f"  date: {story.consent_date.isoformat()}"]
    if story.expires:
        lines.append(f"  expires: {story.expires.isoformat()}")
    lines += ["people:", *_yaml_people(people), "---", story.body]
    return "\n".join(lines)


def storysite_toml(register: Iterable[Person]) -> str:
    lines = [
        "# Generated by benchmarks/corpus.py: a synthetic site for the speed benchmarks.",
        "[site]",
        'title = "Benchmark stories"',
        'base_url = "https://stories.example.org/"',
        'language = "en-GB"',
        "",
        "[anonymise]",
        'placeholder = "[name removed]"',
        f"allow = [{', '.join(_quote(a) for a in ALLOW)}]",
    ]
    for person in register:
        lines += ["", "[[anonymise.people]]", f"name = {_quote(person.name)}", "named = false"]
        if person.shown_as:
            lines.append(f"shown_as = {_quote(person.shown_as)}")
    return "\n".join(lines) + "\n"


def write_storysite(corpus: Corpus, site: Path, with_register: bool = True) -> Path:
    """A storysite site at ``site``. Without the register, the register people each
    story mentions are declared in that story instead, so the same text is published
    with the same replacements."""
    _fresh(site)
    stories = site / "stories"
    stories.mkdir(parents=True)
    register = corpus.register if with_register else ()
    (site / "storysite.toml").write_text(storysite_toml(register), encoding="utf-8")
    for story in corpus.stories:
        text = storysite_text(story, inline_register=not with_register)
        (stories / story.filename).write_text(text, encoding="utf-8")
    return site


def pelican_text(story: Story) -> str:
    """Pelican's own Markdown metadata header, then the same body."""
    lines = [
        f"Title: {story.title}",
        f"Date: {story.date.isoformat()}",
        f"Tags: {', '.join(story.tags)}",
        f"Slug: {story.slug}",
        f"Summary: {story.summary}",
    ]
    if story.authors:
        lines.append(f"Authors: {', '.join(story.authors)}")
    return "\n".join(lines) + "\n\n" + story.body


def write_pelican(corpus: Corpus, content: Path) -> Path:
    _fresh(content)
    content.mkdir(parents=True)
    for story in corpus.stories:
        (content / story.filename).write_text(pelican_text(story), encoding="utf-8")
    return content


def hugo_text(story: Story) -> str:
    lines = [
        "---",
        f"title: {_quote(story.title)}",
        f"date: {story.date.isoformat()}",
        f"summary: {_quote(story.summary)}",
        f"tags: [{', '.join(story.tags)}]",
        f"slug: {story.slug}",
        "---",
        story.body,
    ]
    return "\n".join(lines)


HUGO_CONFIG = """\
baseURL = "https://stories.example.org/"
title = "Benchmark stories"
languageCode = "en-gb"
relativeURLs = true
paginate = 10
disableKinds = ["section"]

[taxonomies]
tag = "tags"
"""

HUGO_LAYOUTS = {
    "_default/baseof.html": """\
<!doctype html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>{{ .Title }} — {{ .Site.Title }}</title></head>
<body>
<header><a href="{{ "" | relURL }}">{{ .Site.Title }}</a> ·
<a href="{{ "tags/" | relURL }}">Tags</a></header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
""",
    "_default/single.html": """\
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time></p>
<ul>{{ range .GetTerms "tags" }}
<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
{{ .Content }}
</article>
{{ end }}
""",
    "_default/list.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ $paginator := .Paginate .Pages }}
{{ range $paginator.Pages }}{{ partial "card.html" . }}{{ end }}
{{ partial "pager.html" $paginator }}
{{ end }}
""",
    "_default/terms.html": """\
{{ define "main" }}
<h1>Tags</h1>
<ul>{{ range .Data.Terms.Alphabetical }}
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
""",
    "index.html": """\
{{ define "main" }}
{{ $paginator := .Paginate (where .Site.RegularPages "Section" "posts") }}
{{ range $paginator.Pages }}{{ partial "card.html" . }}{{ end }}
{{ partial "pager.html" $paginator }}
{{ end }}
""",
    "partials/card.html": """\
<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p>{{ .Date.Format "2 January 2006" }}</p><p>{{ .Params.summary }}</p></article>
""",
    "partials/pager.html": """\
<nav>{{ if .HasPrev }}<a href="{{ .Prev.URL }}">Newer</a>{{ end }}
{{ if .HasNext }}<a href="{{ .Next.URL }}">Older</a>{{ end }}</nav>
""",
}


def write_hugo(corpus: Corpus, site: Path) -> Path:
    """A Hugo site: YAML front matter in content/posts, and minimal layouts that make
    a page per story, a paginated index, and tag pages."""
    _fresh(site)
    posts = site / "content" / "posts"
    posts.mkdir(parents=True)
    (site / "config.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        target = site / "layouts" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    for story in corpus.stories:
        (posts / story.filename).write_text(hugo_text(story), encoding="utf-8")
    return site


EDIT = "\nOne more thing we learned: small changes add up when people keep meeting.\n"


def edit_story(path: Path) -> None:
    """The 'one edit': a sentence added to the end of one story (its body ends the file)."""
    with path.open("a", encoding="utf-8") as handle:
        handle.write(EDIT)


#: A private person no story names, declared in one story by ``declare_person``.
NEW_PERSON = "Temitope Olanrewaju-Brennan"


def declare_person(path: Path) -> None:
    """A storysite story declares one more private person (only the protected names
    change: the whole site is checked for them)."""
    text = path.read_text(encoding="utf-8")
    added = f"people:\n  - name: {NEW_PERSON}\n    named: false\n"
    path.write_text(text.replace("people:\n", added, 1), encoding="utf-8")


def add_story(model: Path, day: dt.date) -> Path:
    """A new storysite story, newest of all (``day``): ``model``'s text under another
    title and address. Every listing page after it moves on by one story."""
    text = re.sub(r"(?m)^title: .*$", 'title: "A story added today"', model.read_text("utf-8"))
    text = re.sub(r"(?m)^slug: .*$", "slug: a-story-added-today", text)
    text = re.sub(r"(?m)^date: .*$", f"date: {day.isoformat()}", text)
    added = model.with_name(f"{day.isoformat()}-added.md")
    added.write_text(text, encoding="utf-8")
    return added


def _fresh(folder: Path) -> None:
    if folder.exists():
        shutil.rmtree(folder)


def main() -> None:
    parser = argparse.ArgumentParser(description="Write a synthetic storysite corpus.")
    parser.add_argument("n", type=int, help="how many stories")
    parser.add_argument("site", type=Path, help="the site folder to (re)create")
    parser.add_argument("--register", type=int, default=2000, help="register size")
    parser.add_argument("--shape", choices=SHAPES, default="plain", help="see the docstring")
    args = parser.parse_args()
    corpus = make_corpus(args.n, args.register, shape=args.shape)
    write_storysite(corpus, args.site)
    said = f", {corpus.mentions} mentions of protected people" if corpus.mentions else ""
    print(f"wrote {len(corpus.stories)} stories ({corpus.words} words{said}) to {args.site}")


if __name__ == "__main__":
    main()
