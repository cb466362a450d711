"""Identifiers, consent, bad input and hostile input, written from the contract alone."""

from __future__ import annotations

import re

import pytest
from advkit import people, png, story_body, story_pages, traces
from click.testing import CliRunner
from sitekit import TODAY, MakeSite, read_tree, run_build, story

from storysite.cli import main

IDENTIFIERS = [
    "jane.q@example.org",
    "JANE@EXAMPLE.CO.UK",
    "jane&#64;example.org",
    "+44 (0)20 7946 0958",
    "0044 7700 900123",
    "07700900123",
    "020-7946-0958",
    "+447700900123",
    "07700.900.123",
    "943 476 5919",
    "9434765919",
    "943 476 5918",
    "SW1A 1AA",
    "sw1a1aa",
    "EC1A 1BB",
    "M1 1AE",
    "B33 8TH",
    "CR2 6XH",
    "DN55 1PT",
]


@pytest.mark.parametrize("value", IDENTIFIERS)
def test_identifiers_are_replaced_in_body_summary_and_tags(make_site: MakeSite, value: str) -> None:
    quoted = value.replace('"', "")
    extra = f'summary: "Reach {quoted}"\ntags: ["{quoted}"]\n'
    site = make_site({"a.md": story(body=f"Reach them at {value} please.", extra=extra)})
    assert run_build(site).exit_code == 0
    out = site / "output"
    assert story_pages(out) == ["a-story"]
    text = "\n".join(b.decode("utf-8", "replace") for b in read_tree(out).values())
    digits = re.sub(r"\D", "", value)
    if len(digits) >= 10:
        assert digits[-7:] not in re.sub(r"\D", "", text)
    elif "@" in value or "&#64;" in value:
        assert traces(out, value.split("@")[0].split("&")[0]) == []
    else:
        assert traces(out, value) == []


@pytest.mark.parametrize(
    "phrase",
    [
        "born on 12/03/1984",
        "born 12 March 1984",
        "DOB: 1984-03-12",
        "birthday is 12th March 1984",
        "D.O.B. 12/03/84",
        "born on March 12, 1984",
    ],
)
def test_dates_of_birth_are_replaced(make_site: MakeSite, phrase: str) -> None:
    site = make_site({"a.md": story(body=f"She was {phrase}, she says.")})
    assert run_build(site).exit_code == 0
    body = story_body(site / "output", "a-story")
    assert "1984" not in body and "/84" not in body


def _consent(*lines: str) -> str:
    return "consent:\n" + "".join(f"  {line}\n" for line in lines)


CONSENT = {
    "boolean-true": (_consent("publish: true", "date: 2020-01-01"), "", True),
    "True": (_consent("publish: True", "date: 2020-01-01"), "", True),
    "yes": (_consent("publish: yes", "date: 2020-01-01"), "", False),
    "string-true": (_consent('publish: "true"', "date: 2020-01-01"), "", False),
    "one": (_consent("publish: 1", "date: 2020-01-01"), "", False),
    "missing-publish": (_consent("date: 2020-01-01"), "", False),
    "consent-date-today": (_consent("publish: true", f"date: {TODAY}"), "", True),
    "consent-date-tomorrow": (_consent("publish: true", "date: 2026-11-28"), "", False),
    "no-consent-date": (_consent("publish: true"), "", False),
    "expires-today": (
        _consent("publish: true", "date: 2020-01-01", f"expires: {TODAY}"),
        "",
        False,
    ),
    "expires-tomorrow": (
        _consent("publish: true", "date: 2020-01-01", "expires: 2026-11-28"),
        "",
        True,
    ),
    "withdrawn-false": (
        _consent("publish: true", "date: 2020-01-01", "withdrawn: false"),
        "",
        True,
    ),
    "withdrawn-null": (_consent("publish: true", "date: 2020-01-01", "withdrawn: null"), "", True),
    "withdrawn-true": (_consent("publish: true", "date: 2020-01-01", "withdrawn: true"), "", False),
    "withdrawn-past": (
        _consent("publish: true", "date: 2020-01-01", "withdrawn: 2021-01-01"),
        "",
        False,
    ),
    "withdrawn-today": (
        _consent("publish: true", "date: 2020-01-01", f"withdrawn: {TODAY}"),
        "",
        False,
    ),
    "withdrawn-future": (
        _consent("publish: true", "date: 2020-01-01", "withdrawn: 2030-01-01"),
        "",
        False,
    ),
    "draft": (_consent("publish: true", "date: 2020-01-01"), "draft: true\n", False),
    "no-consent": ("", "", False),
    "consent-empty": ("consent:\n", "", False),
}


