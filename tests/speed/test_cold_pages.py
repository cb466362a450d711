"""The pages' quicker ways write the same bytes: every ``{{ value }}`` made printable
without a call when it already is, the long date worked out once per day, and the
feedback form's choices written out rather than looped over."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup as SafeHTML

from storysite import feeds
from storysite.config import SiteConfig
from storysite.render import Renderer, long_date, printable_output

#: What feeds.printable takes out or changes, and what it keeps.
AWKWARD = ["\x00", "\x07", "\x0b", "\x0c", "\x1f", "\x7f", "\x85", "\x9f", "\ufdd0", "\ufffe",
           "\U0001fffe", "\U0010ffff", "\n", "\r", "\t", " ", "\u00a0", "\u200b", "\u2028",
           "é", "<", "&", "Ana"]  # fmt: skip
texts = st.lists(st.sampled_from(AWKWARD) | st.text(max_size=3), max_size=12).map("".join)


def old_printable_output(value: Any) -> Any:
    """render.printable_output as it was."""
    if isinstance(value, SafeHTML):
        return SafeHTML(feeds.printable(str(value)))
    if isinstance(value, str):
        return feeds.printable(value)
    return value


@settings(max_examples=2000, deadline=None)
@given(texts | texts.map(SafeHTML) | st.integers() | st.none() | st.booleans())
def test_printable_output_is_as_before(value: object) -> None:
    new, old = printable_output(value), old_printable_output(value)
    assert new == old
    assert type(new) is type(old)


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=dt.date(1900, 1, 1)))
def test_long_date_is_as_before(day: dt.date) -> None:
    assert long_date(day) == f"{day.day} {day.strftime('%B %Y')}"
    assert long_date(day) == f"{day.day} {day.strftime('%B %Y')}"  # from the cache


#: The theme's _feedback_form.html as it was, with its choices in two loops.
OLD_FEEDBACK_FORM = """\
<form class="feedback-form" method="post" action="{{ site.feedback_action }}">
  <h2 class="form-heading">Tell us what you thought</h2>
  <input type="hidden" name="story" value="{{ story.slug }}">
  <input type="hidden" name="page" value="{{ story.path }}">
  <fieldset>
    <legend>Was this story useful?</legend>
    <div class="choices">
      <span class="choice"><input id="useful-yes" type="radio" name="useful" value="yes"><label for="useful-yes">Yes</label></span>
      <span class="choice"><input id="useful-no" type="radio" name="useful" value="no"><label for="useful-no">No</label></span>
    </div>
  </fieldset>
  <fieldset>
    <legend>How would you rate it? 1 = poor, 5 = great</legend>
    <div class="choices">
    {% for n in range(1, 6) %}
      <span class="choice"><input id="rating-{{ n }}" type="radio" name="rating" value="{{ n }}"><label for="rating-{{ n }}">{{ n }}</label></span>
    {% endfor %}
    </div>
  </fieldset>
  <fieldset>
    <legend>How useful was it to you? 1 = not useful at all, 5 = very useful</legend>
    <div class="choices">
    {% for n in range(1, 6) %}
      <span class="choice"><input id="usefulness-{{ n }}" type="radio" name="usefulness" value="{{ n }}"><label for="usefulness-{{ n }}">{{ n }}</label></span>
    {% endfor %}
    </div>
  </fieldset>
  <div class="trap" aria-hidden="true">
    <label for="feedback-website">Leave this empty</label>
    <input id="feedback-website" name="website" type="text" tabindex="-1" autocomplete="off">
  </div>
  <button type="submit">Send feedback</button>
  {% if site.privacy_url %}<p class="privacy"><a href="{{ site.privacy_url }}">How we use your answers (privacy notice)</a></p>{% endif %}
</form>
"""  # noqa: E501


class _Story:
    slug = "a-story"
    path = "stories/a-story/"


def test_the_feedback_form_is_as_before(tmp_path: Path) -> None:
    for privacy_url in ("", "https://example.org/privacy"):
        config = SiteConfig(root=tmp_path, title="T", privacy_url=privacy_url)
        env = Renderer(config).env
        context = {"story": _Story(), "root": "../../", "page_path": "stories/a-story/"}
        new = env.get_template("_feedback_form.html").render(**context)
        old = env.from_string(OLD_FEEDBACK_FORM).render(**context)
        assert new == old
        assert 'id="usefulness-5"' in new and ("privacy" in new) == bool(privacy_url)
