"""Typographic quotes and dashes in prose, done by our own pass (markup.py)."""

from __future__ import annotations

import pytest

from storysite.markup import MarkdownRenderer


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("It was Jane's idea.", "<p>It was Jane’s idea.</p>"),
        ('She said "yes".', "<p>She said “yes”.</p>"),
        ("'single' quotes", "<p>‘single’ quotes</p>"),
        ('"**bold**" words', "<p>“<strong>bold</strong>” words</p>"),
        ("- 'one'\n- \"two\"", "<ul>\n<li>‘one’</li>\n<li>“two”</li>\n</ul>"),
        ("wait... then -- now --- done", "<p>wait… then – now — done</p>"),
        ('`say "hi"` here', '<p><code>say "hi"</code> here</p>'),
        ('```\nprint("x")\n```', '<pre><code>print("x")\n</code></pre>'),
        ('\\"straight\\"', '<p>"straight"</p>'),
        ("a - b and x-ray", "<p>a - b and x-ray</p>"),
    ],
)
def test_prose_gets_typographic_punctuation(source: str, html: str) -> None:
    assert MarkdownRenderer().render(source).html == html
