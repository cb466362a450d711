"""Each consent rule of the contract, on its held side and its published side."""

from __future__ import annotations

from pathlib import Path

import pytest
from sitekit import MakeSite, all_text, run_build, story

PUBLISHED = "consent:\n  publish: true\n  date: 2020-01-01\n"


def build_one(make_site: MakeSite, **kwargs: str) -> tuple[Path, str]:
    site = make_site({"one.md": story(title="Marker title zqx", **kwargs)})
    result = run_build(site)
    assert result.exit_code == 0, result.output
    return site / "output", result.output


def assert_published(output: Path) -> None:
    assert (output / "stories/marker-title-zqx/index.html").is_file()
    assert "Marker title zqx" in (output / "index.html").read_text()


def assert_held(output: Path) -> None:
    assert not (output / "stories/marker-title-zqx").exists()
    assert "zqx" not in all_text(output).lower()


@pytest.mark.parametrize(
    ("consent", "extra", "date", "published"),
    [
        (PUBLISHED, "", "2020-01-01", True),
        (PUBLISHED, "draft: true\n", "2020-01-01", False),
        (PUBLISHED, "draft: false\n", "2020-01-01", True),
        (PUBLISHED, "", "2026-11-28", False),  # dated tomorrow
        (PUBLISHED, "", "2026-11-27", True),  # dated today
        ("", "", "2020-01-01", False),  # no consent block
        ("consent:\n  publish: false\n  date: 2020-01-01\n", "", "2020-01-01", False),
        ("consent:\n  publish: yes\n  date: 2020-01-01\n", "", "2020-01-01", False),
        ("consent:\n  publish: 'true'\n  date: 2020-01-01\n", "", "2020-01-01", False),
        ("consent:\n  publish: 1\n  date: 2020-01-01\n", "", "2020-01-01", False),
        ("consent:\n  date: 2020-01-01\n", "", "2020-01-01", False),
        ("consent:\n  publish: true\n", "", "2020-01-01", False),  # no consent date
        ("consent:\n  publish: true\n  date: 2026-11-28\n", "", "2020-01-01", False),
        ("consent:\n  publish: true\n  date: 2026-11-27\n", "", "2020-01-01", True),
        (PUBLISHED + "  expires: 2026-11-27\n", "", "2020-01-01", False),  # expires today
        (PUBLISHED + "  expires: 2026-11-26\n", "", "2020-01-01", False),
        (PUBLISHED + "  expires: 2026-11-28\n", "", "2020-01-01", True),
        (PUBLISHED + "  withdrawn: 2021-01-01\n", "", "2020-01-01", False),
        (PUBLISHED + "  withdrawn: true\n", "", "2020-01-01", False),
        (PUBLISHED + "  withdrawn: false\n", "", "2020-01-01", True),
        (PUBLISHED + "  withdrawn: null\n", "", "2020-01-01", True),
        (PUBLISHED + "  withdrawn:\n", "", "2020-01-01", True),
    ],
)
def test_consent_rule(
    make_site: MakeSite, consent: str, extra: str, date: str, published: bool
) -> None:
    output, _ = build_one(make_site, consent=consent, extra=extra, date=date)
    if published:
        assert_published(output)
    else:
        assert_held(output)


def test_summary_names_the_rule_and_counts(make_site: MakeSite) -> None:
    site = make_site(
        {
            "a.md": story(title="Kept"),
            "b.md": story(title="Gone", consent=PUBLISHED + "  withdrawn: true\n"),
            "c.md": story(title="Later", date="2030-01-01"),
        }
    )
    result = run_build(site)
    assert result.exit_code == 0
    assert "Published 1 story, held 2" in result.output
    assert "stories/b.md: held — consent was withdrawn" in result.output
    assert "stories/c.md: held — its date 2030-01-01 is after today" in result.output


def test_a_withdrawn_story_is_gone_after_the_next_build(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(title="Soon withdrawn")})
    assert run_build(site).exit_code == 0
    assert (site / "output/stories/soon-withdrawn/index.html").exists()
    (site / "stories/a.md").write_text(
        story(title="Soon withdrawn", consent=PUBLISHED + "  withdrawn: 2026-11-01\n")
    )
    assert run_build(site).exit_code == 0
    assert not (site / "output/stories/soon-withdrawn").exists()
    assert "Soon withdrawn" not in all_text(site / "output")


def test_future_story_publishes_from_its_day(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(title="New year", date="2027-01-01")})
    assert run_build(site, today="2026-12-31").exit_code == 0
    assert not (site / "output/stories/new-year").exists()
    assert run_build(site, today="2027-01-01").exit_code == 0
    assert (site / "output/stories/new-year/index.html").exists()
