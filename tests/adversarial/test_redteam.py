"""The red-team suite: every class of attack the red team found, and more, each a
story in a real site. One site is built per class (its cases side by side); each case
then asserts its own outcome (see redteam.py): replaced with the replacement shown,
held for the reason it names, or kept as ordinary text — and no trace of a protected
name or identifier in any output file, read decoded on a skeleton of its letters."""

# The tables keep one case to a line, so each class reads as a table.
# ruff: noqa: E501

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from redteam import Case, Held, Kept, Replaced, SiteRun, build_cases, check
from sitekit import BASIC_CONFIG

PHONE = Replaced("[phone number removed]")
POSTCODE = Replaced("[postcode removed]")
NHS = Replaced("[NHS number removed]")
EMAIL = Replaced("[email address removed]")
BIRTH = Replaced("[date of birth removed]")
MIXED = Held("mixes letters of different alphabets")
HIDDEN = Held("hidden character")
CONTROL = Held("control character")
NONCHARACTER = Held("noncharacter")
TWO = ("Eve Smithson", "Tom Jonesby")

# --- Run together: the parts of a name with nothing between them -------------------
RUN_TOGETHER = [
    Case("rt-camel-possessive", "JaneQuarrington's idea was good."),
    Case("rt-camel-curly", "JaneQuarrington’s idea was good."),
    Case("rt-lower", "I met janequarrington online."),
    Case("rt-upper", "JANEQUARRINGTON signed it."),
    Case("rt-hashtag", "We shared it as #JaneQuarrington today."),
    Case("rt-handle", "Follow @jane_quarrington90 for news."),
    Case("rt-handle-camel", "Follow @JaneQuarrington_ for news."),
    Case("rt-www", "See www.janequarrington.co.uk for more."),
    Case("rt-bare-url", "Her page is https://example.org/u/JaneQuarrington now."),
    Case("rt-link-target", "Read [her page](https://example.org/u/JaneQuarrington) now."),
    Case("rt-autolink", "Read <https://example.org/JaneQuarrington> now."),
    Case("rt-two-people", "SmithsonJonesby was the team name.", people=TWO),
    Case("rt-two-people-lower", "the team smithsonjonesby met.", people=TWO),
    Case("rt-digits-after", "The user Quarrington2020 posted."),
    Case("rt-digits-before", "The user 90quarrington posted."),
    Case("rt-surname-first", "QuarringtonJane signed the form."),
    Case("rt-emphasis-joined", "**Jane**Quarrington came round."),
    Case("rt-code-span", "Type `janequarrington` in the box."),
    Case("rt-fenced", "```\nuser = JaneQuarrington\n```\n"),
    Case("rt-link-text", "Say hi to [JaneQuarrington](https://example.org/)."),
    Case("rt-title", "Some words.", title="JaneQuarrington's day"),
    Case("rt-slug", "Some words.", extra="slug: janequarrington-day\n", expect=Replaced("name removed", in_path=True)),
    Case("rt-tag", "Some words.", extra="tags: [JaneQuarrington]\n"),
    Case("rt-heading", "## JaneQuarrington\n\nShe came.\n"),
    Case("rt-one-word-name", "Ask @quarrington_fan today.", people=("Quarrington",)),
    Case("rt-code-split", "Type `Quarr`ington now."),
    Case("rt-wbr", "Ask Quarr<wbr>ington now."),
    Case("rt-reference-link", "See [her page][p].\n\n[p]: https://example.org/JaneQuarrington\n"),
    Case("rt-joined-upper-possessive", "JANEQUARRINGTON'S idea."),
    Case("rt-long-part-anywhere", "Ask about quarringtonfans now."),
    Case("rt-camel-words-around", "Ask TheRealQuarrington now."),
    Case("rt-short-part-camel", "Ask MariaLopezFan now.", people=("Maria Lopez",)),
    Case("rt-two-short-people-upper", "Ask SMITHJONES now.", people=("Eve Smith", "Tom Jones")),
]  # fmt: skip

