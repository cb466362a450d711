"""The file gate reads a page in runs (views.file_runs: the blocks of each part of a
page, up to a block's end tag) and works out once what each run that the site's pages
repeat gives (audit._facts_of). Its verdict must be the one reading the whole page at
once gave, on every page: the whole-page reading is kept here as the reference (as it
was in views.py and audit.py before the runs), and pages are made of the theme's
markup, story text and adversarial names, across block and tag boundaries too."""

from __future__ import annotations

import html
import shutil
import zlib
from pathlib import Path

from gatekit import CONFIG, make_gate, story_with
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sitekit import read_tree, run_build
from test_gate_compiled import tokens

from storysite import audit, skeleton, views
from storysite.audit import Gate, Leak
from storysite.models import OutputFile, Person

REPO = Path(__file__).resolve().parents[2]
MANY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---- the reference: the whole page read at once ---------------------------------


def whole_scan(text: str, every_tag_a_block: bool) -> list[str] | None:
    """views._scan before it read a page in parts."""
    tokens = views._TOKEN_RE.findall(text)
    if sum(map(len, tokens)) != len(text):
        return None
    blocks: list[str] = []
    line: list[str] = []
    for token in tokens:
        if token[0] != "<":
            line.append(html.unescape(token) if "&" in token else token)
            continue
        tag = views._read_tag(token, every_tag_a_block)
        if tag is None:
            return None
        ends_block, inline, own = tag
        if ends_block and line:
            blocks.append("".join(line))
            line = []
        if inline:
            line.append(inline)
        blocks.extend(own)
    if line:
        blocks.append("".join(line))
    return blocks


def whole_markup_blocks(text: str, xml: bool = False, depth: int = 0) -> list[str]:
    blocks = whole_scan(text, xml)
    if blocks is None:
        blocks = views._parsed(text, xml)
    if depth < views.HTML_DEPTH:
        inner = [block for block in blocks if "<" in block]
        blocks += [b for block in inner for b in whole_markup_blocks(block, False, depth + 1)]
    return blocks


def whole_file_blocks(file: OutputFile) -> list[str]:
    blocks = [file.path]
    text = file.content.decode("utf-8", "replace")
    if file.path.endswith(".html") or file.path.endswith(".xml"):
        blocks += whole_markup_blocks(text, xml=not file.path.endswith(".html"))
    else:
        blocks.append(text)
    return views.decoded_blocks(blocks)


def whole_text(blocks: list[str]) -> str:
    """What audit.blocks_reading reads: one line per block, then any right-to-left ones
    backwards."""
    text = "\n".join(block.replace("\n", " ") for block in blocks)
    if audit._RIGHT_TO_LEFT_OVERRIDE in text:
        backwards = [b[::-1] for b in blocks if audit._RIGHT_TO_LEFT_OVERRIDE in b]
        text = "\n".join([text, *(b.replace("\n", " ") for b in backwards)])
    return text


def whole_haystack(text: str) -> tuple[str, str]:
    """The words and the automaton's haystack, as the gate made them before it kept readings."""
    dated = audit._LONG_DATE_RE.sub(" ", text) if audit._MONTH_RE.search(text) else text
    words, every_letter = audit._haystack(skeleton.letters(dated))
    return words, f"{words.lower()}\0{every_letter}"


def whole_leak(gate: Gate, blocks: list[str]) -> Leak | None:
    """The gate's verdict on some blocks as it was worked out before (the reference)."""
    text = whole_text(blocks)
    if gate._has_name(*whole_haystack(text)):
        return Leak("name")
    for kind, key in sorted(skeleton.identifier_keys(text)):
        if (kind, key) not in gate._own:
            return Leak(kind)
    return None


# ---- pages: the theme's markup, story text, names -------------------------------

