"""The gate in real builds: what holds a story, what stops the build, and that the
example site passes. Pages are made by real builds in temporary folders and read
back with the independent reference (reference.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference import file_blocks, shows
from sitekit import BASIC_CONFIG, MakeSite, read_tree, run_build, story

REPO = Path(__file__).resolve().parents[2]
REGISTER = BASIC_CONFIG + '[[anonymise.people]]\nname = "Jane Quarrington"\n'


def visible(output: Path, *names: str) -> list[str]:
    """The output files in which the reference reader sees any of ``names``."""
    return [
        path
        for path, content in read_tree(output).items()
        if shows(file_blocks(path, content), *names)
    ]


def test_the_example_site_builds_with_nothing_held_by_the_gate(tmp_path: Path) -> None:
    for folder in ("stories", "templates", "images"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, tmp_path / folder)
    shutil.copy(REPO / "storysite.toml", tmp_path / "storysite.toml")
    result = run_build(tmp_path)
    assert result.exit_code == 0, result.output
    assert "held (gate)" not in result.output
    assert "held (foreign)" not in result.output
    rules = [line.strip() for line in result.output.splitlines() if "held (" in line]
    assert rules == [
        "held (draft): 1",
        "held (expired): 1",
        "held (future): 1",
        "held (withdrawn): 1",
    ]
    assert visible(tmp_path / "output", "Gordon Pryce") == []


def _with_template(make_site: MakeSite, name: str, text: str, config: str = REGISTER) -> Path:
    site = make_site({"a.md": story(title="A walk by the river")}, config=config)
    assert run_build(site).exit_code == 0
    (site / "templates").mkdir()
    (site / "templates" / name).write_text(text, encoding="utf-8")
    return site


def _stops(site: Path, what: str) -> None:
    before = read_tree(site / "output")
    result = run_build(site)
    assert result.exit_code == 1, result.output
    assert f"{what} appears in" in result.output
    assert "does not come from one story" in result.output
    assert "Traceback" not in result.output
    assert read_tree(site / "output") == before  # nothing written, the old site whole


def test_a_footer_that_prints_a_run_together_name_stops_the_build(make_site: MakeSite) -> None:
    site = _with_template(make_site, "footer.html", "<footer>Thanks, JaneQuarrington!</footer>")
    _stops(site, "a name that must stay private")


def test_a_footer_that_prints_a_name_split_by_markup_stops_the_build(make_site: MakeSite) -> None:
    text = '<footer>Thanks to Ja<img src="dot.png" alt="">ne Quarr<b>ington</b></footer>'
    _stops(_with_template(make_site, "footer.html", text), "a name that must stay private")


@pytest.mark.parametrize(
    ("people", "stop"),
    [
        # A story's own people are not handed to templates (its `source` is undefined):
        # the template stops at its line, before the gate would read the page.
        ("story.story.source.people", "the template could not make"),
        # The site register is (as `site.register`): the gate stops the raw name.
        ("site.register", "a name that must stay private appears in"),
    ],
)
def test_a_story_template_that_prints_raw_people_stops_the_build(
    make_site: MakeSite, people: str, stop: str
) -> None:
    register = '[[anonymise.people]]\nname = "Wilf Ashdown-Tey"\n'
    site = make_site(
        {"a.md": story(title="A walk", extra="people:\n  - name: Wilf Ashdown-Tey\n")},
        config=BASIC_CONFIG + register,
    )
    assert run_build(site).exit_code == 0
    base = (REPO / "src/storysite/theme/templates/story.html").read_text(encoding="utf-8")
    raw = (
        f"{{% for p in {people} %}}"
        "<a href='/u/{{ p.name | replace(' ', '') }}'>x</a>{% endfor %}"
    )
    (site / "templates").mkdir()
    (site / "templates/story.html").write_text(
        base.replace("{% block content %}", "{% block content %}" + raw), encoding="utf-8"
    )
    before = read_tree(site / "output")
    result = run_build(site)
    assert result.exit_code == 1, result.output
    assert stop in result.output and "Traceback" not in result.output
    assert "AshdownTey" not in result.output
    assert read_tree(site / "output") == before  # nothing written, the old site whole


def test_a_template_that_prints_a_phone_number_stops_the_build(make_site: MakeSite) -> None:
    text = '<footer><a href="tel:+447700900123">Call Jo</a></footer>'
    _stops(_with_template(make_site, "footer.html", text), "a phone number")


def test_the_sites_own_helpline_is_published(make_site: MakeSite) -> None:
    config = REGISTER + '[support]\nlines = ["Ring our crisis line on 0800 014 9876."]\n'
    site = _with_template(
        make_site, "footer.html", "<footer>Crisis line: 0800 014 9876</footer>", config
    )
    result = run_build(site)
    assert result.exit_code == 0, result.output
    assert "0800 014 9876" in (site / "output/index.html").read_text(encoding="utf-8")


def test_a_story_naming_another_storys_private_person_is_held_by_the_gate(
    make_site: MakeSite,
) -> None:
    """Story b's anonymiser does not know story a's people: the gate holds it."""
    protecting = story(
        title="First", extra="people:\n  - name: Quorra Vantablack\n    named: false\n"
    )
    mentioning = story(title="Second", body="Links: www.quorravantablack.example and more.")
    site = make_site({"a.md": protecting, "b.md": mentioning})
    result = run_build(site)
    assert result.exit_code == 0, result.output
    assert "stories/b.md: held — a name that must stay private was still in the finished" in (
        result.output
    )
    assert "held (gate): 1" in result.output
    assert visible(site / "output", "Quorra Vantablack", "Second") == []


WAYS = [
    "{}",
    "{run}",
    "the {lower}s",
    "<span>{first}</span><b>{last}</b>",
    "[link](https://example.org/?q={plus})",
    "{spaced}",
    "#{run}",
]


@st.composite
def stories_with_a_name(draw: st.DrawFn) -> tuple[str, str]:
    way = draw(st.sampled_from(WAYS))
    first, last = "Jane", "Quarrington"
    inserted = way.format(
        f"{first} {last}",
        run=first + last,
        lower=last.lower(),
        first=first,
        last=last,
        plus=f"{first}+{last}".lower(),
        spaced="  ".join(" ".join(w.upper()) for w in (first, last)),
    )
    words = draw(st.lists(st.sampled_from(["We", "walked", "by", "the", "river", "."]), max_size=6))
    where = draw(st.sampled_from(["body", "summary", "tags"]))
    text = " ".join([*words, inserted, *words])
    if where == "body":
        return story(title="A walk", body=text + "\n"), inserted
    if where == "summary":
        return story(title="A walk", extra=f"summary: '{inserted}'\n"), inserted
    return story(title="A walk", extra=f"tags: ['{inserted}']\n"), inserted


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)  # make_site makes a new folder on every call
@given(stories_with_a_name())
def test_a_name_inserted_in_any_way_never_reaches_the_output(
    make_site: MakeSite, case: tuple[str, str]
) -> None:
    text, inserted = case
    site = make_site({"a.md": text, "b.md": story(title="Another walk")}, config=REGISTER)
    result = run_build(site)
    assert result.exit_code == 0, result.output
    assert visible(site / "output", "Jane Quarrington", "Quarrington") == []
    tree = read_tree(site / "output")
    if "stories/a-walk/index.html" in tree:  # published: the replacement shows
        page = tree["stories/a-walk/index.html"].decode().lower()
        shown = "[name removed]" in page or "name-removed" in page + str(list(tree))
        assert shown, inserted
    else:  # held, and said so
        assert "stories/a.md: held" in result.output, result.output