# --- Plurals and possessives --------------------------------------------------------
PLURALS = [
    Case("pl-s", "The Quarringtons came."),
    Case("pl-plural-possessive", "The Quarringtons' house is red."),
    Case("pl-es", "The Fitches came over.", people=("Rosa Fitch",)),
    Case("pl-upper", "THE QUARRINGTONS CAME."),
    Case("pl-in-url", "See https://example.org/the-quarringtons for more."),
    Case("pl-title", "Some words.", title="The Quarringtons"),
    Case("pl-heading", "## The Quarringtons\n\nThey came.\n"),
    Case("pl-tag", "Some words.", extra="tags: [Quarringtons]\n"),
    Case("pl-camel", "TheQuarringtons came."),
]

# --- Letters that fold to nothing or stay foreign ----------------------------------
LOOK_ALIKES = [
    Case("la-cyrillic-whole", "Јое Сох came in.", people=("Joe Cox",)),
    Case("la-cyrillic-lower", "then јое сох came in.", people=("Joe Cox",)),
    Case("la-cyrillic-title", "Some words.", people=("Joe Cox",), title="Јое Сох and me"),
    Case("la-greek-capitals", "ΤΙΜ ΚΑΝΕ came in.", people=("Tim Kane",)),
    Case("la-lisu", "ꓙꓮꓠꓰ ꓓꓳꓰ came in.", people=("Jane Doe",)),
    Case("la-dotless-i", "Jane Quarrıngton came."),
    Case("la-latin-alpha", "Jɑne Quɑrrington came."),
    Case("la-o-stroke", "Jane Quarringtøn came."),
    Case("la-ffi", "Rosa Duﬃeld came.", people=("Rosa Duffield",)),
    Case("la-ff", "Rosa Duﬀield came.", people=("Rosa Duffield",)),
    Case("la-sharp-s", "Jo Strauß came.", people=("Jo Strauss",)),
    Case("la-fullwidth", "Ｊａｎｅ Ｑｕａｒｒｉｎｇｔｏｎ came."),
    Case("la-math-bold", "𝐉𝐚𝐧𝐞 𝐐𝐮𝐚𝐫𝐫𝐢𝐧𝐠𝐭𝐨𝐧 came."),
    Case("la-circled", "Ⓙⓐⓝⓔ Ⓠⓤⓐⓡⓡⓘⓝⓖⓣⓞⓝ came."),
    Case("la-combining-underline", "J̲a̲n̲e̲ Q̲u̲a̲r̲r̲i̲n̲g̲t̲o̲n̲ came."),
    Case("la-cyrillic-capitals-one-word", "Then ВОКС came.", people=("Bokc",)),
    Case("la-mixed-cyrillic-a", "Jane Quаrrington came.", expect=MIXED),
    Case("la-mixed-greek-iota", "Jane Quarrιngton came.", expect=MIXED),
]

