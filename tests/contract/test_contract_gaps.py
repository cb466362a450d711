"""Rules of STORY-FORMAT.md that no other test checked, each in a real build."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from sitekit import BASIC_CONFIG, MakeSite, all_text, read_tree, run_build, story

from storysite.cli import main

NOTICE = "Names have been changed or removed to protect privacy."


def story_page(output: Path, slug: str = "a-story") -> str:
    return (output / "stories" / slug / "index.html").read_text(encoding="utf-8")


# ---- section 2: a title just before a replaced name goes with it (only Dr was tested)


@pytest.mark.parametrize("title", ["Mr", "Mrs", "Ms", "Miss", "Mx", "Prof", "Dr"])
def test_every_title_goes_with_the_replaced_name(make_site: MakeSite, title: str) -> None:
    extra = "people:\n  - name: Ade Okonkwo\n    shown_as: the nurse\n"
    body = f"Then {title} Okonkwo explained. {title}. Okonkwo left."
    site = make_site({"a.md": story(body=body, extra=extra)})
    result = run_build(site)
    assert result.exit_code == 0, result.output
    page = story_page(site / "output")
    assert "Then the nurse explained. The nurse left." in page
    assert f"{title} the nurse" not in page and f"{title}. the nurse" not in page
    assert "okonkwo" not in all_text(site / "output").lower()


# ---- section 2: probable names after a title or in "my name is X" hold the story


@pytest.mark.parametrize(
    "sentence",
    [
        "Then Mr Quillby explained the plan.",
        "Then Ms Quillby explained the plan.",
        "Then Miss Quillby explained the plan.",
        "Then Dr Quillby explained the plan.",
        "Then Mrs Quillby explained the plan.",
        "Hello, my name is Quillby.",
    ],
)
def test_an_undeclared_name_after_a_title_holds_the_story(
    make_site: MakeSite, sentence: str
) -> None:
    site = make_site({"a.md": story(title="Plain title", body=f"First line.\n\n{sentence}\n")})
    result = run_build(site)
    assert result.exit_code == 0, result.output
    assert not (site / "output/stories/plain-title").exists()
    assert "quillby" not in all_text(site / "output").lower()
    # front matter is lines 1-7, the body starts on line 8: the sentence is on line 10
    assert re.search(r"stories/a\.md:10: .*Quillby", result.output), result.output


# ---- section 2: the site's anonymisation notice can be set


def test_the_configured_notice_replaces_the_default(make_site: MakeSite) -> None:
    config = BASIC_CONFIG + '[anonymise]\nnotice = "Some details were changed, kindly."\n'
    extra = "people:\n  - name: Wendell Marsh\n"
    site = make_site({"a.md": story(body="Wendell Marsh spoke.", extra=extra)}, config=config)
    assert run_build(site).exit_code == 0
    page = story_page(site / "output")
    assert page.count("Some details were changed, kindly.") == 1
    assert NOTICE not in page


# ---- section 2: the post-render check decodes entities and removes zero-width characters


def test_a_template_hiding_a_name_with_entities_and_zero_width_is_caught(
    make_site: MakeSite,
) -> None:
    config = BASIC_CONFIG + '[[anonymise.people]]\nname = "Wendell Marsh"\n'
    site = make_site({"a.md": story(title="Fine")}, config=config)
    assert run_build(site).exit_code == 0
    before = read_tree(site / "output")
    (site / "templates").mkdir()
    (site / "templates/footer.html").write_text(
        "<footer>Thanks to W&#101;nd\u200bell M\u200carsh</footer>", encoding="utf-8"
    )
    result = run_build(site)
    assert result.exit_code == 1, result.output
    assert read_tree(site / "output") == before
    assert "marsh" not in all_text(site / "output").lower()


# ---- section 3: every key is optional except site.title; an unknown key is an error


def test_a_site_file_with_only_the_title_builds(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(title="Only title")}, config='[site]\ntitle = "Tiny"\n')
    result = run_build(site)
    assert result.exit_code == 0, result.output
    page = story_page(site / "output", "only-title")
    assert "Tiny" in page


@pytest.mark.parametrize(
    ("config", "line", "key"),
    [
        ('[site]\ntitle = "T"\n[feedback]\naction = "/f"\nactoin = "/g"\n', 5, "actoin"),
        ('[site]\ntitle = "T"\n[newsletter]\nacton = "/n"\n', 4, "acton"),
        (
            '[site]\ntitle = "T"\n[[anonymise.people]]\nname = "A B"\nnmaed = false\n',
            None,
            "nmaed",
        ),
    ],
)
def test_an_unknown_key_in_any_section_is_an_error(
    make_site: MakeSite, config: str, line: int | None, key: str
) -> None:
    site = make_site({"a.md": story()})
    assert run_build(site).exit_code == 0
    before = read_tree(site / "output")
    (site / "storysite.toml").write_text(config, encoding="utf-8")
    result = run_build(site)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    where = rf"storysite\.toml:{line}:" if line else r"storysite\.toml(:\d+)?:"
    assert re.search(where + rf" .*'{key}'", result.output), result.output
    assert read_tree(site / "output") == before


def test_an_unknown_key_for_a_person_in_a_story_is_an_error(make_site: MakeSite) -> None:
    extra = "people:\n  - name: Wendell Marsh\n    nmaed: true\n"
    site = make_site({"a.md": story(body="Wendell Marsh spoke.", extra=extra)})
    result = run_build(site)
    assert result.exit_code == 1, result.output
    assert re.search(r"stories/a\.md:\d+: .*nmaed", result.output), result.output
    assert not (site / "output").exists()


# ---- section 4: --today defaults to the real date


def test_without_today_the_real_date_decides(make_site: MakeSite) -> None:
    real = dt.date.today()
    tomorrow = real + dt.timedelta(days=1)
    site = make_site(
        {
            "now.md": story(title="Dated now", date=real.isoformat()),
            "next.md": story(title="Dated next", date=tomorrow.isoformat()),
        }
    )
    result = CliRunner().invoke(main, ["build", "--site", str(site)])
    if dt.date.today() != real:  # the clock passed midnight during the build
        pytest.fail("the date changed during the test; run it again")
    assert result.exit_code == 0, result.output
    assert (site / "output/stories/dated-now/index.html").is_file()
    assert not (site / "output/stories/dated-next").exists()


# ---- section 5: each question of the feedback form is its own group with its own legend


class Fieldsets(HTMLParser):
    """Radio names and legend text of each fieldset."""

    def __init__(self) -> None:
        super().__init__()
        self.groups: list[dict[str, object]] = []
        self._depth = 0
        self._legend = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "fieldset":
            self._depth += 1
            self.groups.append({"legend": "", "radios": set()})
        elif tag == "legend":
            self._legend = True
        elif tag == "input" and a.get("type") == "radio" and self._depth:
            radios = self.groups[-1]["radios"]
            assert isinstance(radios, set)
            radios.add(a.get("name"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "fieldset":
            self._depth -= 1
        elif tag == "legend":
            self._legend = False

    def handle_data(self, data: str) -> None:
        if self._legend and self.groups:
            self.groups[-1]["legend"] = f"{self.groups[-1]['legend']}{data}"


@pytest.mark.parametrize(
    ("name", "legend"),
    [
        ("useful", "Was this story useful?"),
        ("rating", "1 = poor, 5 = great"),
        ("usefulness", "1 = not useful at all, 5 = very useful"),
    ],
)
def test_each_feedback_question_has_its_own_legend(
    make_site: MakeSite, name: str, legend: str
) -> None:
    site = make_site({"a.md": story()})
    assert run_build(site).exit_code == 0
    reader = Fieldsets()
    reader.feed(story_page(site / "output"))
    groups = [g for g in reader.groups if name in g["radios"]]  # type: ignore[operator]
    assert len(groups) == 1, reader.groups
    assert groups[0]["radios"] == {name}
    assert legend in " ".join(str(groups[0]["legend"]).split())
