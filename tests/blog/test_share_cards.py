"""What a shared link shows: Open Graph, the Twitter card, the canonical link and the
schema.org Article, read back from the built pages' <head>."""

from __future__ import annotations

import io
import json
from html.parser import HTMLParser
from pathlib import Path

from PIL import Image
from sitekit import MakeSite, run_build, story

BASE = "https://stories.example.org/news/"
NO_BASE = '[site]\ntitle = "Test stories"\n'
PEOPLE = """\
authors: [Ada Quill]
people:
  - name: Ada Quill
    named: true
  - name: Morwenna Tregothnan
    named: false
    shown_as: a carer
"""
SECRET = "Morwenna"


class Head(HTMLParser):
    """The meta tags (property or name -> content), canonical links and JSON-LD."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, list[str]] = {}
        self.canonical: list[str] = []
        self.json_ld: list[object] = []
        self._in_json = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("property" in values or "name" in values):
            key = values.get("property") or values["name"]
            self.meta.setdefault(key, []).append(values.get("content", ""))
        if tag == "link" and values.get("rel") == "canonical":
            self.canonical.append(values["href"])
        self._in_json = tag == "script" and values.get("type") == "application/ld+json"

    def handle_data(self, data: str) -> None:
        if self._in_json:
            self.json_ld.append(json.loads(data))
            self._in_json = False


def head_of(page: Path) -> tuple[Head, str]:
    text = page.read_text(encoding="utf-8")
    head = text[: text.index("</head>")]
    parser = Head()
    parser.feed(head)
    return parser, head


def photo(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.linear_gradient("L").resize((width, height)).convert("RGB").save(buffer, "JPEG")
    return buffer.getvalue()


def build(make_site: MakeSite, config: str, width: int = 2000, summary: bool = True) -> Path:
    extra = PEOPLE + "image:\n  src: photo.jpg\n  alt: Morwenna Tregothnan at the allotment\n"
    if summary:
        extra += "summary: Morwenna Tregothnan and Ada Quill on a year of growing things.\n"
    body = "Morwenna Tregothnan planted the beans. " * 30
    stories = {"a.md": story(title="A year at the allotment", body=body, extra=extra)}
    files = {"stories/photo.jpg": photo(width, width * 3 // 4)}
    site = make_site(
        stories, config=f'{config}base_url = "{BASE}"\n' if config else NO_BASE, files=files
    )
    result = run_build(site)
    assert result.exit_code == 0, result.output
    return site / "output"


def test_a_story_link_carries_a_complete_card(make_site: MakeSite) -> None:
    output = build(make_site, '[site]\ntitle = "Test stories"\n')
    head, text = head_of(output / "stories/a-year-at-the-allotment/index.html")
    url = BASE + "stories/a-year-at-the-allotment/"
    [image] = head.meta["og:image"]
    assert image.startswith(BASE + "images/") and image.endswith("-1200.jpg")
    local = output / image.removeprefix(BASE)
    with Image.open(local) as opened:
        assert opened.size == (1200, 900)
    summary = "A carer and Ada Quill on a year of growing things."
    assert head.meta == {
        "viewport": ["width=device-width, initial-scale=1"],
        "referrer": ["strict-origin-when-cross-origin"],
        "description": [summary],
        "og:type": ["article"],
        "og:site_name": ["Test stories"],
        "og:locale": ["en_GB"],
        "og:title": ["A year at the allotment"],
        "og:description": [summary],
        "og:url": [url],
        "article:published_time": ["2020-01-01"],
        "og:image": [image],
        "og:image:width": ["1200"],
        "og:image:height": ["900"],
        "og:image:alt": ["A carer at the allotment"],
        "twitter:card": ["summary_large_image"],
    }
    assert head.canonical == [url]
    assert head.json_ld == [
        {
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": "A year at the allotment",
            "datePublished": "2020-01-01",
            "inLanguage": "en-GB",
            "publisher": {"@type": "Organization", "name": "Test stories"},
            "description": summary,
            "url": url,
            "mainEntityOfPage": url,
            "image": [image],
            "author": [{"@type": "Person", "name": "Ada Quill"}],
        }
    ]
    assert SECRET not in text and "Tregothnan" not in text


def test_without_a_summary_the_card_describes_the_story_from_its_published_text(
    make_site: MakeSite,
) -> None:
    output = build(make_site, '[site]\ntitle = "Test stories"\n', width=900, summary=False)
    head, text = head_of(output / "stories/a-year-at-the-allotment/index.html")
    [description] = head.meta["og:description"]
    assert description.startswith("A carer planted the beans. A carer planted")
    assert description.endswith("…") and len(description) <= 201
    assert "description" not in head.meta  # the page's own description needs a summary
    # A picture narrower than 1200 pixels: the card shows it at its own width.
    [image] = head.meta["og:image"]
    assert image.endswith("-900.jpg") and head.meta["og:image:width"] == ["900"]
    assert SECRET not in text


def test_without_base_url_no_address_is_guessed(make_site: MakeSite) -> None:
    output = build(make_site, "")
    head, text = head_of(output / "stories/a-year-at-the-allotment/index.html")
    for absent in ("og:url", "og:image", "og:image:alt", "og:image:width"):
        assert absent not in head.meta
    assert head.canonical == []
    assert head.meta["twitter:card"] == ["summary"]
    assert head.meta["og:title"] == ["A year at the allotment"]
    [data] = head.json_ld
    assert isinstance(data, dict)
    assert not {"url", "image", "mainEntityOfPage"} & set(data)
    assert "://" not in text.replace("https://schema.org", "")


def test_json_ld_cannot_be_closed_by_a_title(make_site: MakeSite) -> None:
    title = "</script><script>alert(1)</script>"
    site = make_site({"a.md": story(title=f'"{title}"')})
    assert run_build(site).exit_code == 0
    page = next((site / "output/stories").glob("*/index.html"))
    head, text = head_of(page)
    assert text.count("</script>") == 1  # the JSON-LD block's own end only
    [data] = head.json_ld
    assert data["headline"] == title  # type: ignore[index]