# --- Spacing and separators ---------------------------------------------------------
SPACING = [
    Case("sp-letter-spaced", "J A N E  Q U A R R I N G T O N came."),
    Case("sp-letter-spaced-surname", "Q U A R R I N G T O N came."),
    Case("sp-letter-dots", "J.A.N.E. Q.U.A.R.R.I.N.G.T.O.N. came."),
    Case("sp-letter-hyphens", "Q-U-A-R-R-I-N-G-T-O-N came."),
    Case("sp-hair-space", "Jane\u200aQuarrington came."),
    Case("sp-thin-space", "Jane\u2009Quarrington came."),
    Case("sp-narrow-nbsp", "Jane\u202fQuarrington came."),
    Case("sp-ideographic", "Jane\u3000Quarrington came."),
    Case("sp-braille-blank", "Jane\u2800Quarrington came."),
    Case("sp-tabs", "Jane\t\t\tQuarrington came."),
    Case("sp-plus-query", "[search](https://example.org/?q=jane+quarrington)"),
    Case("sp-plus", "Ask jane+quarrington about it."),
    Case("sp-slash", "Ask jane/quarrington about it."),
    Case("sp-middle-dot", "Ask jane·quarrington about it."),
    Case("sp-bullet", "Ask Jane•Quarrington about it."),
    Case("sp-em-dash", "Ask Jane—Quarrington about it."),
    Case("sp-fullwidth-apostrophe", "Rory O＇Neill came.", people=("Rory O'Neill",)),
    Case("sp-oneill", "Rory ONeill came.", people=("Rory O'Neill",)),
    Case("sp-oneill-alone", "We met ONeill there.", people=("Rory O'Neill",)),
    Case("sp-modifier-apostrophe", "Rory OʼNeill came.", people=("Rory O'Neill",)),
    Case("sp-underscore-camel", "Ask Jane_Quarrington about it."),
    Case("sp-newline", "Ask Jane\nQuarrington about it."),
    Case("sp-unicode-hyphen", "Ask jane\u2010quarrington about it."),
    Case("sp-fullwidth-hyphen", "Ask Jane－Quarrington about it."),
    Case("sp-fullwidth-slash", "Ask jane／quarrington about it."),
    Case("sp-minus-sign", "Ask Jane\u2212Quarrington about it."),
    Case("sp-letter-middle-dots", "Ask Q·U·A·R·R·I·N·G·T·O·N about it."),
    Case("sp-letter-underscores", "Ask j_a_n_e_q_u_a_r_r_i_n_g_t_o_n about it."),
]

# --- Raw HTML blocks get the same tree pass as Markdown ----------------------------
RAW_HTML = [
    Case("html-img-split", '<div>Ja<img src="dot.png" alt="">ne Quarr<img src="dot.png" alt="">ington</div>\n'),
    Case("html-span-split", "<div>Jane <span>Quarr</span>ington came.</div>\n"),
    Case("html-b-split", "<p>Ja<b>ne</b> Quarrington came.</p>\n"),
    Case("html-entity-split", "<div>Ja&#110;e Quarrington came.</div>\n"),
    Case("html-comment-split", "<div>Jane Quarr<!-- x -->ington came.</div>\n"),
    Case("html-br", "<div>Jane<br>Quarrington came.</div>\n"),
    Case("html-table", "<table><tr><td>Jane</td><td>Quarr<b></b>ington</td></tr></table>\n"),
    Case("html-details", "<details><summary>Quarr<i></i>ington</summary>It was her.</details>\n"),
    Case("html-title-attr", '<div title="JaneQuarrington">She came.</div>\n', expect=Kept("She came.")),
    Case("html-href", '<div><a href="https://example.org/JaneQuarrington">Jane Quarrington</a></div>\n'),
    Case("html-markdown-inside", '<div markdown="1">**Ja**ne Quarrington came.</div>\n'),
    Case("html-inline-img", 'Text Ja<img src="dot.png" alt="">ne Quarrington here.'),
    Case("html-pre", "<pre>Quarr<b></b>ington</pre>\n"),
    Case("html-sup-split", "<div>Then Quarr<sup></sup>ington came.</div>\n"),
    Case("html-run-together", "<div>Jane<b>Quarr</b>ington came.</div>\n"),
]  # fmt: skip

# --- A longer named person never shadows a protected name inside it ----------------
REGISTER = ("Gordon Pryce",)
SHADOWING = [
    Case("sh-junior", "Gordon Pryce Junior spoke.", people=("Gordon Pryce Junior|true",)),
    Case("sh-junior-title", "Words.", people=("Gordon Pryce Junior|true",), title="Gordon Pryce Junior's day"),
    Case("sh-prefix", "Then Sir Gordon Pryce spoke.", people=("Sir Gordon Pryce|true",)),
    Case("sh-middle", "Anna Gordon Pryce came.", people=("Anna Gordon Pryce|true",)),
    Case("sh-in-story", "Mia Lund Hansen came.", people=("Mia Lund", "Mia Lund Hansen|true")),
    Case("sh-other-spelling", "Gordon Price came.", people=("Gordon Price|true",), expect=Kept("Gordon Price came.")),
    Case("sh-named-kept", "Gordon Pryce Junior and Ola Berg came.", people=("Ola Berg|true", "Gordon Pryce Junior|true")),
]  # fmt: skip

