"""Markdown -> sanitised HTML and plain text.

Story text is only ever Markdown: it is never evaluated as a template, and the HTML
it becomes is cleaned by nh3 (no script, style, iframe, event handlers or
``javascript:`` links), so a story cannot run code in a reader's browser.
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import markdown
import nh3
from markdown.treeprocessors import Treeprocessor

from storysite.models import Markup

#: Python-Markdown's smart-quotes extension ("smarty") doubled the cost of a conversion
#: measured alone; _SmartPunctuation below does its job on the finished text nodes.
EXTENSIONS = ["extra", "sane_lists"]
#: Python-Markdown's default: a tab reaches the next multiple of four columns.
TAB_LENGTH = 4

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details",
    "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
    "*": {"id"},
}
URL_SCHEMES = {"http", "https", "mailto"}


#: A pass over the parsed document, given its root and Markdown's stash of raw HTML.
#: The anonymiser's second pass (anonymise/tree.py) is one.
TreeHook = Callable[[ET.Element, list[Any]], None]


class _Hooks(Treeprocessor):
    """Runs the current story's tree hooks last, after inline patterns and unescaping."""

    hooks: Sequence[TreeHook] = ()

    def run(self, root: ET.Element) -> None:
        for hook in self.hooks:
            hook(root, self.md.htmlStash.rawHtmlBlocks)


_DASHES = ((re.compile(r"(?<!-)---(?!-)"), "\u2014"), (re.compile(r"(?<!-)--(?!-)"), "\u2013"))
_QUOTE_RE = re.compile(r"[\"']")
_OPENS_AFTER = frozenset(" \t\n\r([{\u2014\u2013-/")
_NO_SMARTS = frozenset({"code", "pre", "kbd", "samp", "script", "style"})
_BLOCKS = frozenset(
    {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "blockquote",
     "div", "figcaption", "caption"}
)  # fmt: skip


class _SmartPunctuation(Treeprocessor):
    """Typographic quotes, dashes and ellipses in prose, never in code.

    Text is read in document order, so a quote just after ``**bold**`` knows the
    letter before it and closes instead of opening."""

    def run(self, root: ET.Element) -> None:
        self._previous = " "
        self._walk(root)

    def _walk(self, element: ET.Element) -> None:
        if element.tag in _NO_SMARTS:
            self._previous = "x"
            return
        if element.tag in _BLOCKS:
            self._previous = " "
        if element.text:
            element.text = self._smarten(element.text)
        for child in element:
            self._walk(child)
            if child.tail:
                child.tail = self._smarten(child.tail)

    def _smarten(self, text: str) -> str:
        text = text.replace("...", "\u2026")
        if "--" in text:  # what both dashes need
            for pattern, dash in _DASHES:
                text = pattern.sub(dash, text)
        previous = self._previous
        self._previous = text[-1]
        if "'" not in text and '"' not in text:
            return text
        return _QUOTE_RE.sub(lambda m: _curly(m, text, previous), text)


def _curly(match: re.Match[str], text: str, previous: str) -> str:
    before = text[match.start() - 1] if match.start() else previous
    opening = before in _OPENS_AFTER
    if match.group() == '"':
        return "\u201c" if opening else "\u201d"
    return "\u2018" if opening else "\u2019"


#: Python-Markdown runs every pattern over every piece of text, whether or not the
#: document could hold what the pattern looks for. Each entry names the processors
#: that cannot match a document lacking all of the given strings: the inline pattern
#: for footnotes needs "[^", a table needs "|", and so on. No processor makes these
#: characters (tabs become spaces, raw HTML and escapes become placeholders), so a
#: document without them renders the same with those processors left out; a test
#: renders random documents both ways. Together this saves about a third of the time.
_NEEDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("inline", "footnote", ("[^",)),
    ("inline", "backtick", ("`",)),
    ("inline", "escape", ("\\",)),
    ("inline", "entity", ("&",)),
    ("inline", "html", ("<",)),
    ("inline", "autolink", ("<",)),
    ("inline", "automail", ("<",)),
    ("inline", "reference", ("[",)),
    ("inline", "link", ("[",)),
    ("inline", "short_reference", ("[",)),
    ("inline", "image_link", ("![",)),
    ("inline", "image_reference", ("![",)),
    ("inline", "short_image_ref", ("![",)),
    ("block", "reference", ("[",)),
    ("block", "table", ("|",)),
    ("block", "footnote", ("[^",)),
    ("block", "abbr", ("*[",)),
    ("block", "markdown_block", ("<",)),
    ("block", "deflist", (":",)),
    ("block", "defindent", (":",)),
    ("pre", "fenced_code_block", ("```", "~~~")),
    # It also completes a numeric reference written without its ";" ("&#97").
    ("pre", "html_block", ("<", "&#")),
    ("tree", "attr_list", ("{",)),
    # It restores what the escape pattern (and only it) put in placeholders.
    ("tree", "unescape", ("\\",)),
    ("inline", "linebreak", ("  \n",)),
    # Asterisks and underscores, both read by one processor.
    ("inline", "em_strong", ("*", "_")),
)
_NEEDLES = tuple(sorted({n for _, _, needs in _NEEDS for n in needs}))
_RAW_HTML = next(needs for kind, name, needs in _NEEDS if name == "html_block")
_MAX_VARIANTS = 32


