"""What a reader on a phone downloads, measured in Chromium on a 390-pixel viewport:
a story with a 12-megapixel phone photo, and a one-word search among 5,000 stories.

Bytes are those the browser received over the network (DevTools' encodedDataLength:
headers and body), on a first visit with nothing cached. The numbers are written to
build/page-weight.json for people to read.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from browserkit import OVERFLOW, REPO, SCREENSHOTS, NewPage, build, serve

pytestmark = pytest.mark.browser

STORY_BUDGET = 250 * 1024
SEARCH_BUDGET = 300 * 1024
PHONE = {"width": 390, "height": 844}
NARROWEST = {"width": 320, "height": 640}
WEIGHTS = REPO / "build" / "page-weight.json"
PHOTO_STORY = """\
---
title: Our allotment in the rain
date: 2026-09-01
summary: A year of growing vegetables together, told by the people who dug the beds.
image: {src: photo.jpg, alt: Raised beds of vegetables under a grey sky}
consent:
  publish: true
  date: 2026-08-20
---
""" + "\n\n".join(
    ["We met every Thursday, whatever the weather, and dug until the light went."] * 40
    + ["![A watering can with a see-through sky behind it](can.png)"]
    + ["The beans did best. Nobody could say why, and everybody had a theory."] * 6
)


def phone_photo() -> bytes:
    """A 12-megapixel JPEG as a phone stores it: 4000 x 3000 pixels of fine detail,
    EXIF orientation 6 (portrait when shown), a GPS position and the camera's name."""
    from PIL import Image, ImageDraw, ImageFilter

    grain = Image.effect_noise((4000, 3000), 48).filter(ImageFilter.GaussianBlur(0.9))
    light = Image.linear_gradient("L").resize((4000, 3000))
    image = Image.merge("RGB", (grain, light, Image.blend(grain, light, 0.5)))
    draw = ImageDraw.Draw(image)
    for i in range(40):
        draw.ellipse([i * 97, i * 71, i * 97 + 600, i * 71 + 420], outline=(40, 120, 30), width=9)
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (53.0, 28.0, 1.5), 3: "W", 4: (2.0, 14.0, 3.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95, exif=exif.tobytes())
    return buffer.getvalue()


def see_through_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (1800, 1200), (0, 0, 0, 0))
    ImageDraw.Draw(image).rounded_rectangle([300, 200, 1500, 1000], 80, fill=(11, 94, 107, 255))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="session")
def photo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """(address of the story, size of the photo as taken) on a local server."""
    work = tmp_path_factory.mktemp("photo")
    site = work / "site"
    (site / "stories").mkdir(parents=True)
    (site / "storysite.toml").write_text(
        '[site]\ntitle = "Allotment stories"\nbase_url = "https://stories.example.org/"\n'
    )
    (site / "stories" / "allotment.md").write_text(PHOTO_STORY)
    photo = phone_photo()
    (site / "stories" / "photo.jpg").write_bytes(photo)
    (site / "stories" / "can.png").write_bytes(see_through_png())
    build(site, work / "output")
    served = serve(work / "output")
    try:
        yield served.server.base + "stories/our-allotment-in-the-rain/", len(photo)
    finally:
        served.stop()


@pytest.fixture(scope="session")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The benchmarks' 5,000-story corpus (2,000-person register), built once, served."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from corpus import make_corpus, write_storysite

    work = tmp_path_factory.mktemp("corpus")
    write_storysite(make_corpus(5000), work / "site")
    build(work / "site", work / "output")
    served = serve(work / "output")
    try:
        yield served.server.base
    finally:
        served.stop()


class Transfer:
    """Every response's bytes over the network, as Chromium's DevTools counts them."""

    def __init__(self, page: Any) -> None:
        self.bytes: dict[str, int] = {}
        self._urls: dict[str, str] = {}
        session = page.context.new_cdp_session(page)
        session.on("Network.requestWillBeSent", self._sent)
        session.on("Network.loadingFinished", self._finished)
        session.send("Network.enable")
        session.send("Network.setCacheDisabled", {"cacheDisabled": True})

    def _sent(self, event: dict[str, Any]) -> None:
        self._urls[event["requestId"]] = event["request"]["url"]

    def _finished(self, event: dict[str, Any]) -> None:
        url = self._urls.get(event["requestId"], event["requestId"])
        self.bytes[url] = self.bytes.get(url, 0) + int(event["encodedDataLength"])

    @property
    def total(self) -> int:
        return sum(self.bytes.values())


