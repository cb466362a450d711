"""The token only the anonymiser holds. An AnonymisedStory built without it is refused,
so raw story text cannot reach a template by accident."""

ANONYMISER_SEAL = object()
