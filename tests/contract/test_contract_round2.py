"""Rules of STORY-FORMAT.md that no other test checked (second pass), each in a real build.

Privacy and consent first, then errors and their exit codes, then what the output shows.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from sitekit import BASIC_CONFIG, MakeSite, read_tree, run_build, run_subprocess, story, write_files

PUBLISHED = "consent:\n  publish: true\n  date: 2020-01-01\n"
REGISTER = BASIC_CONFIG + '[[anonymise.people]]\nname = "Quill Marsh"\nnamed = false\n'


def traces(output: Path, needle: str) -> list[str]:
    """Output paths and files that show ``needle`` in any case, with any run of spaces,
    '-', '_', '.' or '@' between its parts, as written or after undoing entities and
    %-encoding."""
    parts = [re.escape(p) for p in re.split(r"[\s._@-]+", needle)]
    pattern = re.compile(r"(?<![^\W_])" + r"[\s._@-]+".join(parts) + r"(?![^\W_])", re.I)
    found = []
    for name, data in read_tree(output).items():
        text = data.decode("utf-8", "replace")
        if any(pattern.search(t) for t in (name, text, unquote(html.unescape(text)))):
            found.append(name)
    return found


def story_page(output: Path, slug: str = "a-story") -> str:
    return (output / "stories" / slug / "index.html").read_text(encoding="utf-8")


def assert_error_keeps_old_site(make_site: MakeSite, bad: dict[str, str | bytes]) -> str:
    """Build a good site, add ``bad`` files, build again: exit 1, old output untouched."""
    site = make_site({"good.md": story(title="Good story")})
    assert run_build(site).exit_code == 0
    before = read_tree(site / "output")
    write_files(site, bad)
    result = run_build(site)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert read_tree(site / "output") == before
    return result.output


# ---- section 2: named: false in the register wins over named: true in a story


def test_the_register_keeps_a_person_private_even_when_a_story_names_them(
    make_site: MakeSite,
) -> None:
    extra = "people:\n  - name: Quill Marsh\n    named: true\n"
    site = make_site({"a.md": story(body="Quill Marsh came. Marsh left.", extra=extra)}, REGISTER)
    result = run_build(site)
    assert result.exit_code == 0, result.output
    assert "Published 1 story" in result.output
    assert traces(site / "output", "Quill") == []
    assert traces(site / "output", "Marsh") == []


def test_an_author_the_register_keeps_private_is_an_error(make_site: MakeSite) -> None:
    extra = "authors: [Quill Marsh]\npeople:\n  - name: Quill Marsh\n    named: true\n"
    site = make_site({"a.md": story(body="Hello.", extra=extra)}, REGISTER)
    result = run_build(site)
    assert result.exit_code == 1, result.output
    assert re.search(r"stories/a\.md:\d+: author 'Quill Marsh'", result.output), result.output
    assert "kept private by the site register" in result.output
    assert not (site / "output").exists()


# ---- section 2: shown_as defaults to the site placeholder; identifiers whoever's they are


def test_a_story_person_without_shown_as_gets_the_site_placeholder(make_site: MakeSite) -> None:
    config = BASIC_CONFIG + '[anonymise]\nplaceholder = "a group member"\n'
    extra = "people:\n  - name: Quill Marsh\n"
    site = make_site({"a.md": story(body="Quill Marsh came. We met Quill.", extra=extra)}, config)
    assert run_build(site).exit_code == 0
    page = story_page(site / "output")
    assert "A group member came. We met a group member." in page
    assert "[name removed]" not in page.lower()


def test_identifiers_in_link_targets_the_slug_and_tag_paths_are_replaced(
    make_site: MakeSite,
) -> None:
    body = (
        "Write [to me](mailto:quill.marsh@example.org), [ring](tel:07700900123) or see "
        "[this](https://example.org/?who=quill.marsh%40example.org&pc=SW1A1AA)."
    )
    extra = "tags: [SW1A 1AA, quill.marsh@example.org]\n"
    site = make_site({"a.md": story(title="Call 07700 900123 now", body=body, extra=extra)})
    result = run_build(site)
    assert result.exit_code == 0, result.output
    out = site / "output"
    for needle in ("quill marsh", "07700", "900123", "SW1A", "SW1A1AA"):
        assert traces(out, needle) == [], needle


def test_a_named_persons_phone_and_email_are_still_replaced(make_site: MakeSite) -> None:
    extra = "people:\n  - name: Sam Rivera\n    named: true\n"
    body = "Sam Rivera is on 07700 900456 and sam.rivera@example.org."
    site = make_site({"a.md": story(body=body, extra=extra)})
    assert run_build(site).exit_code == 0
    page = story_page(site / "output")
    assert "Sam Rivera is on" in page
    assert traces(site / "output", "900456") == []
    assert traces(site / "output", "sam.rivera@example.org") == []


# ---- section 1: the build report says which rule held a story


@pytest.mark.parametrize(
    ("consent", "extra", "rule"),
    [
        (PUBLISHED, "draft: true\n", r"draft"),
        ("", "", r"consent to publish is not recorded"),
        ("consent:\n  publish: false\n  date: 2020-01-01\n", "", r"consent to publish"),
        ("consent:\n  publish: true\n", "", r"the day consent was given is missing"),
        ("consent:\n  publish: true\n  date: 2026-11-28\n", "", r"consent is dated 2026-11-28"),
        (PUBLISHED + "  expires: 2026-11-27\n", "", r"consent expired on 2026-11-27"),
    ],
)
def test_the_report_names_the_rule_that_held_the_story(
    make_site: MakeSite, consent: str, extra: str, rule: str
) -> None:
    site = make_site({"a.md": story(title="Heldmarker", consent=consent, extra=extra)})
    result = run_build(site)
    assert result.exit_code == 0, result.output
    assert re.search(rf"stories/a\.md: held — [^\n]*{rule}", result.output), result.output
    assert traces(site / "output", "heldmarker") == []


# ---- section 1: a consent value that cannot be read is an error, never a publish


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("expires: soon", "consent.expires"),
        ("expires: 2030-13-01", "consent.expires"),
        ("expires: true", "consent.expires"),
        ("withdrawn: 'no'", "consent.withdrawn"),
        ("withdrawn: 'false'", "consent.withdrawn"),
        ("withdrawn: 0", "consent.withdrawn"),
        ("withdrawn: ''", "consent.withdrawn"),
        ("withdrawn: []", "consent.withdrawn"),
    ],
)
def test_an_unreadable_consent_value_is_an_error(
    make_site: MakeSite, line: str, field: str
) -> None:
    bad = story(title="Unsure consent", consent=f"{PUBLISHED}  {line}\n")
    output = assert_error_keeps_old_site(make_site, {"stories/bad.md": bad})
    # title, date, consent, publish, date: the value is on line 7
    assert re.search(rf"stories/bad\.md:7: '{re.escape(field)}'", output), output


def test_an_unreadable_consent_date_is_an_error(make_site: MakeSite) -> None:
    bad = story(title="Unsure consent", consent="consent:\n  publish: true\n  date: yesterday\n")
    output = assert_error_keeps_old_site(make_site, {"stories/bad.md": bad})
    assert re.search(r"stories/bad\.md:6: 'consent\.date'", output), output


# ---- section 1: a field of the wrong type is an error, with its line


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ("summary: [one, two]\n", "summary"),
        ("summary: 5\n", "summary"),
        ("image: images/pic.jpg\n", "image"),
        ("authors: Sam Rivera\npeople:\n  - name: Sam Rivera\n    named: true\n", "authors"),
        ("people: [Sam Rivera]\n", "people"),
        ("people:\n  - name: Quill Marsh\n    aliases: Quilly\n", "aliases"),
        ("people:\n  - name: Quill Marsh\n    shown_as: [a, b]\n", "shown_as"),
    ],
)
def test_a_field_of_the_wrong_type_is_an_error(make_site: MakeSite, extra: str, field: str) -> None:
    bad = story(title="Wrong type", extra=extra)
    output = assert_error_keeps_old_site(make_site, {"stories/bad.md": bad})
    assert re.search(rf"stories/bad\.md:\d+: [^\n]*{field}", output), output


# ---- section 1 and 3: a site file that is not UTF-8 is an error; so is a register of the
# wrong shape (a register that is silently ignored would publish every name in it)


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ('[site]\ntitle = "Caf\xe9"\n'.encode("latin-1"), r"storysite\.toml(:\d+)?: .*UTF-8"),
        ('[site]\ntitle = "T"\n[anonymise]\npeople = "Quill Marsh"\n', r"storysite\.toml:4: "),
        ('[site]\ntitle = "T"\n[[anonymise.people]]\nnamed = false\n', r"storysite\.toml:3: "),
        (
            '[site]\ntitle = "T"\n[[anonymise.people]]\nname = "Quill Marsh"\naliases = "Q"\n',
            r"storysite\.toml:3: ",
        ),
        ('[site]\ntitle = "T"\n[anonymise]\nallow = "Devon"\n', r"storysite\.toml:4: "),
        ('[site]\ntitle = "T"\nbase_url = 5\n', r"storysite\.toml:3: "),
    ],
)
def test_a_bad_site_file_is_an_error(
    make_site: MakeSite, config: str | bytes, expected: str
) -> None:
    output = assert_error_keeps_old_site(make_site, {"storysite.toml": config})
    assert re.search(expected, output), output


@pytest.mark.parametrize("action", ["javascript:alert(1)", "data:text/html,x", "//other.example/f"])
def test_a_form_action_that_is_not_a_path_or_web_address_is_an_error(
    make_site: MakeSite, action: str
) -> None:
    config = f'[site]\ntitle = "T"\n[feedback]\naction = "{action}"\n'
    site = make_site({"a.md": story()}, config=config)
    done = run_subprocess("build", "--site", str(site))
    assert done.returncode == 1
    assert "storysite.toml:4: [feedback] action must be a path" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (site / "output").exists()
