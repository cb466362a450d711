"""Front matter is read with PyYAML's C loader (libyaml, about five times faster); the
pure-Python loader, with the same rules of ours on top, reads every front matter
the same: the same values of the same types, or an error of the same kind."""

from __future__ import annotations

import math
import re

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from storysite.loading import StoryLoader, story_loader

pytestmark = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML without libyaml")

PURE = story_loader(yaml.SafeLoader)
#: A non-specific tag: "!" alone, not part of "!!".
NON_SPECIFIC_TAG_RE = re.compile(r"(?<!!)!(?!!)")

#: Scalars that YAML 1.1 reads as something other than text, and their near misses.
SCALARS = [
    "no", "No", "NO", "yes", "on", "off", "On", "y", "n", "true", "True", "TRUE", "false",
    "tRUE", "1e3", "1E3", "1.5", ".5", "-1", "+1", "0x1F", "0o17", "017", "0b101", "1_000",
    "12:30:00", "190:20:30", ".inf", "-.Inf", ".nan", "NaN", "~", "null", "Null", "",
    "2026-01-01", "2026-02-30", "2026-1-1", "2026-01-01T10:00:00Z", "2026-01-01 10:00",
    "Zoë", "日本語", "O'Brien", "Jane \u200bDoe", "a: b", "#x", "- x", "[a", "{a",
    "'single'", "'it''s'", '"double"', '"esc \\u00e9 \\t \\x41"', '"\\a"', '"unclosed',
    "!!str 12", "!!int 12", "!!float 1", "!!bool yes", "!!timestamp 2026-01-01",
    "!!binary aGk=", "&a x", "*a", "|\n  block\n  text", ">\n  folded\n  text", "'a\n  b'",
    "%", "@x", "`x", "x #comment", "x# not comment", "-", "?", ":",
]  # fmt: skip
KEYS = ["title", "date", "summary", "tags", "slug", "draft", "publish", "name", "named",
        "shown_as", "aliases", "1", "yes", "~", "<<", "title"]  # fmt: skip

scalars = st.sampled_from(SCALARS) | st.text(max_size=6)


def indent(text: str, by: int) -> str:
    return "\n".join(" " * by + line if line else line for line in text.split("\n"))


def value(depth: int = 0) -> st.SearchStrategy[str]:
    flow = st.lists(scalars, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]")
    if depth >= 2:
        return scalars | flow
    block_list = st.lists(value(depth + 1), min_size=1, max_size=3).map(
        lambda xs: "\n" + "\n".join(indent(f"- {x}", 2) for x in xs)
    )
    mapping = st.lists(st.tuples(st.sampled_from(KEYS), value(depth + 1)), max_size=3).map(
        lambda kvs: "\n" + "\n".join(indent(f"{k}: {v}", 2) for k, v in kvs)
    )
    return scalars | flow | block_list | mapping


front_matter = st.lists(st.tuples(st.sampled_from(KEYS), value()), max_size=6).map(
    lambda kvs: "\n".join(f"{k}: {v}" for k, v in kvs) + "\n"
) | st.lists(st.sampled_from([*SCALARS, ": ", "\n", "  ", "- "]), max_size=12).map("".join)


def read(text: str, loader: object) -> tuple[str, object]:
    try:
        return "value", comparable(yaml.load(text, Loader=loader))
    except yaml.YAMLError:
        # libyaml and PyYAML may name one mistake differently (scanner or parser) and,
        # for a bracket left open at the end, place it a line apart: the story is
        # refused either way.
        return "refused", None
    except Exception as error:  # !!int x, !!bool x: whatever either raises
        return type(error).__name__, str(error)


def comparable(data: object) -> object:
    """``data`` with its types, and NaN made equal to itself."""
    if isinstance(data, dict):
        return ("dict", [(comparable(k), comparable(v)) for k, v in data.items()])
    if isinstance(data, list):
        return ("list", [comparable(x) for x in data])
    if isinstance(data, float) and math.isnan(data):
        return ("float", "nan")
    return (type(data).__name__, data)


@settings(max_examples=3000, deadline=None)
@given(front_matter)
def test_the_c_loader_reads_as_the_pure_one(text: str) -> None:
    c, pure = read(text, StoryLoader), read(text, PURE)
    # Whatever both read, they read alike. What each refuses is not the same in every
    # corner (a tab in a plain value, a '?' or a 'key:' inside [ ]: see below); loading
    # read front matter with libyaml before this test, and a refusal is a problem with
    # the story's path either way, never a value read differently.
    # A non-specific tag ("!", not "!!") on an empty value is read as "" by libyaml and
    # as None by PyYAML (see below): left out here.
    if "refused" not in (c[0], pure[0]) and not NON_SPECIFIC_TAG_RE.search(text):
        assert c == pure


def test_the_known_differences_are_only_about_refusing() -> None:
    assert read("title: a\tb\n", StoryLoader) == ("value", ("dict", [(("str", "title"),
                                                    ("str", "a\tb"))]))  # fmt: skip
    assert read("tags: [?, no]\n", StoryLoader) == ("refused", None)
    assert read("title: [0:]\n", StoryLoader) == ("refused", None)  # PyYAML reads {0: None}
    assert read("title: [0:]\n", PURE)[0] == "value"
    # The one value read differently: a non-specific tag on an empty value. libyaml (which
    # loading uses) reads text, "", which every field that must be text then refuses
    # as empty, as it refuses a missing one (tests/contract).
    assert read("title: !\n", StoryLoader) == ("value", ("dict", [(("str", "title"),
                                                    ("str", ""))]))  # fmt: skip
    assert read("title: !\n", PURE) == ("value", ("dict", [(("str", "title"),
                                               ("NoneType", None))]))  # fmt: skip


@pytest.mark.parametrize("scalar", SCALARS)
def test_each_edge_scalar_is_read_alike(scalar: str) -> None:
    for text in (f"title: {scalar}\n", f"tags:\n  - {scalar}\n", f"people:\n  - name: {scalar}\n"):
        assert read(text, StoryLoader) == read(text, PURE)


def test_our_rules_hold_in_both() -> None:
    for loader in (StoryLoader, PURE):
        data = yaml.load("a: yes\nb: on\nc: true\nd: 2026-01-01\n", Loader=loader)
        assert data == {"a": "yes", "b": "on", "c": True, "d": "2026-01-01"}
        with pytest.raises(yaml.constructor.ConstructorError, match="written twice"):
            yaml.load("a: 1\na: 2\n", Loader=loader)
    assert StoryLoader.__mro__[1] is yaml.CSafeLoader
