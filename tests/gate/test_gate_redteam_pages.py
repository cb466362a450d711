"""Each red-team class of issue 13, fed straight to the gate as pages an attacker
would write (no anonymiser in the way): the gate must see every one, and must not
see names in ordinary text."""

from __future__ import annotations

import json

import pytest
from gatekit import CONFIG, leak, make_gate, story_with

from storysite.audit import Leak
from storysite.config import SiteConfig
from storysite.models import OutputFile, Person

RUN_TOGETHER = [
    ("stories/janequarrington/index.html", "<p>A walk</p>"),
    ("index.html", "<h1>JaneQuarrington's day</h1>"),
    ("index.html", "<p>#JaneQuarrington</p>"),
    ("index.html", "<p>@jane_quarrington90</p>"),
    ("index.html", '<a href="https://www.janequarrington.co.uk">site</a>'),
    ("index.html", '<a href="https://example.org/u/JaneQuarrington">profile</a>'),
    ("index.html", "<p>Thanks to GordonPryce.</p>"),
    ("tags/gordonpryce/index.html", "<p>Tag</p>"),
]
PLURALS = [
    "<p>The Quarringtons came.</p>",
    "<p>The Pryces came.</p>",
    "<p>Both Anns were there.</p>",
    "<p>Ann's dog.</p>",
    "<p>Jane Quarrington’s coat.</p>",
]
FOREIGN_LETTERS = [
    "<p>Јое Сох came.</p>",  # Cyrillic look-alikes
    "<p>Ιοε Cοx came.</p>".replace("Ι", "J"),  # Greek omicron and epsilon
    "<p>Quarrıngton</p>",  # dotless i
    "<p>Quɑrrington</p>",  # Latin alpha
    "<p>Quarringtøn</p>",  # o with stroke
    "<p>ꓙꓳꓰ ꓚꓳꓫ</p>",  # Lisu capitals
    "<p>Effie Griﬃths</p>",  # the ffi ligature
    "<p>Ｊａｎｅ Ｑｕａｒｒｉｎｇｔｏｎ</p>",  # full width
    "<p>𝐉𝐚𝐧𝐞 𝐐𝐮𝐚𝐫𝐫𝐢𝐧𝐠𝐭𝐨𝐧</p>",  # mathematical bold
    "<p>Jáne Quärrington</p>",  # marks
    "<p>Ja\u0301ne Quarrington</p>",  # a combining mark
]
SPACING = [
    "<p>J A N E  Q U A R R I N G T O N</p>",
    "<p>Q U A R R I N G T O N</p>",
    "<p>Jane\u200aQuarrington</p>",  # hair space
    "<p>Ja\u200bne Qua\u00adrrington</p>",  # zero width, soft hyphen
    "<p>Ja\x07ne Quarr\ufffeington</p>",  # a control character, a noncharacter
    '<a href="/search/?q=jane+quarrington">search</a>',
    '<a href="/search/?q=gordon+pryce">search</a>',
    "<p>jane/quarrington</p>",
    "<p>jane·quarrington</p>",
    "<p>Siobhan O＇Neill</p>",  # full-width apostrophe
    "<p>ONeill</p>",
    "<p>OʼNeill</p>",  # modifier letter apostrophe
    "<p>G.o.r.d.o.n P.r.y.c.e</p>",
    "<p>We met \u202enotgnirrauQ enaJ\u202c today.</p>",  # shown backwards: Jane Quarrington
]
RAW_HTML = [
    '<div>Ja<img src="dot.png" alt="">ne Quarr<img src="dot.png" alt="">ington</div>',
    "<p>Ja<span>ne</span> Qu<b>arr</b>ington</p>",
    "<p>A<b>nn</b> L<i>ee</i> came.</p>",
    "<p>ann<br>lee came</p>",
    "<p>Jo<x-y>e</x-y> C<font>ox</font></p>",  # unknown elements are inline
    "<p>J&#97;ne Qu&#x61;rrington</p>",
    "<p>J&amp;#97;ne Quarr&amp;amp;#105;ngton</p>",
    '<a href="https://e.org/Jane%2520Quarrington">x</a>',
    '<img src="a.png" alt="Joe Cox at the fair">',
    '<a href="/" title="J&#x6f;e Cox">x</a>',
    "<!-- Gordon Pryce -->",
    "<script>var who = 'Gordon Pryce';</script>",
    "<p>Jane Quarr",  # an unclosed document
]
LOWER_CASE = [
    ("index.html", "<p>met quarrington there</p>"),
    ("index.html", '<a href="#fn:quarrington">1</a>'),
    ("stories/quarrington-walk/index.html", "<p>A walk</p>"),
    ("index.html", "<p>gordon pryce</p>"),
    ("index.html", "<p>with siobhan</p>"),
]
FEEDS = [
    ("feed.xml", "<content type='html'>&lt;p&gt;J&amp;#97;ne Quarrington&lt;/p&gt;</content>"),
    ("feed.xml", "<feed><content><![CDATA[<p>Jo<b>e</b> Cox</p>]]></content></feed>"),
    ("feed.xml", "<feed><title>Walk</title><summary>with Gordon Pryce</summary></feed>"),
    ("sitemap.xml", "<loc>https://x.org/stories/jane-quarrington/</loc>"),
    ("search-index.json", json.dumps([{"title": "Jane Quarrington"}], ensure_ascii=True)),
    ("search-index.json", '[{"t": "J\\u0061ne Qu\\u0061rrington"}]'),
    ("search-index.json", '[{"t": "<p>Ja<b>ne</b> Quarrington</p>"}]'),
    ("search-index.json", '{"GordonPryce": 1}'),
]