# --- Lower-case parts that are not ordinary words ----------------------------------
LOWER_CASE = [
    Case("lc-in-link-target", "Read [this](https://example.org/quarrington/) now."),
    Case("lc-bare-url", "Read https://example.org/quarrington/ now."),
    Case(
        "lc-footnote-label",
        "Text[^quarrington].\n\n[^quarrington]: A note.\n",
    ),
    Case("lc-other-slug", "See [the other story](/stories/quarrington-day/)."),
    Case("lc-in-text", "we saw quarrington there."),
    Case("lc-hashtag", "tagged #quarrington today."),
    Case("lc-anchor", "Go [up](#quarrington) now."),
    Case("lc-heading-id", "## About us {#quarrington}\n\nText.\n", expect=Kept("About us")),
    Case(
        "lc-ordinary-kept",
        "we walked up the hill.",
        people=("Rose Hill",),
        expect=Kept("up the hill."),
    ),
    Case("lc-doe-kept", "the doe ran off.", people=("Jon Doe",), expect=Kept("the doe ran off.")),
    Case("lc-capital-part", "Then Hill said so.", people=("Rose Hill",)),
]

# --- Identifiers, as wide as the examples ----------------------------------
P = ("07700900123",)
IDENTIFIERS = [
    Case("id-bold-split", "Call 07700 **900123** now.", expect=PHONE, secrets=P),
    Case("id-bold-balanced", "Call 07700 **900123** now.", expect=Kept("Call [phone number removed] now."), secrets=P),
    Case("id-three-spaces", "Call 07700   900123 now.", expect=PHONE, secrets=P),
    Case("id-line-break", "Call 07700\n900123 now.", expect=PHONE, secrets=P),
    Case("id-dots", "Call 07700.900.123 now.", expect=PHONE, secrets=P),
    Case("id-plus44-brackets", "Call (+44) 7700 900123 now.", expect=PHONE, secrets=("7700900123",)),
    Case("id-0044", "Call 0044 7700 900123 now.", expect=PHONE, secrets=("7700900123",)),
    Case("id-wa-me", "Message https://wa.me/447700900123 now.", expect=PHONE, secrets=("7700900123",)),
    Case("id-wa-me-link", "[Message me](https://wa.me/447700900123)", expect=PHONE, secrets=("7700900123",)),
    Case("id-fullwidth", "Call ０７７００ ９００１２３ now.", expect=PHONE, secrets=P),
    Case("id-arabic-indic", "Call ٠٧٧٠٠ ٩٠٠١٢٣ now.", expect=PHONE, secrets=P),
    Case("id-o-for-zero", "Call O77OO 9OO123 now.", expect=PHONE, secrets=("O77OO9OO123", "77900123")),
    Case("id-heading", "## Call 07700 900123\n\nText.\n", expect=PHONE, secrets=P),
    Case("id-tag", "Words.", extra='tags: ["07700 900123"]\n', expect=PHONE, secrets=P),
    Case("id-url-encoded", "See https://example.org/?p=07700%20900123 now.", expect=PHONE, secrets=P),
    Case("id-table-cells", "| a | b |\n|---|---|\n| 07700 | 900123 |\n", expect=PHONE, secrets=P),
    Case("id-nhs-odd-groups", "My number is 943-4765-919.", expect=NHS, secrets=("9434765919",)),
    Case("id-nhs-spaces", "My number is 943 476 5919.", expect=NHS, secrets=("9434765919",)),
    Case("id-nhs-in-url", "See https://example.org/p/9434765919 now.", expect=NHS, secrets=("9434765919",)),
    Case("id-postcode-newline", "We live at SW1A\n1AA now.", expect=POSTCODE, secrets=("SW1A1AA",)),
    Case("id-postcode-hyphen", "We live at SW1A-1AA now.", expect=POSTCODE, secrets=("SW1A1AA",)),
    Case("id-postcode-lower", "We live at sw1a1aa now.", expect=POSTCODE, secrets=("SW1A1AA",)),
    Case("id-postcode-title", "Words.", title="Our home at SW1A-1AA", expect=POSTCODE, secrets=("SW1A1AA",)),
    Case("id-postcode-slug", "Words.", extra="slug: home-sw1a-1aa\n", expect=Replaced("postcode removed", in_path=True), secrets=("SW1A1AA",)),
    Case("id-dob-words", "I was born on the third of March 1990.", expect=BIRTH, secrets=("third of March 1990",)),
    Case("id-dob-twenty-first", "My birthday is the twenty-first of June 1985.", expect=BIRTH, secrets=("twenty-first of June 1985",)),
    Case("id-dob-month-first", "I was born March the 3rd, 1990.", expect=BIRTH, secrets=("March the 3rd 1990",)),
    Case("id-dob-slashes", "I was born 03/03/1990.", expect=BIRTH, secrets=("03031990",)),
    Case("id-email-at-dot", "Write to jo [at] example [dot] com today.", expect=EMAIL, secrets=("jo at example dot com",)),
    Case("id-email-parens", "Write to jo(at)example(dot)com today.", expect=EMAIL, secrets=("jo at example dot com",)),
    Case("id-postcode-fullwidth", "We live at ＳＷ１Ａ １ＡＡ now.", expect=POSTCODE, secrets=("SW1A1AA",)),
    Case("id-email-fullwidth-at", "Write to jo＠example.com today.", expect=EMAIL, secrets=("jo example com",)),
    Case("id-email-local", "Write to jane.quarrington@example.com today.", expect=EMAIL, secrets=("quarrington",)),
    Case("id-email-plain", "Write to jo@example.com today.", expect=EMAIL, secrets=("jo example com",)),
]  # fmt: skip

