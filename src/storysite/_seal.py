"""The token only the anonymiser holds. An AnonymisedStory built without it is refused,
so raw story text cannot reach a template by accident.

An AnonymisedStory crosses a process boundary (a worker's result, a build cache entry)
as its fields: the seal itself cannot, so ``_restore`` seals it again on the way in.
Only storysite's own processes and its signed cache (incremental.py) unpickle.
"""

from __future__ import annotations

import copyreg
import dataclasses
from collections.abc import Callable

from storysite.models import AnonymisedStory

ANONYMISER_SEAL = object()


def _restore(fields: dict[str, object]) -> AnonymisedStory:
    """A story anonymised by a worker process of the same build (see parallel.py), or
    read from the build cache, rebuilt from its pickle."""
    return AnonymisedStory(**fields, seal=ANONYMISER_SEAL)  # type: ignore[arg-type]


def _reduce(
    story: AnonymisedStory,
) -> tuple[Callable[..., AnonymisedStory], tuple[dict[str, object]]]:
    fields = {f.name: getattr(story, f.name) for f in dataclasses.fields(story)}
    del fields["seal"]
    return _restore, (fields,)


copyreg.pickle(AnonymisedStory, _reduce)