@pytest.mark.parametrize(("path", "content"), RUN_TOGETHER + LOWER_CASE + FEEDS)
def test_names_in_paths_addresses_feeds_and_indexes_are_found(path: str, content: str) -> None:
    assert leak(make_gate(), content, path) == "name"


@pytest.mark.parametrize("content", PLURALS + FOREIGN_LETTERS + SPACING + RAW_HTML)
def test_names_in_disguise_are_found(content: str) -> None:
    assert leak(make_gate(), content) == "name"


def test_a_longer_named_declaration_never_shadows_a_protected_name() -> None:
    gate = make_gate(story_with(Person("Gordon Pryce Junior", named=True)))
    assert leak(gate, "<p>Gordon Pryce Junior spoke.</p>") == "name"
    assert leak(gate, "<p>Sam Rivera spoke.</p>") is None


def test_a_named_person_shields_only_a_shared_part_and_only_where_written() -> None:
    gate = make_gate(story_with(Person("Gordon Price", named=True), Person("Ann Hope", named=True)))
    assert leak(gate, "<p>Gordon Price came.</p>") is None
    assert leak(gate, "<p>GordonPrice's hat; Ann Hope's too.</p>") is None
    assert leak(gate, "<p>Gordon came.</p>") == "name"
    assert leak(gate, "<p>Gordon Price and Gordon Pryce came.</p>") == "name"
    assert leak(gate, "<p>Ann Lee came.</p>") == "name"  # a whole private name


def test_a_person_another_story_protects_counts_on_every_page() -> None:
    gate = make_gate(story_with(Person("Quorra Vantablack")))
    assert leak(gate, "<p>vantablack</p>") == "name"
    assert leak(make_gate(), "<p>vantablack</p>") is None


CLEAN = [
    "<p>The doe ran past the annual hope of the lee shore.</p>",  # ordinary words, lower case
    "<p>We sing happily, and we sing heartily.</p>",  # "singh" across two words
    "<p>Published 15 June 2020.</p>",  # a month in a date is not June Okafor
    "<p>Ann<span>ual</span> review</p>",  # joined, it is an ordinary word
    "<p>The trellis and the pryer.</p>",
    "<p>A man called Sam Rivera spoke.</p>",
    "<p>Our cox rowed well.</p>",  # an ordinary part in lower case
    "<p>plain jane</p><p>The quarry is a place we visited once.</p>",
    '<img src="images/0a1b2c3d4e5f67890123.png" alt="">',  # a digest is not a number
    "<time datetime='2025-09-18'>18 September 2025</time>",
    "<p>Ring the Riverside crisis line on 0800 014 9876, day or night.</p>",
    "<p>Call Samaritans free on 116 123, or NHS 111.</p>",
    # Over-holding (issue 13): ordinary text with look-alike or hidden characters.
    "<p>Take 50µg or 50μg each morning.</p>",
    "<p>Mr OʼBrien and the Ｏ’Connors came.</p>",
    "<p>We said \u200fمرحبا\u200f to our friends.</p>",
    "<p>Café, naïve, façade, Ångström.</p>",
]


@pytest.mark.parametrize("content", CLEAN)
def test_ordinary_text_passes(content: str) -> None:
    assert leak(make_gate(), content) is None


