"""Hostile story text: no script, no handlers, no javascript: links, no template evaluation."""

from __future__ import annotations

import pytest
from sitekit import MakeSite, run_build, story

HOSTILE = [
    ("<script>alert('x')</script>", "<script>alert"),
    ('<a href="#top" onmouseover="alert(1)">x</a>', "onmouseover"),
    ('<svg onload="alert(1)"></svg>', "onload"),
    ("[click](javascript:alert(1))", "javascript:"),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', "alert(1)"),
    ('<iframe src="https://evil.example/"></iframe>', "<iframe"),
    ("<style>body{display:none}</style>", "<style"),
    ('<p style="color:red">x</p>', "style="),
    ('<div onclick="steal()">x</div>', "onclick"),
    ('<object data="x.swf"></object>', "<object"),
    ('<form action="https://evil.example/"><input></form>', "evil.example"),
]


@pytest.mark.parametrize(("body", "forbidden"), HOSTILE)
def test_hostile_html_is_removed(make_site: MakeSite, body: str, forbidden: str) -> None:
    site = make_site({"a.md": story(body=f"Before.\n\n{body}\n\nAfter.")})
    result = run_build(site)
    assert result.exit_code == 0, result.output
    page = (site / "output/stories/a-story/index.html").read_text()
    assert forbidden.lower() not in page.lower()
    assert "<p>After.</p>" in page


@pytest.mark.parametrize(
    "text", ["{{ site.title }}", "{% for x in range(3) %}loop{% endfor %}", "{{ 7 * 7 }}"]
)
def test_template_syntax_in_a_story_is_shown_not_run(make_site: MakeSite, text: str) -> None:
    site = make_site({"a.md": story(body=f"Literally {text} here.", extra=f"summary: '{text}'\n")})
    result = run_build(site)
    assert result.exit_code == 0, result.output
    page = (site / "output/stories/a-story/index.html").read_text()
    assert "49" not in page.split("<main")[1]
    assert "looplooploop" not in page
    assert f"Literally {text} here." in page  # shown exactly as written


def test_title_markup_is_escaped(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(title="'<b onmouseover=x>Bold</b>'")})
    result = run_build(site)
    assert result.exit_code == 0, result.output
    page = next((site / "output/stories").glob("*/index.html")).read_text()
    assert "<b onmouseover" not in page
    assert "&lt;b onmouseover=x&gt;Bold&lt;/b&gt;" in page
