from pathlib import Path

from sitekit import MakeSite, run_build, story


def test_a_consented_story_is_published(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(title="Hello there")})
    result = run_build(site)
    assert result.exit_code == 0, result.output
    page = Path(site, "output/stories/hello-there/index.html").read_text()
    assert "<h1>Hello there</h1>" in page