# --- Crashes: attribute lists with bare words --------------------------------------
CRASH = [
    Case("cr-bare-word", "A paragraph.\n{: foo }\n", expect=Kept("A paragraph.")),
    Case("cr-bare-words", "A paragraph.\n{: foo bar baz }\n", expect=Kept("A paragraph.")),
    Case("cr-heading-id-name", "# Quarrington {#Quarrington}\n\nText.\n"),
    Case("cr-heading-bare", "## Hello {: data }\n\nText.\n", expect=Kept("Hello")),
    Case("cr-bare-name", "A paragraph.\n{: Quarrington }\n", expect=Kept("A paragraph.")),
    Case(
        "cr-title-attr-name",
        'A paragraph.\n{: title="Jane Quarrington" }\n',
        expect=Kept("A paragraph."),
    ),
]

# --- Control characters and noncharacters: a finding on the story, not a stop ------
CONTROL_CHARACTERS = [
    Case("cc-bell-in-name", "Ja\x07ne Quarrington came.", expect=CONTROL),
    Case("cc-escape", "Jane Quarr\x1bington came.", expect=CONTROL),
    Case("cc-delete", "Jane Quarr\x7fington came.", expect=CONTROL),
    Case("cc-c1", "Jane Quarr\x85ington came.", expect=CONTROL),
    Case("cc-noncharacter", "Ja\ufdd0ne Quarrington came.", expect=NONCHARACTER),
    Case("cc-fffe", "Jane Quarr\ufffeington came.", expect=NONCHARACTER),
    Case("cc-title", "Words.", title="Ja\x07ne day", expect=Held("cc-title.md:2: 'Jane' — has a control character (U+0007)")),
    Case("cc-line", "One.\n\nTwo.\n\nThe Quarr\x07ingtons.", expect=Held("cc-line.md:15: 'Quarringtons.' — has a control character")),
    Case("cc-person-name", "Jane Quarrington came.", people=("Ja\u0007ne Quarrington",), expect=CONTROL),
    Case("cc-isolate", "We said \u2067مرحبا\u2069 to all.", expect=Kept("مرحبا")),
    Case("cc-no-name", "A bell \x07 rang.", expect=CONTROL),
    Case("cc-neighbour-publishes", "Jane Quarrington came."),
]  # fmt: skip

