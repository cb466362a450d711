"""Site templates override the bundled theme, whole or one block at a time."""

from __future__ import annotations

import pytest
from sitekit import MakeSite, run_build, story

from storysite.build import FOREIGN_LOAD_RE


def test_a_site_template_replaces_the_theme_one(make_site: MakeSite) -> None:
    site = make_site(
        {"a.md": story()},
        files={"templates/header.html": "<header><p>Our own header</p></header>\n"},
    )
    assert run_build(site).exit_code == 0
    page = (site / "output/index.html").read_text()
    assert "Our own header" in page
    assert 'class="site-nav"' not in page


def test_an_override_can_extend_the_template_it_replaces(make_site: MakeSite) -> None:
    header = (
        '{% extends "theme/header.html" %}{% block tagline %}<p>Made together</p>{% endblock %}\n'
    )
    site = make_site({"a.md": story()}, files={"templates/header.html": header})
    assert run_build(site).exit_code == 0
    page = (site / "output/stories/a-story/index.html").read_text()
    assert "<p>Made together</p>" in page
    assert 'class="site-nav"' in page  # the rest still comes from the theme


def test_a_template_that_loads_from_another_host_stops_the_build(make_site: MakeSite) -> None:
    header = '<link rel="stylesheet" href="https://cdn.example.org/x.css"><header></header>\n'
    site = make_site({"a.md": story()}, files={"templates/header.html": header})
    result = run_build(site)
    assert result.exit_code == 1
    assert "fetch something from another website" in result.output
    assert not (site / "output").exists()


@pytest.mark.parametrize(
    ("html", "foreign"),
    [
        ('<img src="https://x.example/a.png">', True),
        ("<img alt=a src=//x.example/a.png>", True),
        ('<link rel="icon" href="http://x.example/f.ico">', True),
        ('<video poster="https://x.example/p.jpg">', True),
        ('<img src="../../images/a.png">', False),
        ('<a href="https://x.example/">a link is not a load</a>', False),
        ('<link rel="stylesheet" href="../assets/style.css">', False),
    ],
)
def test_foreign_loads_are_recognised(html: str, foreign: bool) -> None:
    assert bool(FOREIGN_LOAD_RE.search(html)) is foreign


@pytest.mark.parametrize(
    ("template", "what"),
    [
        (
            '{% extends "base.html" %}{% block content %}\n{{ nothing_here.x }}{% endblock %}',
            "is undefined",
        ),
        (
            '{% extends "base.html" %}{% block content %}\n{% if %}{% endblock %}',
            "Expected an expression",
        ),
    ],
)
def test_a_broken_site_template_is_said_plainly(
    make_site: MakeSite, template: str, what: str
) -> None:
    site = make_site({"a.md": story(title="Tide")}, files={"templates/story.html": template})
    result = run_build(site)
    assert result.exit_code == 1
    assert (
        "templates/story.html:2: the template could not make stories/tide/index.html"
        in result.output
    )
    assert what in result.output and "Traceback" not in result.output
    assert not (site / "output").exists()


@pytest.mark.parametrize(
    ("template", "what"),
    [
        (
            '{% extends "base.html" %}{% block content %}\n{{ story | tojson }}{% endblock %}',
            "TypeError",
        ),
        (
            '{% extends "base.html" %}{% block content %}\n{{ story | list }}{% endblock %}',
            "TypeError",
        ),
        (
            '{% extends "base.html" %}{% block content %}\n{{ story | dictsort }}{% endblock %}',
            "Error",
        ),
    ],
)
def test_a_filter_that_fails_in_a_site_template_is_said_plainly(
    make_site: MakeSite, template: str, what: str
) -> None:
    """Any error a template's expression raises, not only Jinja's (found by a red team:
    ``item | tojson`` gave a Python traceback)."""
    test_a_broken_site_template_is_said_plainly(make_site, template, what)


RAW_TITLE = "Write to jo.bloggs@example.org, born 3rd March 1987"
RAW_STORY = story(
    title=f'"{RAW_TITLE}"',
    body="We walked by the river.",
    consent="consent:\n  publish: true\n  date: 2020-01-01\n  reference: CF-2026-014 ward office\n",
)


@pytest.mark.parametrize(
    "reach",
    [
        "item.story.source.title",
        "item.story.source.consent.reference",
        "item.story['source'].title",
        "(item.story | attr('source')).title",
        "item._markup.html",
        "item['_markup'].html",
    ],
)
def test_a_template_never_sees_a_story_as_written(make_site: MakeSite, reach: str) -> None:
    """A story's fields before the anonymiser (its ``source``) and any name starting
    with '_' are not handed to templates: using them stops the build at the template's
    line. A red team printed an e-mail address, a date of birth and the consent
    reference from ``source`` on a card; ``_markup`` would read a story's text without
    the build cache noticing, and a listing page would keep old text."""
    card = f'<article class="card">{{{{ {reach} }}}}</article>\n'
    site = make_site({"a.md": RAW_STORY}, files={"templates/_story_card.html": card})
    result = run_build(site)
    assert result.exit_code == 1, result.output
    assert "templates/_story_card.html:1: the template could not make" in result.output
    assert "Traceback" not in result.output and not (site / "output").exists()


@pytest.mark.parametrize("show", ["item", "item | pprint", "item | string", "item.story"])
def test_a_story_printed_whole_shows_only_published_fields(make_site: MakeSite, show: str) -> None:
    """A template printing a story object shows its anonymised fields, never the story
    as written nor its HTML (a repr holding the HTML let a listing page be reused with
    old text)."""
    card = f'<article class="card"><pre>{{{{ {show} }}}}</pre></article>\n'
    site = make_site({"a.md": RAW_STORY}, files={"templates/_story_card.html": card})
    result = run_build(site)
    assert result.exit_code == 0, result.output
    page = (site / "output/index.html").read_text()
    assert "Write to [email address removed]" in page  # the anonymised title
    for raw in ("jo.bloggs", "1987", "CF-2026-014", "stories/a.md", "We walked"):
        assert raw not in page, raw