@pytest.mark.parametrize("case", sorted(CONSENT))
def test_consent_rules(make_site: MakeSite, case: str) -> None:
    consent, extra, published = CONSENT[case]
    site = make_site({"a.md": story(title="Consent check", consent=consent, extra=extra)})
    result = run_build(site)
    assert result.exit_code == 0, result.output
    assert story_pages(site / "output") == (["consent-check"] if published else [])
    if not published:
        assert "stories/a.md: held" in result.output


@pytest.mark.parametrize(("date", "published"), [(TODAY, True), ("2026-11-28", False)])
def test_story_date_against_today(make_site: MakeSite, date: str, published: bool) -> None:
    site = make_site({"a.md": story(title="Dated", date=date)})
    assert run_build(site).exit_code == 0
    assert story_pages(site / "output") == (["dated"] if published else [])


def test_a_held_story_leaves_no_trace(make_site: MakeSite) -> None:
    held = story(
        title="Zanzibar Quokka",
        body="Zanzibar uniqueword",
        extra="slug: quokka-slug\ntags: [quokkatag]\nsummary: quokkasummary\n"
        "image: {src: images/quokkapic.png, alt: quokkaalt}\n",
        consent=_consent("publish: true", "date: 2020-01-01", "withdrawn: true"),
    )
    site = make_site(
        {"h.md": held, "ok.md": story(title="Fine")}, files={"stories/images/quokkapic.png": png()}
    )
    assert run_build(site).exit_code == 0
    out = site / "output"
    for needle in ("zanzibar", "quokka", "quokkaslug", "quokkatag", "uniqueword"):
        assert traces(out, needle) == []
    assert not list(out.glob("images/*"))