def test_every_form_of_each_person_counts() -> None:
    gate = make_gate(story_with(Person("Ann"), Person("Lex Ito"), Person("Ama Delacroix-Byrne")))
    assert leak(gate, "<p>we met ann today</p>") == "name"  # a whole name: any case
    assert leak(gate, "<p>The Lexes came.</p>") == "name"  # a plural in -es
    assert leak(gate, "<p>Byrne came.</p>") == "name"  # one half of a double name
    assert leak(gate, "<p>Delacroix-Byrne came.</p>") == "name"
    assert leak(gate, "<p>Row A cox, lex and ito</p>".replace("ito", "it")) is None


def test_a_whole_name_of_ordinary_words_counts_run_together_in_any_case() -> None:
    gate = make_gate(story_with(Person("Will Rose"), Person("Jo Marsh")))
    assert leak(gate, "<p>see will-rose.example</p>") == "name"  # 8 letters: any view
    assert leak(gate, "<p>see will rose</p>") == "name"
    assert leak(gate, "<p>Jo came.</p>") == "name"  # a part of two letters
    assert leak(gate, "<p>I will rise; jo is a sweetheart.</p>") is None


def test_a_plural_counts_in_lower_case_for_a_whole_name() -> None:
    assert leak(make_gate(story_with(Person("Ann"))), "<p>both anns came</p>") == "name"


def test_block_elements_end_a_block_however_written() -> None:
    for text in ["<div>jo<hr/>e cox</div>", "<div>jo<hr>e cox</div>", "<div>jo</div>e cox"]:
        assert leak(make_gate(), text) is None, text
    assert leak(make_gate(), "<div>jo<wbr/>e cox</div>") == "name"
    assert leak(make_gate(), "<div>jo<wbr>e cox</div>") == "name"
    assert leak(make_gate(), "<p>we sing<br>happily</p>") is None  # a line break is a space


def test_every_xml_element_is_a_block() -> None:
    feed = "<feed><author><name>Jo</name><uri>e cox</uri></author></feed>"
    assert leak(make_gate(), feed, "feed.xml") is None
    assert leak(make_gate(), feed.replace("</name><uri>", ""), "feed.xml") == "name"
    assert leak(make_gate(), feed, "index.html") == "name"  # in HTML, unknown tags are inline


def test_html_escaped_inside_a_feed_is_read_as_html() -> None:
    entry = "<content type='html'>&lt;p&gt;A&lt;b&gt;nn&lt;/b&gt; L&lt;i&gt;ee&lt;/i&gt;</content>"
    assert leak(make_gate(), entry, "feed.xml") == "name"
    cdata = "<content><![CDATA[<p>A<b>nn</b> L<i>ee</i></p>]]></content>"
    assert leak(make_gate(), cdata, "feed.xml") == "name"


def test_html_inside_json_and_attributes_is_read_as_html() -> None:
    page = '[{"t": "<p>A<b>nn</b> L<i>ee</i></p>"}]'
    assert leak(make_gate(), page, "search-index.json") == "name"
    double = '<a title="A&amp;lt;b&amp;gt;nn&amp;lt;/b&amp;gt; L&amp;lt;i&amp;gt;ee">x</a>'
    assert leak(make_gate(), double) == "name"


def test_a_json_file_is_read_by_its_path_too() -> None:
    assert leak(make_gate(), "[]", "search/quarrington.json") == "name"


def test_a_page_that_is_not_utf8_is_still_read() -> None:
    found = make_gate().file_leak(OutputFile("index.html", b"<p>Jane Quarrington \xff</p>"))
    assert found is not None and found.kind == "name"


def test_parts_inside_ordinary_words_keep_their_boundaries() -> None:
    gate = make_gate(story_with(Person("Nia Ellis")))
    assert leak(gate, "<p>the trellis</p>") is None  # "ellis" is inside an ordinary word
    assert leak(gate, "<p>ellis came</p>") == "name"
    assert leak(make_gate(), "<p>welcome to pryceville</p>") == "name"  # "pryce" is not
    assert leak(make_gate(), "<p>A spry certainty.</p>") is None  # nor across two words
    assert (
        leak(make_gate(), "<p>see thewillrose.example</p>".replace("willrose", "janequarrington"))
        == "name"
    )