CHROME = [
    '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
    '<meta http-equiv="Content-Security-Policy" content="default-src &#39;self&#39;">\n'
    "<title>Stories</title>\n</head>\n<body>\n",
    '<header class="site-header">\n  <div class="wrap">\n    <a class="site-title" '
    'href="../../">Stories</a>\n    <nav class="site-nav" aria-label="Main">\n      <ul>\n'
    '        <li><a href="../../">Latest stories</a></li>\n'
    '        <li><a href="../../tags/">Tags</a></li>\n      </ul>\n    </nav>\n  </div>\n'
    "</header>\n",
    '<aside class="support" aria-labelledby="support-heading">\n  <h2 id="support-heading">'
    "If you need help now</h2>\n  <ul>\n<li>Ring the Riverside crisis line on 0800 014 "
    "9876, day or night.</li><li>In an emergency call 999.</li>  </ul>\n</aside>\n",
    '<form class="feedback-form" method="post" action="/feedback">\n  <fieldset>\n'
    "    <legend>How would you rate it? 1 = poor, 5 = great</legend>\n"
    '    <div class="choices">\n      <span class="choice"><input id="rating-1" '
    'type="radio" name="rating" value="1"><label for="rating-1">1</label></span>\n'
    "    </div>\n  </fieldset>\n</form>\n",
    '<p class="meta"><time datetime="2020-06-15">15 June 2020</time> · by A carer</p>\n',
    "<h2>What comes next</h2>\n",
    '<footer class="site-footer">\n  <ul>\n    <li><a href="../../feed.xml">Subscribe'
    "</a></li>\n  </ul>\n</footer>\n</body>\n</html>\n",
]
#: Names and their disguises (gatekit's register; "Gordon Price" may be named).
NAMES = [
    "Jane Quarrington",
    "JANE QUARRINGTON",
    "JaneQuarrington",
    "jane quarrington",
    "J A N E  Q U A R R I N G T O N",
    "J&#97;ne Quarrington",
    "J&amp;#97;ne Quarrington",
    "Jane%2520Quarrington",
    "Ja\u200bne Quarrington",
    "\u0408ane Quarrington",
    "Jan\u00e9 Quarrington",
    "Ja<em>ne</em> Quar<span>rington</span>",
    "Joe Cox",
    "Cox's",
    "Ann's",
    "Ann",
    "Hope",
    "hope",
    "Siobhan O'Neill",
    "Gordon Pryce",
    "Gordon Price",
    "Gordon Prices",
    "Pryce",
    "Effie",
    "\u202eecyrP nodroG",
    "trellis",
]
WORDS = [
    "the",
    "we",
    "walked",
    "garden",
    "group",
    "Tea",
    "with",
    "A",
    "B",
    "C",
    "e.g.",
    "Doe",
    "McDonald",
    "iPhone",
    "café",
    "’",
    "0",
    "O",
    "l",
    "07700 900123",
    "943 476 5919",
    "SW1A 1AA",
    "0800 014 9876",
    "15 June 2020",
    "2020-06-15",
    "%",
    "&amp;",
    "&lt;b&gt;",
    "\u202e",
    "<br>",
    "<em>",
    "</em>",
]
BLOCKS = ["p", "div", "li", "h2", "blockquote", "td"]


@st.composite
def story_blocks(draw: st.DrawFn) -> str:
    """A block of story text with names, words and markup, the name sometimes split
    across the block's end tag, a comment, a script or an attribute."""
    pieces = draw(st.lists(st.sampled_from(NAMES + WORDS), min_size=1, max_size=8))
    tag = draw(st.sampled_from(BLOCKS))
    text = " ".join(pieces)
    how = draw(st.integers(0, 7))
    if how == 0:  # a name run on from one block into the next
        text = f"{text} Jane</{tag}>\n<{tag}>Quarrington {draw(st.sampled_from(WORDS))}"
    elif how == 1:
        text = f"{text}<!-- </p> {draw(st.sampled_from(NAMES))} -->"
    elif how == 2:
        text = f"{text}<script>var n = '</div> {draw(st.sampled_from(NAMES))}';</script>"
    elif how == 3:
        text = f'<a href="/x/{draw(st.sampled_from(NAMES))}" title="</p>">{text}</a>'
    elif how == 4:
        text = f"{text}<?php </p> ?>"
    return f"<{tag}>{text}</{tag}>\n"


@st.composite
def pages(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.one_of(st.sampled_from(CHROME), story_blocks()), max_size=10))
    return "".join(parts)


GATES = [
    make_gate(),
    make_gate(story_with(Person("Gordon Price", named=True), Person("Ann Lee"))),
]


def check_like_the_whole_page(gate: Gate, file: OutputFile) -> None:
    runs = views.file_runs(file)
    blocks = [block for run in runs for block in run]
    assert blocks == whole_file_blocks(file)
    expected = whole_leak(gate, blocks)
    for _ in range(3):  # unseen, seen once (kept now), kept
        assert gate.file_leak(file) == expected
        # What a build keeps of the file gives the same verdict once packed and read back.
        reading = audit.file_reading(file)
        packed = audit.pack(reading)
        if packed is not None:  # as a build keeps it, read back
            assert audit.unpack(packed) == reading
        assert gate.judge(reading) == expected
        facts, keys = audit._facts_of(views.file_runs(file))
        text = whole_text(blocks)
        joined = audit._joined(facts)
        if joined is not None:  # else the gate reads the blocks whole, as the reference
            assert (joined[0], f"{joined[0].lower()}\0{joined[1]}") == whole_haystack(text)
            assert keys == skeleton.identifier_keys(text)
        else:
            assert audit._RIGHT_TO_LEFT_OVERRIDE in text or audit._SPACED_HINT_RE.search(
                " " + skeleton.letters(text)
            )