BAD = {
    "unreadable": "---\ntitle: [unclosed\ndate: 2020-01-01\n---\nx",
    "no-front-matter": "Just text.\n",
    "missing-title": "---\ndate: 2020-01-01\n---\nx",
    "empty-title": '---\ntitle: ""\ndate: 2020-01-01\n---\nx',
    "bad-date": "---\ntitle: A\ndate: 2020-02-30\n---\nx",
    "date-format": "---\ntitle: A\ndate: 18/05/2018\n---\nx",
    "bad-slug": "---\ntitle: A\ndate: 2020-01-01\nslug: ../../x\n---\nx",
    "slug-upper": "---\ntitle: A\ndate: 2020-01-01\nslug: Hello\n---\nx",
    "tags-text": "---\ntitle: A\ndate: 2020-01-01\ntags: recovery\n---\nx",
    "draft-text": "---\ntitle: A\ndate: 2020-01-01\ndraft: maybe\n---\nx",
    "people-text": "---\ntitle: A\ndate: 2020-01-01\npeople: Sam\n---\nx",
    "author-unknown": "---\ntitle: A\ndate: 2020-01-01\nauthors: [Sam Rivera]\n---\nx",
    "author-not-named": "---\ntitle: A\ndate: 2020-01-01\nauthors: [Sam Rivera]\n"
    + people("Sam Rivera")
    + "---\nx",
    "python-tag": "---\ntitle: !!python/object/apply:os.system ['echo hi']\n"
    "date: 2020-01-01\n---\nx",
    "not-utf8": "---\ntitle: Caf\xe9\ndate: 2020-01-01\n---\nx".encode("latin-1"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_errors_stop_the_build_and_keep_the_old_site(make_site: MakeSite, case: str) -> None:
    site = make_site({"good.md": story(title="Good")})
    assert run_build(site).exit_code == 0
    before = read_tree(site / "output")
    content = BAD[case]
    path = site / "stories" / "bad.md"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    result = run_build(site)
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert re.match(r"stories/bad\.md(:\d+)?: \S", result.output)
    assert read_tree(site / "output") == before


@pytest.mark.parametrize(
    "config",
    [
        '[site]\ntitle = "T"\ncolour = "blue"\n',
        '[site]\ntitle = "T"\n[extra]\nx = 1\n',
        '[site]\ntitle = "T"\n[anonymise]\nplaceholdr = "x"\n',
        '[site]\nbase_url = "https://x.org/"\n',
        "[site\n",
    ],
)
def test_site_file_errors(make_site: MakeSite, config: str) -> None:
    site = make_site({"good.md": story(title="Good")})
    assert run_build(site).exit_code == 0
    before = read_tree(site / "output")
    (site / "storysite.toml").write_text(config, encoding="utf-8")
    result = run_build(site)
    assert result.exit_code == 1
    assert re.match(r"storysite\.toml(:\d+)?: \S", result.output)
    assert read_tree(site / "output") == before


@pytest.mark.parametrize(
    "args", [["build", "--bogus"], ["build", "--today", "2026-13-01"], ["build", "x", "y"]]
)
def test_wrong_usage_exits_2(args: list[str]) -> None:
    assert CliRunner().invoke(main, args).exit_code == 2


HOSTILE = [
    "<script>alert(1)</script>hi",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<style>body{background:url(//evil.example/x)}</style>",
    '<p style="background:url(https://evil.example/x.png)">x</p>',
    '<iframe src="https://evil.example"></iframe>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<svg onload="alert(1)"><circle/></svg>',
    '<a href="#" onclick="alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    '<a href="jav&#x61;script:alert(1)">x</a>',
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "[x](vbscript:msgbox)",
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<form action="https://evil.example"><input name=q></form>',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<video src="https://evil.example/v.mp4"></video>',
    "]]></content><entry><title>pwn</title>",
]
BAD_MARKUP = re.compile(
    # The theme's own scripts: search.js, and the share card's JSON-LD data block.
    r"<script(?![^>]*assets/search\.js)(?! type=\"application/ld\+json\">\{\"@context\")|"
    r"\son[a-z]+\s*=|javascript:alert|vbscript:|data:text|"
    r"<iframe|<object|<embed|<base\s|http-equiv=\"?refresh|evil\.example|<svg[^>]*onload|"
    r"<style|<video|<form[^>]*evil",
    re.I,
)


@pytest.mark.parametrize("body", HOSTILE)
def test_hostile_markup_is_neutralised(make_site: MakeSite, body: str) -> None:
    site = make_site({"a.md": story(body=body)})
    assert run_build(site).exit_code == 0
    out = site / "output"
    for name in ("stories/a-story/index.html", "index.html", "feed.xml", "search-index.json"):
        text = (out / name).read_text(encoding="utf-8")
        assert not BAD_MARKUP.search(text), name


def test_jinja_syntax_is_shown_not_run(make_site: MakeSite) -> None:
    extra = 'summary: "{{ 7*7 }}{% if true %}yes{% endif %}"\ntags: ["{{7*7}}"]\n'
    site = make_site(
        {"a.md": story(title='"{{ 7*7 }} {# c #}"', body="{{ config }} {{ 7*7 }}", extra=extra)}
    )
    assert run_build(site).exit_code == 0
    page = next((site / "output").glob("stories/*/index.html")).read_text(encoding="utf-8")
    assert "{{ 7*7 }}" in page and ">49<" not in page and "SiteConfig" not in page


@pytest.mark.parametrize(
    ("body", "exit_code"),
    [
        ("![x](../../etc/passwd)", 1),  # not inside the site: not found, an error
        ("![x](images/../../../storysite.toml)", 1),
        ("![x](file:///etc/passwd)", 0),  # another host: left out with a warning
    ],
)
def test_image_paths_cannot_leave_the_site(make_site: MakeSite, body: str, exit_code: int) -> None:
    site = make_site({"a.md": story(body=body)})
    result = run_build(site)
    out = site / "output"
    assert "root:" not in result.output
    assert result.exit_code == exit_code, result.output
    assert re.search(r"stories/a\.md:\d+: ", result.output), result.output
    if exit_code == 1:
        assert not out.exists()
        return
    tree = read_tree(out)
    assert "a-story" in story_pages(out)
    assert not any("passwd" in name for name in tree)
    assert not any(b"[site]" in data or b"root:x:" in data for data in tree.values())


def test_deep_nesting_builds(make_site: MakeSite) -> None:
    body = "".join("  " * i + "- a\n" for i in range(200)) + "\n" + ">" * 500 + " deep\n"
    site = make_site({"a.md": story(body=body)})
    assert run_build(site).exit_code == 0


def test_story_in_sub_folder_and_ignored_files(make_site: MakeSite) -> None:
    site = make_site(
        {
            "sub/deep.md": story(title="Deep one"),
            "_skip.md": story(title="Underscore"),
            ".hidden.md": story(title="Hidden"),
            "top.md": story(title="Top"),
        }
    )
    assert run_build(site).exit_code == 0
    assert story_pages(site / "output") == ["deep-one", "top"]


# ---------------------------------------------------------------- defects found earlier


def test_duplicate_people_key_is_an_error(make_site: MakeSite) -> None:
    text = (
        "---\ntitle: A\ndate: 2020-01-01\nconsent:\n  publish: true\n  date: 2020-01-01\n"
        + people("Quill Marsh")
        + people("Sam Rivera")
        + "---\nQuill Marsh said hello to Sam Rivera.\n"
    )
    site = make_site({"a.md": text})
    result = run_build(site)
    assert not (site / "output").exists()
    assert result.exit_code == 1
    assert re.match(r"stories/a\.md:\d+: ", result.output)


def test_duplicate_withdrawn_key_never_publishes(make_site: MakeSite) -> None:
    consent = _consent("publish: true", "date: 2020-01-01", "withdrawn: true", "withdrawn: false")
    site = make_site({"a.md": story(title="Dup", consent=consent)})
    result = run_build(site)
    assert result.exit_code == 1, result.output
    assert re.match(r"stories/a\.md:\d+: .*'withdrawn' is written twice", result.output)
    assert not (site / "output").exists()


def test_japanese_text_is_not_a_hidden_name(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(title="Road", body="私は回復への道を歩いた。")})
    assert run_build(site).exit_code == 0
    assert story_pages(site / "output") == ["road"]


def test_non_latin_titles_on_one_day_both_publish(make_site: MakeSite) -> None:
    site = make_site(
        {"a.md": story(title="Путь к выздоровлению"), "b.md": story(title="Чай и разговор")}
    )
    result = run_build(site)
    assert result.exit_code == 0, result.output
    assert len(story_pages(site / "output")) == 2


def test_postcode_in_explicit_slug_is_not_published(make_site: MakeSite) -> None:
    site = make_site({"a.md": story(body="x", extra="slug: visit-sw1a-1aa\n")})
    assert run_build(site).exit_code == 0
    assert traces(site / "output", "sw1a") == []


def test_404_page_loads_nothing_from_an_absolute_address(make_site: MakeSite) -> None:
    site = make_site({"a.md": story()})
    assert run_build(site).exit_code == 0
    page = (site / "output" / "404.html").read_text(encoding="utf-8")
    assert not re.search(r'<(link|script|img)\b[^>]*(href|src)="(https?:)?//', page)


@pytest.mark.parametrize(
    "body", ["<img src=x onerror=alert(1)>", "![pic](https://evil.example/t.png)"]
)
def test_bad_image_reference_is_not_a_site_error(make_site: MakeSite, body: str) -> None:
    site = make_site({"a.md": story(body=body), "b.md": story(title="Other")})
    result = run_build(site)
    assert result.exit_code == 0, result.output
    assert "other" in story_pages(site / "output")
    pages = (site / "output").rglob("*.html")
    assert not any(BAD_MARKUP.search(p.read_text(encoding="utf-8")) for p in pages)
