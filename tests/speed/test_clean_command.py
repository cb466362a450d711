"""`storysite clean` removes the cache and the built site, and nothing else."""

from __future__ import annotations

from click.testing import CliRunner
from sitekit import MakeSite, run_build, story

from storysite.cli import main


def test_clean_removes_the_cache_and_the_output(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(title="Figs")})
    assert run_build(site).exit_code == 0
    assert (site / ".storysite-cache").is_dir() and (site / "output/index.html").is_file()
    result = CliRunner().invoke(main, ["clean", "--site", str(site)])
    assert result.exit_code == 0, result.output
    assert not (site / ".storysite-cache").exists()
    assert not (site / "output").exists()
    assert (site / "stories/a.md").is_file() and (site / "storysite.toml").is_file()
    again = CliRunner().invoke(main, ["clean", "--site", str(site)])
    assert again.exit_code == 0 and "Nothing to remove" in again.output


def test_clean_never_removes_a_folder_storysite_did_not_write(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(title="Figs")})
    precious = site / "elsewhere/thesis.docx"
    precious.parent.mkdir()
    precious.write_text("years of work")
    result = CliRunner().invoke(
        main, ["clean", "--site", str(site), "--output", str(site / "elsewhere")]
    )
    assert result.exit_code == 0
    assert "did not write" in result.output
    assert precious.read_text() == "years of work"


def test_build_help_lists_no_cache() -> None:
    result = CliRunner().invoke(main, ["build", "--help"])
    assert "--no-cache" in result.output
    assert "--workers" not in result.output  # hidden: for tests and benchmarks
