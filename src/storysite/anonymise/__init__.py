"""The anonymiser: SourceStory -> AnonymisedStory, plus the findings that hold a story.

Every reader-facing field goes through the anonymiser: the body, title, summary,
tags, image alt text, content warning, and the slug. In each, declared names and
identifiers (e-mail, phone, NHS number, postcode, date of birth) are replaced,
after undoing HTML entities and %-encoding so an encoded name is still found;
hidden letters and probable undeclared names become findings that hold the story.
The rendered document gets a second pass over its element tree (tree.py).

The anonymiser itself (``Anonymiser``, anonymiser.py) is loaded when first asked for:
a build that takes every story from its cache needs only two of this package's
modules (the gate reads ``folding`` and ``vocabulary``) and starts sooner without it.
"""

from __future__ import annotations

import importlib
from typing import Any


def __getattr__(name: str) -> Any:
    """``Anonymiser`` and the rest of anonymiser.py, loaded on first use."""
    if name.startswith("__"):  # asked for by tools looking the package over
        raise AttributeError(name)
    return getattr(importlib.import_module(f"{__name__}.anonymiser"), name)