# --- Ordinary text that was held ------------------------------------------------------
OVER_HOLDING = [
    Case("oh-micro-sign", "Take 50µg daily.", expect=Kept("50µg")),
    Case("oh-greek-mu", "Take 50μg daily.", expect=Kept("50μg")),
    Case("oh-micro-litre", "Add 5 µl of water.", expect=Kept("5 µl")),
    Case("oh-micrometre", "A 2μm filter.", expect=Kept("2μm")),
    Case("oh-rtl-arabic", "We said \u200fمرحبا\u200f to everyone.", expect=Kept("مرحبا")),
    Case("oh-lrm-arabic", "The word \u200eمرحبا\u200e means hello.", expect=Kept("مرحبا")),
    Case("oh-rtl-hebrew", "We sang \u200fשלום\u200f together.", expect=Kept("שלום")),
    Case("oh-alm", "We said \u061cمرحبا to all.", expect=Kept("مرحبا")),
    Case("oh-arabic-plain", "We said مرحبا together.", expect=Kept("مرحبا")),
    Case("oh-russian-word", "She said спасибо to us.", expect=Kept("спасибо")),
    Case("oh-greek-word", "The word αγάπη is Greek.", expect=Kept("αγάπη")),
    Case("oh-emoji-zwj", "The 👩\u200d🌾 grows food.", expect=Kept("grows food")),
    Case("oh-modifier-apostrophe-protected", "OʼNeill was kind.", people=("Rory O'Neill",)),
]

# --- Still held: hidden letters and mixed scripts inside Latin names ----------------
STILL_HELD = [
    Case("hd-zero-width", "Ja\u200bne Quarrington came.", expect=HIDDEN),
    Case("hd-soft-hyphen", "Jane Quarr\u00adington came.", expect=HIDDEN),
    Case("hd-rlm-in-latin", "Jane Quarr\u200fington came.", expect=HIDDEN),
    Case("hd-rlo", "\u202enotgnirrauQ enaJ came.", expect=HIDDEN),
    Case("hd-cyrillic-j", "Јane Quarrington came.", expect=MIXED),
    Case("hd-greek-o", "Jane Quarringtοn came.", expect=MIXED),
]

# --- Every place a reader looks ------------------------------------------------------
FIELDS = [
    Case("f-title", "Words.", title="Jane Quarrington's day"),
    Case("f-tag-plural", "Words.", extra="tags: [Quarringtons]\n"),
    Case("f-tag-spaced", "Words.", extra="tags: [J A N E Q U A R R I N G T O N]\n"),
    Case("f-summary", "Words.", extra='summary: "JaneQuarrington helped"\n'),
    Case("f-content-warning", "Words.", extra="content_warning: Mentions the Quarringtons\n"),
    Case("f-footnote-text", "Text[^1].\n\n[^1]: JaneQuarrington said so.\n"),
    Case("f-footnote-label-camel", "Text[^JaneQuarrington].\n\n[^JaneQuarrington]: A note.\n"),
    Case("f-link-title", 'Go [there](https://example.org/ "JaneQuarrington").'),
    Case("f-abbreviation", "*[HQ]: JaneQuarrington\n\nHQ came.\n"),
    Case("f-definition", "Quarringtons\n:   a family\n"),
    Case("f-table-header", "| JaneQuarrington | b |\n|---|---|\n| x | y |\n"),
    Case("f-blockquote", "> The Quarringtons said so.\n"),
    Case("f-list", "- JaneQuarrington\n- others\n"),
    Case("f-image-alt-inline", "Text ![JaneQuarrington](https://example.org/a.png) end."),
    Case("f-emphasis-plural", "*The Quarringtons* came."),
    Case("f-image-alt", "Words.", extra="image: {src: images/pic.png, alt: JaneQuarrington smiling}\n"),
    Case("f-image-alt-body", "![The Quarringtons at home](images/pic.png)\n\nWords."),
    Case("f-image-title", '![A picture](images/pic.png "JaneQuarrington")\n\nWords.'),
]  # fmt: skip

