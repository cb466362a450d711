"""The preview's banner on a held story says why in plain words: each consent reason,
and each word the anonymiser could not decide, with its line and what to do."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

from sitekit import MakeSite, story

from storysite.serve import Preview, _report, inject

FINDING = "Then Mrs Quellworth waved from the door."


def test_the_banner_lists_the_findings_and_the_reasons(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site(
        {
            "a.md": story(title="Public"),
            "b.md": story(title="Waiting", body=FINDING, consent=""),
        }
    )
    preview = Preview(site, dt.date(2026, 11, 27), tmp_path / "preview")
    state = preview.rebuild()
    assert state.error is None
    reasons = state.held["stories/waiting/index.html"]
    assert reasons[0] == "consent to publish is not recorded — consent: publish: true is needed"
    assert len(reasons) == 2
    assert reasons[1].startswith(
        "the anonymiser could not decide whether 'Quellworth' (line 5 of stories/b.md) "
        "is a person to protect (it "
    )
    assert "To fix it: " in reasons[1] and "see the findings" not in " ".join(reasons)
    page = (preview.output / "stories/waiting/index.html").read_text()
    shown = inject(page, state.version, reasons)
    banner = shown[shown.index('<div class="storysite-preview-banner"') :]
    banner = banner[: banner.index("</div>")]
    assert banner.count("<li>") == 2
    assert html.escape(reasons[1]) in banner
    assert "Public" not in state.held and "stories/public/index.html" not in state.held


def test_the_preview_counts_held_stories_in_words(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site({"a.md": story(title="Waiting", consent="")})
    said: list[str] = []
    _report(said.append, Preview(site, dt.date(2026, 11, 27), tmp_path / "p").rebuild())
    assert said[0].endswith("built the preview (1 held story shown with a banner)")