def scroll_to_every_picture(page: Any) -> None:
    """Scroll as a reader would until every picture (lazy ones too) has loaded."""
    for picture in page.locator("img").all():
        picture.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => [...document.images].every(i => i.complete && i.naturalWidth > 0)"
    )


def record(name: str, value: object) -> None:
    WEIGHTS.parent.mkdir(parents=True, exist_ok=True)
    found = json.loads(WEIGHTS.read_text()) if WEIGHTS.is_file() else {}
    found[name] = value
    WEIGHTS.write_text(json.dumps(found, indent=2) + "\n")


@pytest.mark.parametrize("scale", [1, 3])
def test_a_story_with_a_phone_photo_stays_within_its_budget(
    photo_site: tuple[str, int], new_page: NewPage, scale: int
) -> None:
    url, taken = photo_site
    assert taken > 3_000_000  # the photo as the phone took it
    page, log = new_page(viewport=PHONE, device_scale_factor=scale)
    transfer = Transfer(page)
    page.goto(url, wait_until="networkidle")
    first = transfer.total
    pictures = [u for u in transfer.bytes if "/images/" in u]
    # Only the photo at the top, in the newest format, at a width for this screen.
    assert len(pictures) == 1, pictures
    assert pictures[0].endswith(".avif") or pictures[0].endswith(".webp"), pictures
    scroll_to_every_picture(page)
    page.wait_for_load_state("networkidle")
    record(
        f"story with a 12-megapixel photo, 390 px at {scale}x",
        {"photo as taken": taken, "first load": first, "after scrolling": transfer.total,
         "files": transfer.bytes},
    )  # fmt: skip
    assert first <= STORY_BUDGET, transfer.bytes
    assert len([u for u in transfer.bytes if "/images/" in u]) == 2  # the lazy one came later
    assert log.errors == []


@pytest.mark.parametrize("viewport", [NARROWEST, PHONE], ids=["320", "390"])
def test_every_picture_fits_the_column_without_sideways_scrolling(
    photo_site: tuple[str, int], new_page: NewPage, viewport: dict[str, int]
) -> None:
    page, _ = new_page(viewport=viewport)
    page.goto(photo_site[0], wait_until="networkidle")
    scroll_to_every_picture(page)
    measured = page.evaluate(OVERFLOW)
    assert measured["scroll"] <= measured["client"], measured
    boxes = page.evaluate(
        """() => [...document.images].map(i => {
          const box = i.getBoundingClientRect();
          const column = i.closest("article").querySelector(".story-body").getBoundingClientRect();
          return {left: box.left, right: box.right, width: box.width, height: box.height,
                  column: [column.left, column.right], natural: [i.naturalWidth, i.naturalHeight]};
        })"""
    )
    assert len(boxes) == 2
    for box in boxes:
        assert box["left"] >= box["column"][0] - 0.5 and box["right"] <= box["column"][1] + 0.5
        natural_ratio = box["natural"][1] / box["natural"][0]
        assert abs(box["height"] / box["width"] - natural_ratio) < 0.02  # not stretched
    photo = boxes[0]
    assert photo["width"] == pytest.approx(photo["column"][1] - photo["column"][0], abs=0.5)
    assert photo["height"] > photo["width"]  # upright: the phone held it portrait
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"story-photo-{viewport['width']}.png"
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=str(target), full_page=False)
    assert target.stat().st_size > 1000


def test_a_one_word_search_among_5000_stories_stays_within_its_budget(
    big_site: str, new_page: NewPage
) -> None:
    page, log = new_page(viewport=PHONE)
    transfer = Transfer(page)
    page.goto(big_site + "search/?q=carers", wait_until="networkidle")
    page.wait_for_selector("#search-results ol li")
    page.wait_for_load_state("networkidle")
    found = str(page.locator("#search-results p.meta").inner_text())
    shown = page.locator("#search-results ol li").count()
    record(
        "one-word search among 5,000 stories, 390 px",
        {"query": "carers", "found": found, "shown": shown, "total": transfer.total,
         "files": transfer.bytes},
    )  # fmt: skip
    assert transfer.total <= SEARCH_BUDGET, transfer.bytes
    assert shown == 20 and found.endswith("stories found.")
    assert int(found.split()[0]) > 100
    terms = [u for u in transfer.bytes if "/search-index/terms-" in u]
    assert len(terms) == 1, terms
    assert not [u for u in transfer.bytes if u.endswith("search-index.json")]
    assert log.errors == []