def test_a_whole_name_of_exactly_eight_letters_is_read_inside_words() -> None:
    gate = make_gate(story_with(Person("Will Rose"), Person("Jane Doe", aliases=("JD",))))
    assert leak(gate, "<p>see thewillrose.example</p>") == "name"
    assert leak(gate, "<p>JD said so</p>") == "name"  # an alias of two letters


def test_a_capital_anywhere_in_an_ordinary_part_counts() -> None:
    assert leak(make_gate(), "<p>our coX rowed</p>") == "name"


def test_camel_case_words_are_read_split_and_whole() -> None:
    assert leak(make_gate(), "<p>On my iPhone, quarrington</p>") == "name"
    assert leak(make_gate(), "<p>On my iPhone, QuarRington</p>") == "name"


def test_an_ordinary_part_counts_with_a_capital_anywhere() -> None:
    assert leak(make_gate(), "<p>Hope came along.</p>") == "name"
    assert leak(make_gate(), "<p>we hope so</p>") is None
    assert leak(make_gate(), "stories/hope/index.html") is None  # paths are lower case


def test_blocks_do_not_run_into_each_other() -> None:
    assert leak(make_gate(), "<p>Jo</p><p>E C</p><p>ox</p>") is None
    assert leak(make_gate(), "<p>Jo<span>e C</span>ox</p>") == "name"


IDENTIFIERS = [
    ("<p>Ring 07700 <strong>900123</strong>.</p>", "phone"),
    ("<p>Ring 07700   900123.</p>", "phone"),
    ("<p>Ring 07700\n900123.</p>", "phone"),
    ("<p>(+44) 7700 900123</p>", "phone"),
    ('<a href="https://wa.me/447700900123">chat</a>', "phone"),
    ('<a href="tel:+44-7700-900123">ring</a>', "phone"),
    ("<p>０７７００ ９００１２３</p>", "phone"),
    ("<p>٠٧٧٠٠ ٩٠٠١٢٣</p>", "phone"),
    ("<p>O77OO 9OO123</p>", "phone"),
    ("<p>call07700900123</p>", "phone"),
    ("<p>0113 496 0000</p>", "phone"),
    ("<p>943-4765-919</p>", "nhs_number"),
    ("<p>NHS number 943 476 5919</p>", "nhs_number"),
    ("<p>SW1A\n1AA</p>", "postcode"),
    ("<p>Our home at SW1A-1AA</p>", "postcode"),
    ("<p>sw1a1aa</p>", "postcode"),
    ("<p>S.W.1.A 1.A.A</p>", "postcode"),
    ("<p>\u202e321009 00770\u202c</p>", "phone"),  # shown backwards: 07700 900123
    ("<p>𝟎𝟕𝟕𝟎𝟎 ⁹⁰⁰¹²³</p>", "phone"),  # mathematical and superscript digits
]


@pytest.mark.parametrize(("content", "kind"), IDENTIFIERS)
def test_identifier_shapes_are_found(content: str, kind: str) -> None:
    assert leak(make_gate(), content) == kind


def test_identifiers_in_paths_are_found() -> None:
    assert leak(make_gate(), "<p>x</p>", "stories/our-home-at-sw1a-1aa/index.html") == "postcode"
    assert leak(make_gate(), "<p>x</p>", "tags/07700900123/index.html") == "phone"


def test_a_story_s_own_texts_are_read_as_html() -> None:
    gate = make_gate()
    assert gate.story_leak(["A walk", "<p>A<b>nn</b> L<i>ee</i></p>"], []) == Leak("name")
    assert gate.story_leak(["A walk"], ["stories/sw1a-1aa/"]) == Leak("postcode")
    assert gate.story_leak(["A walk", "<p>ann<i>ual</i> lee</p>"], ["tags/x/"]) is None


def test_the_sites_own_postcode_is_allowed_in_any_case() -> None:
    config = SiteConfig(root=CONFIG.root, title="T", accessibility_contact="Riverside, LS1 4AP")
    assert leak(make_gate(config=config), "<p>Visit ls1 4ap</p>") is None
    assert leak(make_gate(config=config), "<p>Visit ls1 4aq</p>") == "postcode"


def test_the_sites_own_numbers_are_allowed_and_only_those() -> None:
    own = "<p>Ring the Riverside crisis line on +44 800 014 9876.</p>"
    assert leak(make_gate(), own) is None  # the same number, written another way
    assert leak(make_gate(config=SiteConfig(root=CONFIG.root, title="T")), own) == "phone"
    assert leak(make_gate(), "<p>Ring 0800 014 9877.</p>") == "phone"
