"""Slugs: the a-z, 0-9 and '-' words in URLs."""

from __future__ import annotations

import re
import unicodedata


def slugify(text: str) -> str:
    """``"Zoë's first workshop!"`` -> ``"zoes-first-workshop"``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    ascii_text = re.sub(r"['\u2019]", "", ascii_text.lower())
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
