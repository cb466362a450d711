"""Images: copied without metadata, under a name that carries no name, or an error."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image, PngImagePlugin, features
from sitekit import TODAY, MakeSite, all_text, read_tree, run_build, story

from storysite.cli import main

PEOPLE = "people:\n  - name: Jane Doe\n    named: false\n"
SECRET = b"Jane Doe"
#: The newer formats every picture is also written in, by what this Pillow can write.
FORMATS = ["avif", "webp"] if features.check("avif") else ["webp"]
#: What metadata looks like inside a file: EXIF, XMP, ICC profiles and PNG text.
MARKS = {
    "EXIF": b"Exif\x00",
    "PNG EXIF": b"eXIf",
    "XMP": b"x:xmpmeta",
    "XMP packet": b"xpacket",
    "PNG ICC": b"iCCP",
    "HEIF ICC": b"rICC",
    "HEIF ICC profile": b"prof",
    "PNG text": b"tEXt",
    "PNG compressed text": b"zTXt",
    "PNG international text": b"iTXt",
}


def metadata_in(data: bytes) -> list[str]:
    """Every kind of metadata a picture file carries, as Pillow reads it and in its bytes."""
    found = [kind for kind, mark in MARKS.items() if mark in data]
    if data.startswith(b"\xff\xd8") and b"\xff\xfe" in data:  # a marker only in JPEG
        found.append("JPEG comment")
    with Image.open(io.BytesIO(data)) as image:
        if image.getexif():
            found.append("EXIF tags")
        known = {"exif", "xmp", "XML:com.adobe.xmp", "comment", "icc_profile", "Author"}
        found += sorted(known & set(image.info))
    return found


def jpeg_with_metadata() -> bytes:
    image = Image.new("RGB", (32, 24), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010E] = "Jane Doe at home"  # ImageDescription
    exif[0x013B] = "Jane Doe"  # Artist
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 40.0)}  # GPS
    buffer = io.BytesIO()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>Jane Doe</dc:creator></x:xmpmeta>'
    image.save(buffer, "JPEG", exif=exif.tobytes(), comment=SECRET, xmp=xmp)
    data = buffer.getvalue()
    assert SECRET in data  # the fixture really carries the name
    return data


def png_with_metadata() -> bytes:
    image = Image.new("RGBA", (10, 10), (0, 90, 200, 128))
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Jane Doe")
    info.add_itxt("Description", "Jane Doe, 12 Acacia Avenue")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", pnginfo=info)
    assert SECRET in buffer.getvalue()
    return buffer.getvalue()


FRONT = PEOPLE + "image:\n  src: photos/jane-doe-at-home.jpg\n  alt: Jane Doe in the garden\n"


def test_images_lose_metadata_and_names(make_site: MakeSite) -> None:
    body = "Before.\n\n![Jane in the garden](photos/jane-doe-at-home.jpg)\n\n![logo](logo.png)\n"
    site = make_site(
        {"a.md": story(body=body, extra=FRONT)},
        files={
            "stories/photos/jane-doe-at-home.jpg": jpeg_with_metadata(),
            "logo.png": png_with_metadata(),
        },
    )
    result = run_build(site)
    assert result.exit_code == 0, result.output
    tree = read_tree(site / "output")
    images = {path: data for path, data in tree.items() if path.startswith("images/")}
    # Two small pictures: each at its own width only, as AVIF, WebP and a fallback.
    extensions = sorted(path.rsplit(".", 1)[1] for path in images)
    assert extensions == sorted([*FORMATS, "jpg", *FORMATS, "png"]), sorted(images)
    for path, data in images.items():
        assert re.fullmatch(r"images/[0-9a-f]{20}-(32|10)\.(jpg|png|webp|avif)", path)
        assert SECRET not in data and b"Jane" not in data and b"Acacia" not in data
        assert metadata_in(data) == []
    page = tree["stories/a-story/index.html"].decode()
    assert "jane" not in page.lower()
    sources = re.findall(r'<img[^>]*src="([^"]+)"', page)
    assert len(sources) == 3  # the front-matter figure and two in the body
    tags = re.findall(r"<img\b[^>]*>", page)
    assert len(tags) == 3
    for tag in tags:  # every picture: its size, decoded off the main thread
        assert re.search(r' width="(32|10)" height="(24|10)"', tag) and 'decoding="async"' in tag
    assert page.count("<picture>") == 3
    for src in sources:
        assert (site / "output/stories/a-story" / src).resolve().is_file(), src
    assert "<figure" in page and 'alt="[Name removed] in the garden"' in page


def test_a_missing_image_is_an_error_with_its_line(make_site: MakeSite) -> None:
    body = "Line one.\n\n![a photo](nowhere.jpg)\n"
    site = make_site({"a.md": story(body=body)})
    result = run_build(site)
    assert result.exit_code == 1
    # Five lines of front matter between the two "---" lines: the body starts on line 8.
    assert "stories/a.md:10: the image 'nowhere.jpg' is not found" in result.output
    assert not (site / "output").exists()


def test_a_missing_front_matter_image_is_an_error(make_site: MakeSite) -> None:
    extra = "image:\n  src: gone.png\n  alt: A picture\n"
    site = make_site({"a.md": story(extra=extra)})
    result = run_build(site)
    assert result.exit_code == 1
    assert "stories/a.md:7: the image 'gone.png' is not found" in result.output


def test_an_image_outside_the_site_is_not_found(make_site: MakeSite, tmp_path: Path) -> None:
    (tmp_path / "outside.png").write_bytes(png_with_metadata())
    site = make_site({"a.md": story(body="![x](../../../outside.png)")})
    result = run_build(site)
    assert result.exit_code == 1
    assert "is not found" in result.output


@pytest.mark.parametrize(
    "body",
    [
        "Before ![the view](https://cdn.example.com/x.png) after.",
        "Before ![the view][v] after.\n\n[v]: https://cdn.example.com/x.png\n",
        'Before <img alt="the view" src="//cdn.example.com/x.png"> after.',
        "Before ![the view](data:image/png;base64,iVBORw0KGgo=) after.",
    ],
)
def test_an_image_from_another_host_is_left_out_with_a_warning(
    make_site: MakeSite, body: str
) -> None:
    """Nothing on a page may ask another host for anything; the story still publishes."""
    site = make_site({"a.md": story(body=body)})
    result = run_build(site)
    assert result.exit_code == 0, result.output
    assert "warning: stories/a.md:" in result.output
    assert "left out" in result.output
    page = (site / "output/stories/a-story/index.html").read_text(encoding="utf-8")
    assert "cdn.example.com" not in page and "data:image" not in page and "<img" not in page
    assert "Before the view after." in page


def test_a_remote_front_matter_image_is_left_out(make_site: MakeSite) -> None:
    extra = "image:\n  src: https://cdn.example.com/x.png\n  alt: A picture\n"
    site = make_site({"a.md": story(extra=extra)})
    result = run_build(site)
    assert result.exit_code == 0, result.output
    assert "warning: stories/a.md:7: the image 'https://cdn.example.com/x.png'" in result.output
    assert "cdn.example.com" not in all_text(site / "output")


def test_a_raw_img_tag_with_no_file_is_left_out(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(body="Hi <img src=nowhere.png alt='a cat' onerror=x()>.")})
    result = run_build(site)
    assert result.exit_code == 0, result.output
    assert "warning: stories/a.md:8: the image 'nowhere.png' in an <img> tag" in result.output
    page = (site / "output/stories/a-story/index.html").read_text(encoding="utf-8")
    assert "<img" not in page and "nowhere" not in page and "Hi a cat." in page


def test_a_file_that_is_not_a_picture_is_an_error(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(body="![x](x.png)")}, files={"stories/x.png": b"not a png"})
    result = run_build(site)
    assert result.exit_code == 1
    assert "cannot be read as a picture" in result.output


def test_a_held_story_leaves_no_image(make_site: MakeSite) -> None:
    held = story(body="![x](shared/a.png)", consent="consent:\n  publish: false\n")
    site = make_site({"held.md": held}, files={"shared/a.png": png_with_metadata()})
    result = run_build(site)
    assert result.exit_code == 0, result.output
    assert not [p for p in read_tree(site / "output") if p.startswith("images/")]


def test_two_stories_share_one_copy_found_from_the_site_root(make_site: MakeSite) -> None:
    site = make_site(
        {
            "a.md": story(title="One", body="![x](shared/a.png)"),
            "b.md": story(title="Two", body='<img src="shared/a.png" alt="y">'),
        },
        files={"shared/a.png": png_with_metadata()},
    )
    result = run_build(site)
    assert result.exit_code == 0, result.output
    images = [p for p in read_tree(site / "output") if p.startswith("images/")]
    assert len(images) == len(FORMATS) + 1
    fallback = next(p for p in images if p.endswith(".png"))
    for slug in ("one", "two"):
        page = (site / f"output/stories/{slug}/index.html").read_text()
        assert f'src="../../{fallback}"' in page


def test_reference_style_images_are_rewritten(make_site: MakeSite) -> None:
    body = "![the hall][hall]\n\n[hall]: photos/jane-doe.png\n"
    site = make_site(
        {"a.md": story(body=body, extra=PEOPLE)},
        files={"stories/photos/jane-doe.png": png_with_metadata()},
    )
    result = run_build(site)
    assert result.exit_code == 0, result.output
    page = (site / "output/stories/a-story/index.html").read_text()
    assert re.search(r'src="\.\./\.\./images/[0-9a-f]{20}-10\.png"', page)
    assert "jane" not in page.lower()


# --- derivatives: widths, orientation, transparency, no upscaling, the cache ---------


def photo_with_orientation(width: int, height: int) -> bytes:
    """A phone photo as stored: landscape pixels with EXIF orientation 6 (turn it a
    quarter clockwise to view it), a GPS position, the camera and an ICC profile. The
    stored top-left corner is red and the stored top-right corner blue."""
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    corner = (width // 8, height // 8)
    image.paste((255, 0, 0), (0, 0, *corner))
    image.paste((0, 0, 255), (width - corner[0], 0, width, corner[1]))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 degrees clockwise to display
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x013B] = "Jane Doe"  # Artist
    exif[0x8825] = {1: "N", 2: (53.0, 28.0, 1.5), 3: "W", 4: (2.0, 14.0, 3.0)}  # GPS
    icc = b"\x00\x00\x02\x00fake ICC profile of Jane Doe" + b"\x00" * 100
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, exif=exif.tobytes(), icc_profile=icc)
    data = buffer.getvalue()
    assert b"GPS" in data or b"\x88\x25" in data or b"%\x88" in data
    return data


def built_images(make_site: MakeSite, files: dict[str, bytes], extra: str, body: str = "") -> Path:
    site = make_site({"a.md": story(body=body or "Words.", extra=extra)}, files=files)
    result = run_build(site)
    assert result.exit_code == 0, result.output
    return site


def image_files(site: Path) -> dict[str, bytes]:
    tree = read_tree(site / "output")
    return {path: data for path, data in tree.items() if path.startswith("images/")}


def test_a_phone_photo_is_turned_upright_and_made_at_every_width_without_metadata(
    make_site: MakeSite,
) -> None:
    extra = PEOPLE + "image:\n  src: photo.jpg\n  alt: The garden\n"
    site = built_images(make_site, {"stories/photo.jpg": photo_with_orientation(2400, 1800)}, extra)
    images = image_files(site)
    widths = sorted({int(re.findall(r"-(\d+)\.", p)[0]) for p in images})
    assert widths == [480, 800, 1200, 1600]
    assert len(images) == 4 * (len(FORMATS) + 1)
    for path, data in images.items():
        assert metadata_in(data) == [], path
        assert b"PhoneMaker" not in data and SECRET not in data
        with Image.open(io.BytesIO(data)) as image:
            width = int(re.findall(r"-(\d+)\.", path)[0])
            # Upright: portrait now, 1800 x 2400 scaled to the width.
            assert image.size == (width, int(width * 2400 / 1800 + 0.5)), path
            rgb = image.convert("RGB")
            # A quarter turn clockwise: stored top-left goes top-right, top-right
            # goes bottom-right.
            red = rgb.getpixel((image.width - 3, 3))
            blue = rgb.getpixel((image.width - 3, image.height - 3))
            assert red[0] > 180 and red[2] < 80, (path, red)
            assert blue[2] > 180 and blue[0] < 80, (path, blue)
    page = (site / "output/stories/a-story/index.html").read_text()
    fallback = sorted(p for p in images if p.endswith(".jpg"))
    assert f'src="../../{next(p for p in fallback if p.endswith("-800.jpg"))}"' in page
    assert 'width="800" height="1067"' in page
    assert (
        'srcset="'
        + ", ".join(
            f"../../{p} {w}w"
            for w in (480, 800, 1200, 1600)
            for p in fallback
            if p.endswith(f"-{w}.jpg")
        )
        + '"'
        in page
    )
    for kind in FORMATS:
        assert f'<source type="image/{kind}" srcset="../../images/' in page


def test_a_png_with_transparency_keeps_it_in_every_format(make_site: MakeSite) -> None:
    image = Image.new("RGBA", (900, 300), (0, 0, 0, 0))
    image.paste((11, 94, 107, 255), (300, 0, 600, 300))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    site = built_images(
        make_site, {"stories/logo.png": buffer.getvalue()}, "", body="![The logo](logo.png)"
    )
    images = image_files(site)
    assert sorted(int(re.findall(r"-(\d+)\.", p)[0]) for p in images if p.endswith(".png")) == [
        480,
        800,
        900,
    ]
    assert not [p for p in images if p.endswith(".jpg")]  # never flattened onto a colour
    for path, data in images.items():
        assert metadata_in(data) == [], path
        with Image.open(io.BytesIO(data)) as opened:
            rgba = opened.convert("RGBA")
            assert rgba.getpixel((2, 2))[3] == 0, path  # still see-through
            assert rgba.getpixel((rgba.width // 2, 2))[3] == 255, path
    page = (site / "output/stories/a-story/index.html").read_text()
    assert 'loading="lazy" decoding="async"' in page  # a picture in the text waits


def test_a_tiny_image_is_never_made_larger(make_site: MakeSite) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), (200, 120, 0)).save(buffer, "JPEG")
    extra = "image:\n  src: tiny.jpg\n  alt: A small badge\n"
    site = built_images(make_site, {"stories/tiny.jpg": buffer.getvalue()}, extra)
    images = image_files(site)
    assert {re.sub(r"^images/[0-9a-f]{20}", "", p) for p in images} == {
        f"-120.{kind}" for kind in [*FORMATS, "jpg"]
    }
    for data in images.values():
        with Image.open(io.BytesIO(data)) as image:
            assert image.size == (120, 80)
    page = (site / "output/stories/a-story/index.html").read_text()
    figure = page[page.index('<figure class="story-image">') : page.index("</figure>")]
    assert 'width="120" height="80"' in figure
    assert 'fetchpriority="high" decoding="async"' in figure and "lazy" not in figure


def test_derivatives_are_cached_by_content_and_made_again_when_the_cache_is_damaged(
    make_site: MakeSite,
) -> None:
    extra = "image:\n  src: photo.jpg\n  alt: The garden\n"
    site = built_images(make_site, {"stories/photo.jpg": photo_with_orientation(1000, 750)}, extra)
    first = image_files(site)
    entries = list((site / ".storysite-cache/images").iterdir())
    assert len(entries) == 1
    entry = entries[0]
    before = entry.stat()
    # Renamed, same bytes: the same entry, used as it is.
    (site / "stories/photo.jpg").rename(site / "stories/renamed.jpg")
    story_file = site / "stories/a.md"
    story_file.write_text(story_file.read_text().replace("photo.jpg", "renamed.jpg"))
    assert run_build(site).exit_code == 0
    assert image_files(site) == first
    assert entry.stat().st_mtime_ns == before.st_mtime_ns and entry.stat().st_ino == before.st_ino
    # A damaged entry is never trusted: the pictures are made again, the same.
    data = bytearray(entry.read_bytes())
    data[-10] ^= 0xFF
    entry.write_bytes(bytes(data))
    # (a build with nothing new writes nothing and reads no picture: change the story)
    story_file.write_text(story_file.read_text() + "\n")
    assert run_build(site).exit_code == 0
    assert image_files(site) == first
    assert entry.read_bytes() != bytes(data)
    # A picture no story shows any more leaves the cache.
    story_file.write_text(story(body="No picture now."))
    assert run_build(site).exit_code == 0
    assert list((site / ".storysite-cache/images").iterdir()) == []
    assert image_files(site) == {}


def test_a_picture_changed_after_it_was_cached_is_read_again(make_site: MakeSite) -> None:
    """The cache is keyed by the file's bytes, not its name: a picture that is no
    longer a picture is an error on the next check, however fresh the cache is."""
    extra = "image:\n  src: photo.jpg\n  alt: The garden\n"
    site = make_site(
        {"a.md": story(extra=extra)}, files={"stories/photo.jpg": photo_with_orientation(900, 600)}
    )
    done = CliRunner().invoke(main, ["check", "--site", str(site), "--today", TODAY])
    assert done.exit_code == 0, done.output
    assert len(list((site / ".storysite-cache/images").iterdir())) == 1
    (site / "stories/photo.jpg").write_bytes(b"not a picture any more")
    done = CliRunner().invoke(main, ["check", "--site", str(site), "--today", TODAY])
    assert done.exit_code == 1
    assert "stories/a.md:7: the image 'photo.jpg' cannot be read as a picture" in done.output


def test_a_review_pack_reads_the_cache_but_never_writes_it(make_site: MakeSite) -> None:
    extra = "image:\n  src: photo.jpg\n  alt: The garden\n"
    site = make_site(
        {"a.md": story(extra=extra)}, files={"stories/photo.jpg": photo_with_orientation(900, 600)}
    )
    args = ["review", "stories/a.md", "--site", str(site), "--today", TODAY]
    done = CliRunner().invoke(main, args)
    assert done.exit_code == 0, done.output
    assert not (site / ".storysite-cache/images").exists()


def red_blue_swapped_profile() -> bytes:
    """A real ICC profile: sRGB with its red and blue primaries swapped, so a picture
    that says "pure red" in it means sRGB's pure blue."""
    from PIL import ImageCms

    profile = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    count = int.from_bytes(profile[128:132], "big")
    where = {bytes(profile[132 + 12 * i : 136 + 12 * i]): 132 + 12 * i for i in range(count)}
    red, blue = where[b"rXYZ"], where[b"bXYZ"]
    profile[red + 4 : red + 12], profile[blue + 4 : blue + 12] = (
        profile[blue + 4 : blue + 12],
        profile[red + 4 : red + 12],
    )
    return bytes(profile)


def test_colours_are_converted_from_the_pictures_profile_before_it_is_dropped(
    make_site: MakeSite,
) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 400), (255, 0, 0)).save(
        buffer, "JPEG", quality=95, icc_profile=red_blue_swapped_profile()
    )
    extra = "image:\n  src: swapped.jpg\n  alt: A square of colour\n"
    site = built_images(make_site, {"stories/swapped.jpg": buffer.getvalue()}, extra)
    images = image_files(site)
    assert len(images) == 2 * (len(FORMATS) + 1)  # 480 and 600
    for path, data in images.items():
        assert metadata_in(data) == [], path
        with Image.open(io.BytesIO(data)) as image:
            red, green, blue = image.convert("RGB").getpixel((10, 10))  # type: ignore[misc]
            assert blue > 200 and red < 60 and green < 60, (path, red, green, blue)
