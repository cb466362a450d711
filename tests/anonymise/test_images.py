"""Images: copied without metadata, under a name that carries no name, or an error."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin
from sitekit import MakeSite, all_text, read_tree, run_build, story

PEOPLE = "people:\n  - name: Jane Doe\n    named: false\n"
SECRET = b"Jane Doe"


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
    assert len(images) == 2, sorted(tree)
    for path, data in images.items():
        assert re.fullmatch(r"images/[0-9a-f]{20}\.(jpg|png)", path)
        assert SECRET not in data and b"Jane" not in data and b"Acacia" not in data
        with Image.open(io.BytesIO(data)) as image:
            assert not image.getexif()
            assert not {"exif", "xmp", "comment", "Author", "Description", "icc_profile"} & set(
                image.info
            )
    page = tree["stories/a-story/index.html"].decode()
    assert "jane" not in page.lower()
    sources = re.findall(r'<img[^>]*src="([^"]+)"', page)
    assert len(sources) == 3  # the front-matter figure and two in the body
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
    assert len(images) == 1
    for slug in ("one", "two"):
        page = (site / f"output/stories/{slug}/index.html").read_text()
        assert f'src="../../{images[0]}"' in page


def test_reference_style_images_are_rewritten(make_site: MakeSite) -> None:
    body = "![the hall][hall]\n\n[hall]: photos/jane-doe.png\n"
    site = make_site(
        {"a.md": story(body=body, extra=PEOPLE)},
        files={"stories/photos/jane-doe.png": png_with_metadata()},
    )
    result = run_build(site)
    assert result.exit_code == 0, result.output
    page = (site / "output/stories/a-story/index.html").read_text()
    assert re.search(r'src="\.\./\.\./images/[0-9a-f]{20}\.png"', page)
    assert "jane" not in page.lower()
