"""Site settings that shape the blog: base_url, per_page, [support], [accessibility]."""

from __future__ import annotations

from pathlib import Path

from blogscan import scan
from sitekit import MakeSite, read_tree, run_build, story

from storysite.config import DEFAULT_SUPPORT_LINES, SCHEMA, load_config

NO_BASE = '[site]\ntitle = "Quay stories"\n'


def test_without_base_url_the_build_warns_and_writes_no_feed_or_sitemap(
    make_site: MakeSite,
) -> None:
    site = make_site({"a.md": story(title="Low tide")}, config=NO_BASE)
    result = run_build(site)
    assert result.exit_code == 0, result.output
    assert "warning: storysite.toml has no [site] base_url" in result.output
    tree = read_tree(site / "output")
    assert "feed.xml" not in tree and "sitemap.xml" not in tree
    assert "Sitemap:" not in tree["robots.txt"].decode()
    assert "search-index.json" in tree
    page = tree["index.html"].decode()
    assert "feed.xml" not in page


def test_without_base_url_404_links_are_root_relative(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(title="Low tide")}, config=NO_BASE)
    assert run_build(site).exit_code == 0
    page = scan((site / "output/404.html").read_text())
    urls = [url for tag, _, url in page.links if tag != "form" and not url.startswith("#")]
    assert urls and all(url.startswith("/") for url in urls), urls
    assert "/assets/style.css" in urls


def test_with_base_url_there_is_no_warning(make_site: MakeSite) -> None:
    result = run_build(make_site({"a.md": story()}))
    assert result.exit_code == 0
    assert "warning" not in result.output


def test_per_page_sets_the_index_pages(make_site: MakeSite) -> None:
    stories = {f"s{n}.md": story(title=f"Tide {n}", date=f"2020-01-{n:02d}") for n in range(1, 8)}
    site = make_site(stories, config=NO_BASE + "per_page = 3\n")
    assert run_build(site).exit_code == 0
    tree = read_tree(site / "output")
    assert {"index.html", "page/2/index.html", "page/3/index.html"} <= set(tree)
    assert "page/4/index.html" not in tree
    assert tree["page/3/index.html"].decode().count('<article class="card">') == 1
    assert tree["index.html"].decode().index("Tide 7") < tree["index.html"].decode().index("Tide 5")


def test_support_block_comes_from_the_site_file(make_site: MakeSite) -> None:
    config = NO_BASE + (
        '[support]\nheading = "Talk to someone today"\n'
        'lines = ["Ring the Harbour crisis line on 0800 000 0000."]\n'
    )
    site = make_site({"a.md": story(title="Low tide")}, config=config)
    assert run_build(site).exit_code == 0
    page = (site / "output/stories/low-tide/index.html").read_text()
    assert '<h2 id="support-heading">Talk to someone today</h2>' in page
    assert "Ring the Harbour crisis line" in page
    assert "Samaritans" not in page


def test_accessibility_defaults_use_the_site_title(make_site: MakeSite) -> None:
    site = make_site({"a.md": story()}, config=NO_BASE)
    assert run_build(site).exit_code == 0
    page = (site / "output/accessibility/index.html").read_text()
    assert "Quay stories runs this website" in page
    assert "has not been reviewed since" in page


def test_unknown_or_wrong_support_keys_are_errors(make_site: MakeSite) -> None:
    config = NO_BASE + '[support]\nline = "typo"\n[accessibility]\nreviewed = "last May"\n'
    site = make_site({"a.md": story()}, config=config)
    result = run_build(site)
    assert result.exit_code == 1
    assert "storysite.toml:4: unknown key 'line' in [support]" in result.output
    assert "storysite.toml:6: [accessibility] reviewed must be a date" in result.output
    assert not (site / "output").exists()


def test_thank_you_pages_link_home(make_site: MakeSite) -> None:
    site = make_site({"a.md": story()}, config=NO_BASE)
    assert run_build(site).exit_code == 0
    for form in ("feedback", "newsletter"):
        page = (site / f"output/{form}/thanks/index.html").read_text()
        assert "<h1>Thank you for" in page
        assert '<a href="../../">Back to the latest stories</a>' in page
        assert '<meta name="robots" content="noindex">' in page


def test_an_empty_site_still_builds_every_page(make_site: MakeSite) -> None:
    site = make_site({}, config='[site]\ntitle = "Quay"\nbase_url = "https://q.example/"\n')
    result = run_build(site)
    assert result.exit_code == 0, result.output
    tree = read_tree(Path(site, "output"))
    for path in ("index.html", "tags/index.html", "archive/index.html", "feed.xml", "404.html"):
        assert path in tree
    assert b"<entry" not in tree["feed.xml"]


DOCS = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def test_configuration_docs_name_every_key_and_their_example_is_valid(tmp_path: Path) -> None:
    text = DOCS.read_text(encoding="utf-8")
    for section, keys in SCHEMA.items():
        assert f"[{section}]" in text or f"[[{section}." in text, section
        for key in keys:
            forms = (f"`{key}`", f"[{section}] {key}`", f"{section}.{key}")
            assert any(form in text for form in forms), f"[{section}] {key}"
    example = text.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "storysite.toml").write_text(example, encoding="utf-8")
    config = load_config(tmp_path)
    assert config.per_page == 10 and config.support_lines == DEFAULT_SUPPORT_LINES
