"""The gate's compiled passes read exactly what the slower readings they replaced read:
the one-pass tokenizer (views._scan) against html.parser, and the skeletons' and the
haystack's faster steps against the plain ones (kept here as the reference)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sitekit import read_tree, run_build

from storysite import audit, skeleton, views

REPO = Path(__file__).resolve().parents[2]
MANY = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def parsed(text: str, xml: bool) -> list[str]:
    """What html.parser reads, through the gate's reader (views._Reader)."""
    reader = views._Reader(every_tag_a_block=xml)
    reader.feed(text)
    reader.close()
    return reader.blocks


# ---- the tokenizer ------------------------------------------------------------

NAMES = ["p", "P", "span", "a", "br", "BR", "div", "li", "x-note", "em", "title", "h2", "img"]
RAW = ["script", "style", "SCRIPT", "Style"]
WS = [" ", "\t", "\n", "\r", "\f", "\v", "\x1c", "\xa0", ""]
TEXT = st.lists(
    st.sampled_from([*list("aJ é<>&;#/=\"'-!?[]\n"), "&amp;", "&#74;", "&#x4a", "&lt;b&gt;"]),
    max_size=12,
).map("".join)


@st.composite
def attributes(draw: st.DrawFn) -> str:
    out = []
    for _ in range(draw(st.integers(0, 3))):
        name = draw(st.sampled_from(["title", "href", "data-x", "a:b", "_c", "3d", '"q', ""]))
        value = draw(TEXT)
        how = draw(st.sampled_from(['="{}"', "='{}'", "={}", ' = "{}"', "", '=="{}"']))
        space = draw(st.sampled_from(WS))
        written = value.replace('"', "") if '"' in how else value.replace("'", "")
        out.append(f"{space or ' '}{name}{how.format(written) if how else ''}")
    return "".join(out)


@st.composite
def tokens(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 9))
    if kind <= 2:
        return draw(TEXT)
    if kind <= 5:
        name = draw(st.sampled_from(NAMES + RAW))
        end = draw(st.sampled_from([">", "/>", " />", "/ >", "", "  >"]))
        return f"<{name}{draw(attributes())}{draw(st.sampled_from(WS))}{end}"
    if kind == 6:
        name = draw(st.sampled_from(NAMES + RAW + ["", "3", " p"]))
        return f"</{name}{draw(st.sampled_from(WS))}>"
    if kind == 7:
        name = draw(st.sampled_from(RAW))
        close = draw(st.sampled_from([*RAW, "ſcript", "scripts"]))
        body = draw(TEXT)
        return f"<{name}>{body}</{draw(st.sampled_from(WS))}{close}{draw(st.sampled_from(WS))}>"
    return draw(
        st.sampled_from(
            [
                "<!-- a -->",
                "<!---->",
                "<!--a--!>",
                "<!-- -- b -- >",
                "<!--",
                "<!DOCTYPE html>",
                "<!doctype",
                "<!x>",
                "<?xml version='1.0'?>",
                "<?>",
                "<![CDATA[J<b>]]>",
                "<",
                "&",
                "</",
            ]
        )
    )


@MANY
@given(st.lists(tokens(), max_size=12), st.booleans())
def test_the_tokenizer_reads_what_html_parser_reads(parts: list[str], xml: bool) -> None:
    document = "".join(parts)
    scanned = views._scan(document, xml)
    assert scanned is None or scanned == parsed(document, xml), document


@st.composite
def renderer_markup(draw: st.DrawFn) -> str:
    """Documents in the grammar the renderer writes: the compiled pass reads them all."""
    parts = []
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.integers(0, 4))
        text = draw(TEXT).replace("<", "&lt;")
        if kind == 0:
            parts.append(text)
        elif kind == 1:
            name = draw(st.sampled_from(NAMES))
            value = text.replace('"', "&quot;")
            parts.append(f'<{name} class="c" title="{value}"{draw(st.sampled_from(["", "/"]))}>')
        elif kind == 2:
            parts.append(f"</{draw(st.sampled_from(NAMES))}>")
        elif kind == 3:
            parts.append(f"<!--{text.replace('-', '')}-->")
        else:
            parts.append(f"<script>{text.replace('</', '')}</script>")
    return "".join(parts)


@MANY
@given(renderer_markup(), st.booleans())
def test_the_renderers_markup_is_read_in_one_pass(document: str, xml: bool) -> None:
    assert views._scan(document, xml) == parsed(document, xml), document


def test_every_file_of_the_example_site_is_read_in_one_pass(tmp_path: Path) -> None:
    """The example site's own pages, feed and sitemap: none needs html.parser, and the
    compiled pass reads from each exactly what html.parser reads."""
    for folder in ("stories", "templates", "images"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, tmp_path / folder)
    shutil.copy(REPO / "storysite.toml", tmp_path / "storysite.toml")
    assert run_build(tmp_path).exit_code == 0
    read = 0
    for path, content in read_tree(tmp_path / "output").items():
        if path.endswith((".html", ".xml")):
            text, xml = content.decode("utf-8"), path.endswith(".xml")
            assert views._scan(text, xml) == parsed(text, xml), path
            read += 1
    assert read > 10


