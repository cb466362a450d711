"""End to end: the forms a real build writes, posted to a real receiver."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from receiver_support import StartServer
from sitekit import MakeSite, run_build, story

CONFIG = """\
[site]
title = "Test stories"
base_url = "https://stories.example.org/news/"

[newsletter]
consent_version = "2026 November"
"""


class Forms(HTMLParser):
    """Each form's action and its fields, as a browser would submit them."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, dict[str, str]] = {}
        self._current: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "form" and found.get("method") == "post":
            self._current = self.forms.setdefault(found["action"], {})
        elif tag == "input" and self._current is not None and found.get("name"):
            kind = found.get("type", "text")
            if kind in ("radio", "checkbox"):
                self._current.setdefault(found["name"], found["value"])  # tick the first
            else:
                self._current[found["name"]] = found.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def test_built_story_forms_post_to_the_receiver(
    make_site: MakeSite, fresh_server: StartServer
) -> None:
    site: Path = make_site({"2020-01-01-hope.md": story(title="Finding hope")}, config=CONFIG)
    result = run_build(site)
    assert result.exit_code == 0, result.output
    output = site / "output"
    pages = list((output / "stories").glob("*/index.html"))
    assert len(pages) == 1
    parser = Forms()
    parser.feed(pages[0].read_text(encoding="utf-8"))
    feedback_form = parser.forms["/feedback"]
    newsletter_form = parser.forms["/newsletter"]
    assert {"story", "useful", "rating", "usefulness", "website", "page"} <= set(feedback_form)
    assert {"email", "consent", "consent_version", "page", "website"} <= set(newsletter_form)
    assert (output / "feedback" / "thanks" / "index.html").is_file()
    assert (output / "newsletter" / "thanks" / "index.html").is_file()

    srv = fresh_server("--site", str(site))
    reply = srv.post("/feedback", feedback_form)
    assert reply.status == 303, reply.body
    assert reply.headers["location"] == "https://stories.example.org/news/feedback/thanks/"
    slug = pages[0].parent.name
    assert srv.rows("SELECT story, useful, rating, usefulness, page FROM feedback") == [
        (slug, "yes", 1, 1, f"stories/{slug}/")
    ]
    reply = srv.post("/newsletter", {**newsletter_form, "email": "reader@example.org"})
    assert reply.status == 303, reply.body
    assert srv.rows("SELECT email, consent_version FROM newsletter") == [
        ("reader@example.org", "2026 November")
    ]


HELD = "consent:\n  publish: false\n  date: 2020-01-01\n"


def test_feedback_only_for_stories_the_built_site_publishes(
    make_site: MakeSite, fresh_server: StartServer
) -> None:
    """The receiver reads the slugs from the build's search index, which never lists a
    held story; a new build is picked up without restarting the receiver."""
    site: Path = make_site(
        {
            "2020-01-01-hope.md": story(title="Finding hope"),
            "2020-02-01-quiet.md": story(title="Quiet harbour", consent=HELD),
        },
        config=CONFIG,
    )
    assert run_build(site).exit_code == 0
    assert not (site / "output" / "stories" / "quiet-harbour").exists()
    srv = fresh_server("--site", str(site), "--rate-limit", "0")

    taken = srv.post("/feedback", {"story": "finding-hope", "useful": "yes"}, as_json=True)
    held = srv.post("/feedback", {"story": "quiet-harbour", "useful": "yes"}, as_json=True)
    unknown = srv.post("/feedback", {"story": "never-written", "rating": "3"}, as_json=True)

    assert taken.status == 200
    refused = {"ok": False, "error": "story is not a story this site publishes"}
    assert (held.status, held.json()) == (400, refused)
    assert (unknown.status, unknown.json()) == (400, refused)
    assert srv.rows("SELECT story FROM feedback") == [("finding-hope",)]

    (site / "stories" / "2020-02-01-quiet.md").write_text(
        story(title="Quiet harbour"), encoding="utf-8"
    )
    assert run_build(site).exit_code == 0
    again = srv.post("/feedback", {"story": "quiet-harbour", "useful": "no"}, as_json=True)
    assert again.status == 200
    assert srv.rows("SELECT story FROM feedback ORDER BY id") == [
        ("finding-hope",),
        ("quiet-harbour",),
    ]


def test_feedback_before_the_first_build_is_503(tmp_path: Path, fresh_server: StartServer) -> None:
    site = tmp_path / "unbuilt"
    site.mkdir()
    (site / "storysite.toml").write_text(CONFIG, encoding="utf-8")
    srv = fresh_server("--output", str(tmp_path / "not-yet"), "--site", str(site))
    reply = srv.post("/feedback", {"story": "finding-hope", "useful": "yes"}, as_json=True)
    assert (reply.status, reply.headers["retry-after"]) == (503, "30")
    assert srv.rows("SELECT count(*) FROM feedback") == [(0,)]