def _unused(source: str) -> frozenset[tuple[str, str]]:
    """The processors that cannot match anything in ``source`` (see _NEEDS). Where
    raw HTML is read (html_block runs), a need of two or more characters may appear
    that the source does not hold: its preprocessor takes entities out of the text
    ("!&amp;[x](y.png)" next to a tag becomes an image), so those are kept."""
    text = _as_markdown_reads(source)
    missing = frozenset(n for n in _NEEDLES if n not in text)
    if not missing.issuperset(_RAW_HTML):
        missing = frozenset(n for n in missing if len(n) == 1)
    return _unused_without(missing)


@functools.lru_cache(maxsize=1024)
def _unused_without(missing: frozenset[str]) -> frozenset[tuple[str, str]]:
    """The processors whose every need is ``missing`` from a document."""
    return frozenset((kind, name) for kind, name, needs in _NEEDS if missing.issuperset(needs))


def _as_markdown_reads(source: str) -> str:
    """``source`` with the changes Python-Markdown makes before any processor reads it
    (its NormalizeWhitespace): a tab becomes spaces ("a\\t\\n" ends a line with two),
    a carriage return a line feed, and its placeholder marks are taken out."""
    if "\t" not in source and "\r" not in source and "\x02" not in source and "\x03" not in source:
        return source
    text = source.replace("\x02", "").replace("\x03", "")
    return text.replace("\r\n", "\n").replace("\r", "\n").expandtabs(TAB_LENGTH)


class MarkdownRenderer:
    """Python-Markdown, reset between stories: cheaper than a new one per story. One
    instance is kept per set of processors a document can use (see _NEEDS)."""

    def __init__(self) -> None:
        self._variants: dict[frozenset[tuple[str, str]], tuple[markdown.Markdown, _Hooks]] = {}

    def render(self, source: str, hooks: Sequence[TreeHook] = ()) -> Markup:
        md, tree_hooks = self._variant(_unused(source))
        md.reset()
        tree_hooks.hooks = hooks
        try:
            raw = md.convert(source)
        finally:
            tree_hooks.hooks = ()
        clean = sanitise(_demote_h1(raw))
        return Markup(clean)

    def _variant(self, unused: frozenset[tuple[str, str]]) -> tuple[markdown.Markdown, _Hooks]:
        found = self._variants.get(unused)
        if found is None:
            if len(self._variants) >= _MAX_VARIANTS:
                self._variants.clear()
            md, hooks = _new_markdown(unused)
            found = self._variants[unused] = _settle(md), hooks
        return found


def _new_markdown(unused: frozenset[tuple[str, str]]) -> tuple[markdown.Markdown, _Hooks]:
    md = markdown.Markdown(extensions=EXTENSIONS, output_format="html")
    hooks = _Hooks(md)
    md.treeprocessors.register(hooks, "storysite-hooks", -100)
    md.treeprocessors.register(_SmartPunctuation(md), "storysite-smarts", 15)
    # A backslash keeps a quote straight, as it did with Python-Markdown's smarty.
    md.ESCAPED_CHARS.extend(['"', "'"])
    registries: dict[str, markdown.util.Registry[Any]] = {
        "inline": md.inlinePatterns,
        "block": md.parser.blockprocessors,
        "pre": md.preprocessors,
        "tree": md.treeprocessors,
    }
    for kind, name in unused:
        registries[kind].deregister(name)
    return md, hooks


def _settle(md: markdown.Markdown) -> markdown.Markdown:
    """``md`` reading its block processors and inline patterns from registries that no
    longer change (see _Settled). Nothing registers a processor after this."""
    md.parser.blockprocessors = _Settled.of(md.parser.blockprocessors)
    inline = md.treeprocessors["inline"]
    inline.inlinePatterns = md.inlinePatterns = _Settled.of(md.inlinePatterns)  # type: ignore[attr-defined]
    md.is_block_level = functools.partial(_is_block_level, frozenset(md.block_level_elements))  # type: ignore[method-assign]
    return md


def _is_block_level(blocks: frozenset[str], tag: object) -> bool:
    """``Markdown.is_block_level`` over a set rather than its list of fifty names."""
    return isinstance(tag, str) and tag.lower().rstrip("/") in blocks


class _Settled(markdown.util.Registry[Any]):
    """A Registry that keeps its items in a tuple. Python-Markdown iterates its block
    processors for every block and looks an inline pattern up by number for every
    pattern tried on every text; a Registry checks its order and makes a new list each
    time (a tenth of a conversion). Changing it afterwards is refused."""

    _items: tuple[Any, ...] = ()

    @classmethod
    def of(cls, registry: markdown.util.Registry[Any]) -> _Settled:
        settled = cls()
        for name, priority in registry._priority:  # type: ignore[attr-defined]
            markdown.util.Registry.register(settled, registry[name], name, priority)
        settled._items = tuple(registry)
        return settled

    def __iter__(self) -> Iterator[Any]:
        return iter(self._items)

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, int):
            return self._items[key]
        return super().__getitem__(key)

    def register(self, item: Any, name: str, priority: float) -> None:
        raise TypeError("a settled registry does not change")

    def deregister(self, name: str, strict: bool = True) -> None:
        raise TypeError("a settled registry does not change")


_H1_RE = re.compile(r"<(/?)h1(\s|>)")


def _demote_h1(raw: str) -> str:
    """A story page has one h1, its title: headings in the text start at h2."""
    return _H1_RE.sub(r"<\1h2\2", raw) if "h1" in raw else raw


#: nh3's settings, made into a sanitiser once rather than on every call.
_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def sanitise(raw: str) -> str:
    return _CLEANER.clean(raw)
