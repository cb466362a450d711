"""HYPOTHESIS_PROFILE=mutation (set by `make mutation`): fewer examples per test, so
each of hundreds of mutants is tried in seconds."""

import os

import pytest
from hypothesis import settings

from storysite import audit, skeleton, views

settings.register_profile("mutation", max_examples=12, deadline=None)
if os.environ.get("HYPOTHESIS_PROFILE") == "mutation":
    settings.load_profile("mutation")


@pytest.fixture(autouse=True)
def _fresh_skeleton_tables() -> None:
    """The skeleton's translation tables fill themselves as characters are met: empty
    them, so every test reads each character through the code (mutation testing
    would otherwise see a table filled before the mutant was switched on)."""
    skeleton._LETTERS.clear()
    skeleton._NUMBERS.clear()
    skeleton._maybe_digit_line_re.cache_clear()  # made from number_char
    views._tag.cache_clear()  # the tokenizer's tags, read once each, likewise
    views._part.cache_clear()  # the parts of pages, likewise
    audit._KEPT.clear()  # and what runs of blocks give
    audit._SEEN.clear()