GROUPS: dict[str, tuple[list[Case], str, tuple[str, ...]]] = {
    "run_together": (RUN_TOGETHER, BASIC_CONFIG, ()),
    "plurals": (PLURALS, BASIC_CONFIG, ()),
    "look_alikes": (LOOK_ALIKES, BASIC_CONFIG, ()),
    "spacing": (SPACING, BASIC_CONFIG, ()),
    "raw_html": (RAW_HTML, BASIC_CONFIG, ()),
    "shadowing": (
        SHADOWING,
        BASIC_CONFIG + '\n[[anonymise.people]]\nname = "Gordon Pryce"\nnamed = false\n',
        REGISTER,
    ),
    "lower_case": (LOWER_CASE, BASIC_CONFIG, ()),
    "identifiers": (IDENTIFIERS, BASIC_CONFIG, ()),
    "crash": (CRASH, BASIC_CONFIG, ()),
    "control_characters": (CONTROL_CHARACTERS, BASIC_CONFIG, ()),
    "over_holding": (OVER_HOLDING, BASIC_CONFIG, ()),
    "still_held": (STILL_HELD, BASIC_CONFIG, ()),
    "fields": (FIELDS, BASIC_CONFIG, ()),
}

CASES = [(group, case) for group, (cases, _, _) in GROUPS.items() for case in cases]


@pytest.fixture(scope="module")
def site_of(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], SiteRun]:
    built: dict[str, SiteRun] = {}

    def site(group: str) -> SiteRun:
        if group not in built:
            cases, config, _ = GROUPS[group]
            root: Path = tmp_path_factory.mktemp(group)
            built[group] = build_cases(root, cases, config)
        return built[group]

    return site


def test_the_suite_is_wide() -> None:
    assert len(CASES) >= 150
    assert len({case.id for _, case in CASES}) == len(CASES)


@pytest.mark.parametrize(("group", "case"), CASES, ids=[c.id for _, c in CASES])
def test_case(site_of: Callable[[str], SiteRun], group: str, case: Case) -> None:
    cases, _, register = GROUPS[group]
    named = [p.removesuffix("|true") for c in cases for p in c.people if p.endswith("|true")]
    check(site_of(group), case, register, named)


def test_a_replacement_inside_raw_html_stays_text(tmp_path: Path) -> None:
    """The tree pass writes the replacement into raw HTML as text: markup in a shown_as
    is shown as its characters, never as tags."""
    extra = (
        'people:\n  - name: Jane Quarrington\n    named: false\n    shown_as: "<b>Sam</b> & co"\n'
    )
    case = Case(
        "raw-shown-as",
        "<div>Ja<b></b>ne Quarrington came.</div>\n",
        expect=Kept("<b>Sam</b> & co came."),
        people=(),
        extra=extra,
    )
    run = build_cases(tmp_path, [case])
    check(run, case, register=("Jane Quarrington",))
    page = run.page_of(case)
    assert page is not None
    assert "&lt;b&gt;Sam&lt;/b&gt; &amp; co came." in run.files[page[0]].decode()
