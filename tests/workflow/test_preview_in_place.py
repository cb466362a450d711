"""The preview writes its site in place (only what changed), and after every edit it
holds exactly what a fresh build with held stories would write."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sitekit import MakeSite, read_tree, story

from storysite.build import build_site
from storysite.config import load_config
from storysite.serve import Preview

DAY = dt.date(2026, 11, 27)


def fresh(site: Path, folder: Path) -> dict[str, bytes]:
    build_site(load_config(site), DAY, folder, include_held=True, use_cache=False)
    return read_tree(folder)


def test_the_preview_matches_a_fresh_build_after_each_edit(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site(
        {f"s{n}.md": story(title=f"Walk {n}", body=f"We walked {n} miles.") for n in range(4)}
    )
    preview = Preview(site, DAY, tmp_path / "preview")
    assert preview.rebuild().error is None
    page = preview.output / "stories/walk-1/index.html"
    untouched = preview.output / "stories/walk-3/index.html"
    before = untouched.stat().st_ino, untouched.stat().st_mtime_ns

    path = site / "stories/s1.md"
    path.write_text(path.read_text() + "\nThe hill was steep.\n")
    assert preview.rebuild().error is None
    assert "The hill was steep." in page.read_text()
    assert (untouched.stat().st_ino, untouched.stat().st_mtime_ns) == before  # left alone
    assert read_tree(preview.output) == fresh(site, tmp_path / "one")

    (site / "stories/s2.md").unlink()  # a story gone: its page and folder go too
    path.write_text(path.read_text().replace("title: Walk 1", "title: Hill walk"))
    assert preview.rebuild().error is None
    assert not (preview.output / "stories/walk-2").exists()
    assert not (preview.output / "stories/walk-1").exists()
    assert read_tree(preview.output) == fresh(site, tmp_path / "two")
