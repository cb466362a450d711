"""Helpers for the adversarial suite: look for a string in every output file and path,
the way a reader, a crawler or a script could see it."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path
from urllib.parse import unquote

from PIL import Image
from sitekit import read_tree

HIDDEN = re.compile("[\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")


def views(text: str) -> list[str]:
    """The text as written, with entities and %-encoding undone, and with tags removed."""
    decoded = HIDDEN.sub("", unquote(html.unescape(html.unescape(text))))
    return [text, decoded, re.sub(r"<[^>]*>", "", decoded), re.sub(r"<[^>]*>", " ", decoded)]


def traces(output: Path, needle: str) -> list[str]:
    """Where ``needle`` (any case, any run of spaces/-/_/. for a space) shows in the output."""
    parts = [re.escape(p) for p in needle.split()]
    pattern = re.compile(r"(?<![^\W_])" + r"[\s\-_.]+".join(parts) + r"(?![^\W_])", re.I)
    found = []
    for name, data in read_tree(output).items():
        if pattern.search(name):
            found.append(f"path {name}")
        if name.endswith((".png", ".jpg", ".jpeg", ".gif", ".webp")):
            continue
        text = data.decode("utf-8", "replace")
        if any(pattern.search(v) for v in views(text)):
            found.append(name)
    return found


def story_pages(output: Path) -> list[str]:
    return sorted(p.parent.name for p in output.glob("stories/*/index.html"))


def story_body(output: Path, slug: str) -> str:
    page = (output / "stories" / slug / "index.html").read_text(encoding="utf-8")
    start = page.index('class="story-body">')
    return page[start : page.index("</div>", start)]


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 100, 50)).save(buffer, "PNG")
    return buffer.getvalue()


def people(*entries: str) -> str:
    """Front matter for people: 'Jane Doe' (named false) or 'Jane Doe|true'."""
    lines = ["people:\n"]
    for entry in entries:
        name, _, named = entry.partition("|")
        lines.append(f"  - name: {name}\n    named: {named or 'false'}\n")
    return "".join(lines)