@MANY
@given(pages(), st.sampled_from(GATES), st.booleans())
def test_a_page_read_in_runs_gets_the_verdict_of_the_whole_page(
    page: str, gate: Gate, xml: bool
) -> None:
    path = "feed.xml" if xml else "stories/a/index.html"
    check_like_the_whole_page(gate, OutputFile(path, page.encode()))


def in_parts(document: str, xml: bool) -> list[str] | None:
    runs = views._scan_runs(document, xml)
    return None if runs is None else [block for run in runs for block in run]


@MANY
@given(pages(), st.booleans())
def test_a_document_read_in_parts_gives_the_blocks_of_the_whole(page: str, xml: bool) -> None:
    assert in_parts(page, xml) == whole_scan(page, xml)
    runs = views.markup_runs(page, xml)
    assert [block for run in runs for block in run] == whole_markup_blocks(page, xml)


@MANY
@given(
    st.lists(
        st.one_of(tokens(), st.sampled_from(["</p>", "</div>", "</li>", "</x>"])), max_size=16
    ),
    st.booleans(),
)
def test_any_markup_read_in_parts_gives_the_blocks_of_the_whole(
    parts: list[str], xml: bool
) -> None:
    """The tokenizer's adversarial markup (test_gate_compiled), with block end tags
    inside comments, scripts, quoted values and unclosed tags."""
    document = "".join(parts)
    assert in_parts(document, xml) == whole_scan(document, xml) == views._scan(document, xml)


def test_the_runs_of_every_file_of_the_example_site_give_its_verdicts(tmp_path: Path) -> None:
    for folder in ("stories", "templates", "images"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, tmp_path / folder)
    shutil.copy(REPO / "storysite.toml", tmp_path / "storysite.toml")
    assert run_build(tmp_path).exit_code == 0
    gate = make_gate()
    read = 0
    for path, content in read_tree(tmp_path / "output").items():
        if path.endswith((".html", ".xml")):
            check_like_the_whole_page(gate, OutputFile(path, content))
            read += 1
    assert read > 10


def test_the_theme_is_read_once() -> None:
    """A run of blocks seen a second time is kept: its facts are not worked out again."""
    page = OutputFile("index.html", "".join(CHROME).encode())
    gate = Gate(CONFIG, [])
    gate.file_leak(page)
    gate.file_leak(page)
    runs = views.file_runs(page)
    assert all(run in audit._KEPT for run in runs)


# ---- lines read as numbers --------------------------------------------------------

PLAIN = [chr(c) for low, high in skeleton._PLAIN for c in range(low, high + 1)]


def test_a_line_is_left_unread_only_when_no_character_of_it_becomes_a_digit() -> None:
    maybe = skeleton._maybe_digit_line_re()
    for char in [*PLAIN, *map(chr, range(128)), "\u0663", "\u2460", "\uff11", "\U0001d7ce"]:
        becomes_a_digit = any(c in "0123456789" for c in skeleton.number_char(char))
        if becomes_a_digit:
            assert maybe.search(f"ab{char}cd"), repr(char)


PIECES = [*"0123456789 OoIl-.\n", "SW1A 1AA", "07700 900123", "943 476 5919"]


@MANY
@given(st.lists(st.sampled_from(PLAIN + PIECES), max_size=20).map("".join))
def test_identifiers_in_plain_non_ascii_text_are_found_as_before(text: str) -> None:
    from test_gate_compiled import keys_of_the_whole_text

    assert skeleton.identifier_keys(text) == keys_of_the_whole_text(text)


def test_a_page_is_cut_after_the_end_tag_of_every_block_element_and_no_other() -> None:
    cut = views._PARTS_RE[False]
    for name in views.BLOCK_ELEMENTS:
        assert cut.findall(f"a</{name}>b") == [f"a</{name}>", "b"], name
    for name in ("em", "a", "span", "b", "pp", "h7", "divs", "P", "br", "label"):
        assert cut.findall(f"a</{name}>b") == [f"a</{name}>b"], name


def test_a_reading_is_kept_only_where_it_comes_back_exactly() -> None:
    """pack/unpack: a tab inside an identifier's key comes back; a NUL in the text, or
    a tab or line break where the parts are told apart, is never kept (the file is
    then read again); anything else given to unpack is no reading."""
    reading = audit.Reading(
        " Ann  x ", "ann\nx", frozenset({("phone", "07\t700"), ("postcode", "e1")})
    )
    packed = audit.pack(reading)
    assert packed is not None and audit.unpack(packed) == reading
    assert audit.pack(reading._replace(words=" a\0b ")) is None
    assert audit.pack(reading._replace(letters="a\0b")) is None
    assert audit.pack(reading._replace(identifiers=frozenset({("ph\tone", "1")}))) is None
    assert audit.pack(reading._replace(identifiers=frozenset({("phone", "1\n2")}))) is None
    assert audit.unpack(b"not a reading") is None
    assert audit.unpack(zlib.compress(b"only one part")) is None
