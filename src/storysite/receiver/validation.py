"""Turning a posted form into a stored answer, or a short reason for refusing it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from .store import FeedbackAnswer, NewsletterSignup

SLUG_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,119}")
PAGE_RE = re.compile(r"/?(?:[A-Za-z0-9_.~-]+/)*[A-Za-z0-9_.~-]*")
VERSION_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._:/()-]{0,39}")
EMAIL_LOCAL_RE = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}")
DOMAIN_LABEL_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
SCALE = ("1", "2", "3", "4", "5")
MAX_PAGE = 200
HONEYPOT = "website"
ANSWERS = ("useful", "rating", "usefulness")
KNOWN_FIELDS = frozenset(
    {"story", *ANSWERS, "page", HONEYPOT, "email", "consent", "consent_version"}
)


class InvalidAnswer(ValueError):
    """The reason is shown to the person who sent the form, so keep it short and plain."""


@dataclass(frozen=True)
class Form:
    """A parsed form: each field at most once."""

    fields: Mapping[str, str]

    def get(self, name: str, *, trim: bool = False) -> str | None:
        """The value, or None when the field is missing or blank (left out).

        Only free text (an e-mail address) is trimmed: a choice sent as " 3" did not
        come from the form's radio buttons, so it is kept as sent and refused."""
        value = self.fields.get(name)
        if value is None or not value.strip():
            return None
        return value.strip() if trim else value

    def is_bot(self) -> bool:
        return self.get(HONEYPOT) is not None


def build_form(pairs: list[tuple[str, str]]) -> Form:
    fields: dict[str, str] = {}
    for name, value in pairs:
        if name in fields:
            # Name only our own fields: an error page never repeats what a client sent.
            known = name if name in KNOWN_FIELDS else "a field"
            raise InvalidAnswer(f"{known} was sent more than once")
        fields[name] = value
    return Form(fields)


def _scale(form: Form, name: str) -> int | None:
    value = form.get(name)
    if value is None:
        return None
    if value not in SCALE:
        raise InvalidAnswer(f"{name} must be a whole number from 1 to 5")
    return int(value)


def _page(form: Form) -> str | None:
    value = form.get("page")
    if value is None:
        return None
    if len(value) > MAX_PAGE or not PAGE_RE.fullmatch(value) or ".." in value:
        raise InvalidAnswer("page must be a path on this site, like stories/my-story/")
    return value


def feedback_answer(form: Form, published: frozenset[str]) -> FeedbackAnswer:
    """The answer, for a story the site publishes, with at least one question answered."""
    story = form.get("story")
    if story is None:
        raise InvalidAnswer("story is required")
    if not SLUG_RE.fullmatch(story):
        raise InvalidAnswer("story must be a story's slug")
    if story not in published:
        raise InvalidAnswer("story is not a story this site publishes")
    useful = form.get("useful")
    if useful is not None and useful not in ("yes", "no"):
        raise InvalidAnswer("useful must be yes or no")
    answer = FeedbackAnswer(
        story=story,
        useful=useful,
        rating=_scale(form, "rating"),
        usefulness=_scale(form, "usefulness"),
        page=_page(form),
    )
    if answer.useful is None and answer.rating is None and answer.usefulness is None:
        raise InvalidAnswer("answer at least one question")
    return answer


def check_email(value: str | None) -> str:
    """A deliberately plain check: one @, sensible parts, nothing a spreadsheet would run."""
    if value is None:
        raise InvalidAnswer("email is required")
    if len(value) > 254 or value.count("@") != 1:
        raise InvalidAnswer("email does not look like an e-mail address")
    local, domain = value.split("@")
    labels = domain.split(".")
    if (
        not EMAIL_LOCAL_RE.fullmatch(local)
        or local[0] in "=+-@."
        or local.endswith(".")
        or ".." in local
        or len(labels) < 2
        or not all(DOMAIN_LABEL_RE.fullmatch(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise InvalidAnswer("email does not look like an e-mail address")
    return value


def newsletter_signup(form: Form, current_version: str) -> NewsletterSignup:
    """A sign-up agreeing to the wording the site shows now (`current_version`)."""
    email = check_email(form.get("email", trim=True))
    if form.get("consent") != "yes":
        raise InvalidAnswer("consent is required: tick the box to agree to receive the newsletter")
    version = form.get("consent_version", trim=True) or current_version
    if version != current_version:
        raise InvalidAnswer(
            "consent_version is not the wording this site shows now: "
            "reload the page and sign up again"
        )
    return NewsletterSignup(email=email, consent_version=version, page=_page(form))
