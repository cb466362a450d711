"""Random sequences of edits (issue 14): after every step, the cached build into one
folder is byte for byte the ``--no-cache`` build into another. Edits reach story text,
front matter, consent, the register, the allow list, the templates, the day, the
pictures stories show, files of the built site deleted by hand, and a guest whom a
story may name and another declare private (only the protected names change)."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import tempfile
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from PIL import Image
from sitekit import BASIC_CONFIG, read_tree, run_build, story

from storysite.writing import MARKER

PRIVATE = ["Bartholomew Wrenfield", "Idunn Carrowmore", "Segun Adeyemi-Okafor"]
SENTENCES = [
    "We dug the beds and planted onions.",
    "{name} brought the seeds.",
    "It rained all afternoon, so we drank tea.",
    "{first} said the beans would never grow.",
    "Nobody expected the courgettes to be so large.",
    "The hall at Whitechapel was warm.",
    "Ottoline Briskwater led the walk.",
]
#: How a story declares the guest of the last sentence: not at all, as someone who may
#: be named, or as a private person.
GUEST = {
    "none": "",
    "named": "  - name: Ottoline Briskwater\n    named: true\n",
    "private": "  - name: Ottoline Briskwater\n",
}
TEMPLATES = {
    "story.html": '{% extends "theme/story.html" %}{% block content %}<p>Local theme.</p>'
    "{{ super() }}{% endblock %}",
    "_story_card.html": '<article class="card"><h2>{{ item.story.title }}</h2>'
    "{{ item.markup.html | safe }}</article>\n",
}


def _picture(colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (48, 32), colour).save(out, "PNG")
    return out.getvalue()


def _story_file(
    n: int, title: str, lines: list[str], tags: list[str], consent: str, picture: bool, guest: str
) -> str:
    person = PRIVATE[n % len(PRIVATE)]
    body = "\n\n".join(line.format(name=person, first=person.split()[0]) for line in lines)
    if picture:
        body += f"\n\n![The beds in spring](p{n}.png)"
    extra = f"people:\n  - name: {person}\n{GUEST[guest]}tags: [{', '.join(tags)}]\n"
    return story(
        title=title,
        body=body + "\n",
        date=f"2021-0{1 + n % 9}-1{n % 9}",
        extra=extra,
        consent=consent,
    )


class Edits(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.site = Path(tempfile.mkdtemp(prefix="storysite-stateful-"))
        (self.site / "stories").mkdir()
        self.register: list[str] = []
        self.allow: list[str] = []
        self.today = dt.date(2026, 11, 27)
        self.stories: dict[int, tuple[str, list[str], list[str], str]] = {}
        self.pictures: dict[int, str] = {}  # story -> the colour of the picture it shows
        self.guests: dict[int, str] = {}  # story -> how it declares the guest (GUEST)
        for n in range(3):
            self.stories[n] = (f"Garden day {n}", [SENTENCES[0], SENTENCES[1]], ["garden"], "valid")
            self._write(n)
        self._write_config()

    def teardown(self) -> None:
        shutil.rmtree(self.site, ignore_errors=True)

    # --- writing the site -----------------------------------------------------------

    def _write(self, n: int) -> None:
        title, lines, tags, state = self.stories[n]
        consent = {
            "valid": "consent:\n  publish: true\n  date: 2020-01-01\n",
            "withdrawn": "consent:\n  publish: true\n  date: 2020-01-01\n  withdrawn: true\n",
            "expiring": "consent:\n  publish: true\n  date: 2020-01-01\n  expires: 2026-11-29\n",
        }[state]
        guest = self.guests.get(n, "none")
        text = _story_file(n, title, lines, tags, consent, n in self.pictures, guest)
        (self.site / f"stories/s{n}.md").write_text(text, encoding="utf-8")

    def _write_config(self) -> None:
        people = "".join(f'\n[[anonymise.people]]\nname = "{p}"\n' for p in self.register)
        allow = f"\n[anonymise]\nallow = {self.allow!r}\n".replace("'", '"') if self.allow else ""
        (self.site / "storysite.toml").write_text(BASIC_CONFIG + allow + people, encoding="utf-8")

    # --- the edits -------------------------------------------------------------------

    @rule(n=st.integers(0, 3), line=st.sampled_from(SENTENCES))
    def add_sentence(self, n: int, line: str) -> None:
        title, lines, tags, state = self.stories.get(n, (f"New day {n}", [], ["new"], "valid"))
        self.stories[n] = (title, [*lines, line], tags, state)
        self._write(n)

    @rule(n=st.integers(0, 3), title=st.sampled_from(["Bean harvest", "Rainy day", "Seeds"]))
    def retitle(self, n: int, title: str) -> None:
        if n in self.stories:
            _, lines, tags, state = self.stories[n]
            self.stories[n] = (title, lines, tags, state)
            self._write(n)

    @rule(
        n=st.integers(0, 3),
        tags=st.lists(
            st.sampled_from(["garden", "tea", "rain"]), min_size=1, max_size=2, unique=True
        ),
    )
    def retag(self, n: int, tags: list[str]) -> None:
        if n in self.stories:
            title, lines, _, state = self.stories[n]
            self.stories[n] = (title, lines, tags, state)
            self._write(n)

    @rule(n=st.integers(0, 3), state=st.sampled_from(["valid", "withdrawn", "expiring"]))
    def consent(self, n: int, state: str) -> None:
        if n in self.stories:
            title, lines, tags, _ = self.stories[n]
            self.stories[n] = (title, lines, tags, state)
            self._write(n)

    @rule(n=st.integers(0, 3))
    def remove_story(self, n: int) -> None:
        if n in self.stories and len(self.stories) > 1:
            del self.stories[n]
            (self.site / f"stories/s{n}.md").unlink()

    @rule(n=st.integers(0, 3), colour=st.sampled_from(["", "green", "blue"]))
    def picture(self, n: int, colour: str) -> None:
        """A story shows a picture, another picture under the same name, or none."""
        if n not in self.stories:
            return
        if colour:
            (self.site / f"stories/p{n}.png").write_bytes(_picture(colour))
            self.pictures[n] = colour
        else:
            self.pictures.pop(n, None)
        self._write(n)

    @rule(n=st.integers(0, 3), guest=st.sampled_from(sorted(GUEST)))
    def declare_guest(self, n: int, guest: str) -> None:
        """A story declares the guest (whom any story may name), or stops declaring her."""
        if n in self.stories:
            self.guests[n] = guest
            self._write(n)

    @rule(pick=st.integers(0, 10_000))
    def delete_built_file(self, pick: int) -> None:
        """A file of the last cached build deleted by hand (a page or a picture; not the
        marker that says storysite wrote the folder: without it, a build refuses)."""
        out = self.site / "out"
        built = sorted(p for p in out.rglob("*") if p.is_file() and p != out / MARKER)
        if built:
            built[pick % len(built)].unlink()

    @rule(name=st.sampled_from(["Tamsin Quillfeather", "Idunn Carrowmore", "Amara Okonjo"]))
    def toggle_register(self, name: str) -> None:
        self.register = (
            [p for p in self.register if p != name]
            if name in self.register
            else [*self.register, name]
        )
        self._write_config()

    @rule(word=st.sampled_from(["Whitechapel", "Poplar"]))
    def toggle_allow(self, word: str) -> None:
        self.allow = (
            [w for w in self.allow if w != word] if word in self.allow else [*self.allow, word]
        )
        self._write_config()

    @rule(name=st.sampled_from(sorted(TEMPLATES)))
    def toggle_template(self, name: str) -> None:
        path = self.site / "templates" / name
        if path.exists():
            path.unlink()
        else:
            path.parent.mkdir(exist_ok=True)
            path.write_text(TEMPLATES[name], encoding="utf-8")

    @rule(days=st.integers(-2, 3))
    def move_day(self, days: int) -> None:
        self.today += dt.timedelta(days=days)

    # --- the check -------------------------------------------------------------------

    @invariant()
    def cached_equals_cold(self) -> None:
        day = self.today.isoformat()
        cached = run_build(self.site, "--output", str(self.site / "out"), today=day)
        shutil.rmtree(self.site / "ref", ignore_errors=True)
        cold = run_build(self.site, "--output", str(self.site / "ref"), "--no-cache", today=day)
        assert cached.exit_code == cold.exit_code, (cached.output, cold.output)
        if cold.exit_code == 0:
            assert read_tree(self.site / "out") == read_tree(self.site / "ref")
            assert _folders(self.site / "out") == _folders(self.site / "ref")


def _folders(root: Path) -> set[str]:
    """Every folder of a built site: a story gone leaves not even an empty one."""
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_dir()}


Edits.TestCase.settings = settings(max_examples=6, stateful_step_count=6, deadline=None)
TestEdits = Edits.TestCase