# ---- skeletons and the haystack -------------------------------------------------

ANY_TEXT = st.text(
    st.one_of(
        st.sampled_from([*list("0123456789 OoIl-.()+\n'aAbcdefSWzZ"), "\u200b", "٣", "①", "ａ"]),
        st.characters(),
    ),
    max_size=60,
)


@MANY
@given(ANY_TEXT)
def test_skeletons_translated_by_runs_of_lines_are_the_plain_translation(text: str) -> None:
    for table in (skeleton._LETTERS, skeleton._NUMBERS):
        assert skeleton._translated(text, table) == text.translate(table)


OLD_ISO_DATE_RE = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}-[01][0-9]-[0-3][0-9](?![0-9])")
OLD_RUN_RE = re.compile(rf"{skeleton._DIGIT}(?:(?:{skeleton._SEP})*{skeleton._DIGIT}){{9,}}")


def keys_of_the_whole_text(text: str) -> set[tuple[str, str]]:
    """identifier_keys as it was before it read only the lines with a digit, with the
    regular expressions it had."""
    sk = skeleton
    text = sk._HEX_RE.sub(sk._not_a_digest, text.translate(sk._NUMBERS))
    if not any(c.isdigit() for c in text):
        return set()
    text = OLD_ISO_DATE_RE.sub(" ", text)
    if sk._O_RE.search(text) or sk._ONE_RE.search(text):
        text = sk._with_o_and_l(text)
    plain = text.translate(sk._UNMARK)
    found = sk._postcodes(plain) if sk._INWARD_HINT_RE.search(plain) else set()
    for run in OLD_RUN_RE.finditer(text):
        number = sk._DROP_RE.sub("", run.group())
        ends = ("", sk._LIKE_ONE, sk._LIKE_ZERO + sk._LIKE_ONE)
        for digits in (number.strip(end) if end else number for end in ends):
            shapes = sk._number_shapes(digits.translate(sk._UNMARK))
            if shapes:
                found |= shapes
                break
    return found


IDENTIFIER_TEXT = st.lists(
    st.sampled_from(
        ["07700 900123", "0O77OO 9OO123l", "SW1A", "1AA", "943 476 5919", "2020-01-01",
         "abcdef0123456789", "\n", " ", "-", "x", "٠٧٧٠٠", "GIR 0AA", "l", "O", "'", "M1",
         "1", "7", "0", "19", "(", ").", "  ", "\u200b"]
    ),
    max_size=12,
).map("".join)  # fmt: skip


@MANY
@given(st.one_of(IDENTIFIER_TEXT, ANY_TEXT))
def test_identifier_keys_read_only_lines_with_digits_and_find_the_same(text: str) -> None:
    assert skeleton.identifier_keys(text) == keys_of_the_whole_text(text)


OLD_CAMEL_RE = re.compile(r"(?<!\S)\S*?[a-z][A-Z]\S*")
OLD_SPACED_HINT_RE = re.compile(r"\s\S \S \S(?!\S)")
SKELETON_TEXT = st.text(st.sampled_from(list("aAbBzZ é\n")), max_size=40).map(" {}".format)


@MANY
@given(SKELETON_TEXT)
def test_camel_words_and_spaced_letters_are_found_as_the_plain_patterns_found_them(
    cased: str,
) -> None:
    assert audit._camel_words(cased) == OLD_CAMEL_RE.findall(cased)
    assert bool(audit._SPACED_HINT_RE.search(cased)) == bool(OLD_SPACED_HINT_RE.search(cased))


def test_a_table_never_maps_a_line_break_away() -> None:
    """skeleton._translated cuts a text at its line breaks."""
    assert skeleton.letter_char("\n") == skeleton.number_char("\n") == "\n"


def test_no_ascii_character_but_a_digit_becomes_a_digit_in_a_number_skeleton() -> None:
    """identifier_keys reads as numbers only the lines with a digit or a non-ASCII
    character."""
    skeletons = {char: skeleton.number_char(char) for char in map(chr, range(128))}
    digits = {char for char, made in skeletons.items() if re.search("[0-9]", made)}
    assert digits == set("0123456789")


def test_a_script_or_style_never_closed_is_still_read() -> None:
    """html.parser drops the text of a script or style left open at the end of the
    file; the text is still in the file for anyone who opens it."""
    from gatekit import leak, make_gate

    gate = make_gate()
    for opened in ("<script>var n = 'Jane Quarrington';", "<style>/* Jane Quarrington */"):
        assert leak(gate, f"<p>Hello</p>{opened}") == "name", opened
        assert leak(gate, f"<p>Hello</p>{opened.replace('Jane Quarrington', 'the river')}") is None
