"""review --output DIR: the pack, an HTML pack that prints on A4, and every picture
exactly as the build publishes it; awkward replacements; never a made-up address."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from PIL import Image
from sitekit import TODAY, MakeSite, read_tree, run_build, story

from storysite.cli import main

PEOPLE = """\
people:
  - name: Ola Brennan
    named: false
    shown_as: a care coordinator
  - name: Callum Reid
    named: false
    shown_as: another service user
"""
BODY = """\
On Monday my care coordinator, Ola Brennan, said we could try.

My friend Callum Reid came too. Callum laughed.

![The garden we planted](garden.png)
"""
IMAGE = "image:\n  src: images/top.jpg\n  alt: Ola Brennan in the garden\n"


def picture(kind: str, colour: tuple[int, int, int]) -> bytes:
    """A picture with metadata the build removes (so 'as published' is not the source)."""
    buffer = io.BytesIO()
    image = Image.new("RGB", (12, 9), colour)
    exif = Image.Exif()
    exif[0x010E] = "Ola Brennan at home"
    image.save(buffer, kind, exif=exif)
    return buffer.getvalue()


@pytest.fixture
def site(make_site: MakeSite) -> Path:
    return make_site(
        {"a.md": story(title="The ward round", body=BODY, extra=PEOPLE + IMAGE)},
        files={
            "stories/garden.png": picture("PNG", (10, 140, 40)),
            "images/top.jpg": picture("JPEG", (200, 120, 40)),
        },
    )


def review(site: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["review", "a", "--site", str(site), "--today", TODAY, *args])


class Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sources: list[str] = []
        self.alts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.sources.append(dict(attrs)["src"] or "")
            self.alts.append(dict(attrs)["alt"] or "")


def test_the_folder_holds_the_pack_its_html_and_the_pictures_as_published(
    site: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "pack"
    result = review(site, "--output", str(folder))
    assert result.exit_code == 0, result.output
    assert run_build(site).exit_code == 0
    published = {k: v for k, v in read_tree(site / "output").items() if k.startswith("images/")}
    written = read_tree(folder)
    assert len(published) == 6  # two pictures, each as AVIF, WebP and JPEG (small: one width)
    assert {k: v for k, v in written.items() if k.startswith("images/")} == published
    assert sorted(written) == sorted([*published, "review-pack.html", "review-pack.md"])

    pack = written["review-pack.md"].decode()
    assert pack == review(site).output.replace(
        "\n## 3.", "\n\nThe pictures, exactly as the website will show them, are in the images "
        "folder beside this pack:\n" + "".join(f"- {p}\n" for p in sorted(published)) + "\n## 3."
    ).replace("\n\n\n", "\n\n")  # fmt: skip

    page = written["review-pack.html"].decode()
    parser = Images()
    parser.feed(page)
    fallbacks = [p for p in published if p.endswith((".jpg", ".png"))]
    assert sorted(parser.sources) == sorted(fallbacks)  # each shows from the folder
    assert all((folder / src).is_file() for src in parser.sources)
    assert "@page { size: A4;" in page
    assert '<ol class="questions">' in page
    assert "Brennan" not in page and "Callum" not in page and "Ola" not in page
    assert "A care coordinator in the garden" in parser.alts


def test_the_html_pack_escapes_what_the_storyteller_wrote(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site(
        {"a.md": story(title="Fish <script>alert(1)</script> & chips", extra="summary: 1 < 2\n")}
    )
    assert review(site, "--output", str(tmp_path / "p")).exit_code == 0
    page = (tmp_path / "p/review-pack.html").read_text()
    assert "<script>" not in page
    assert "<h1>Fish &lt;script&gt;alert(1)&lt;/script&gt; &amp; chips</h1>" in page
    assert "<em>1 &lt; 2</em>" in page


def test_a_folder_of_other_files_is_never_written_into(site: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    result = review(site, "--output", str(folder))
    assert result.exit_code == 1
    assert "already holds other files (notes.txt)" in result.output
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


def test_a_new_pack_replaces_the_old_pictures(site: Path, tmp_path: Path) -> None:
    folder = tmp_path / "pack"
    assert review(site, "--output", str(folder)).exit_code == 0
    (site / "stories/a.md").write_text(story(title="The ward round", body="No pictures now."))
    assert review(site, "--output", str(folder)).exit_code == 0
    assert sorted(read_tree(folder)) == ["review-pack.html", "review-pack.md"]


def test_a_pack_to_a_markdown_file_is_the_pack_alone(site: Path, tmp_path: Path) -> None:
    target = tmp_path / "pack.md"
    assert review(site, "-o", str(target)).exit_code == 0
    assert target.read_text() == review(site).output
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "site0") == ["pack.md"]


def test_awkward_replacements_are_warnings_in_check_and_the_pack(site: Path) -> None:
    checked = CliRunner().invoke(main, ["check", "--site", str(site), "--today", TODAY])
    assert checked.exit_code == 0, checked.output  # a warning, not a hold
    warnings = [line for line in checked.output.splitlines() if "awkwardly" in line]
    assert warnings == [
        "warning: stories/a.md:18: 'my care coordinator, a care coordinator' may read "
        "awkwardly now that the name is replaced — reword the sentence in the story, or give "
        "that person a shown_as that reads well there (the storyteller and readers will see "
        "it as it is)",
        "warning: stories/a.md:20: 'My friend another service user' may read awkwardly now "
        "that the name is replaced — reword the sentence in the story, or give that person a "
        "shown_as that reads well there (the storyteller and readers will see it as it is)",
    ]
    pack = review(site).output
    assert "- 'my care coordinator, a care coordinator' (line 18 of the story file)" in pack
    assert "- 'My friend another service user' (line 20 of the story file)" in pack
    assert "Callum" not in checked.output + pack


def test_a_replacement_that_reads_well_is_no_warning(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(body="My friend came. Ola Brennan said hello.", extra=PEOPLE)})
    checked = CliRunner().invoke(main, ["check", "--site", str(site), "--today", TODAY])
    assert "awkwardly" not in checked.output


@pytest.mark.parametrize(
    ("base_url", "shown"),
    [
        ("https://stories.example.org/", False),
        ("https://example.com/east/", False),
        ("http://site.test/", False),
        ("https://stories.riverside-nhs.uk/", True),
    ],
)
def test_the_pack_never_shows_a_made_up_address(
    make_site: MakeSite, base_url: str, shown: bool
) -> None:
    site = make_site(
        {"a.md": story(title="Low tide")}, config=f'[site]\ntitle = "T"\nbase_url = "{base_url}"\n'
    )
    pack = " ".join(review(site).output.split())
    assert (f"It will be at this address: {base_url}stories/low-tide/" in pack) is shown
    unset = (
        "It will be at stories/low-tide/ on the website (the website's own address is not set yet)."
    )
    assert (unset in pack) is not shown
    assert re.search(r"example\.|\.test/", pack) is None
