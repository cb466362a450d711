"""The feedback and newsletter forms, filled in a real browser and received for real.

The site copy's forms post to a receiver running in a subprocess; the receiver
redirects to the site's own thank-you pages, and what it stored is read back with
`feedback export --format json`.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from browserkit import IMAGE_STORY_SLUG, PREFIX, NewPage, Site

pytestmark = pytest.mark.browser

MAX_TABS = 120


def focused(page: Any) -> str:
    """The focused element as tag#id or tag:text, for readable failures."""
    return str(
        page.evaluate(
            "() => { const e = document.activeElement;"
            " return e ? `${e.tagName.toLowerCase()}#${e.id}:${e.textContent.trim()}` : ''; }"
        )
    )


def tab_to(page: Any, element_id: str) -> int:
    """Press Tab until the element with this id has focus; return how many presses."""
    for presses in range(1, MAX_TABS + 1):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.id") == element_id:
            return presses
    raise AssertionError(f"{MAX_TABS} presses of Tab never reached #{element_id}")


def test_feedback_with_the_keyboard_alone_is_received(site: Site, new_page: NewPage) -> None:
    page, log = new_page()
    story_path = f"stories/{IMAGE_STORY_SLUG}/"
    page.goto(site.url(story_path))
    before = len(site.receiver.export())

    tab_to(page, "useful-yes")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert focused(page).startswith("input#rating-1"), focused(page)
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # moves the choice along the group: 4
    page.keyboard.press("Tab")
    assert focused(page).startswith("input#usefulness-1"), focused(page)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Space")  # 2, and Space on a checked radio keeps it
    page.keyboard.press("Tab")  # past the hidden trap field, to the button
    assert focused(page) == "button#:Send feedback", focused(page)
    with page.expect_navigation(url=site.url("feedback/thanks/")) as nav:
        page.keyboard.press("Enter")
    assert nav.value.status == 200
    assert page.locator("h1").inner_text().strip() == "Thank you for your feedback"

    rows = site.receiver.export()
    assert len(rows) == before + 1
    row = rows[-1]
    assert (row["story"], row["useful"], row["rating"], row["usefulness"]) == (
        IMAGE_STORY_SLUG,
        "yes",
        4,
        2,
    )
    assert row["page"] in (story_path, PREFIX.lstrip("/") + story_path, "/" + story_path)
    posts = [r for r in log.requests if r[0] == "POST"]
    assert posts == [("POST", site.receiver.origin + "/feedback")]
    assert log.errors == []
    assert log.foreign(site.origin + PREFIX, site.receiver.origin + "/feedback") == []


def fill_email_by_keyboard(page: Any, email: str) -> None:
    tab_to(page, "newsletter-email")
    page.keyboard.type(email)


def test_newsletter_sign_up_with_consent_is_received(site: Site, new_page: NewPage) -> None:
    """The control for the refusals below: a ticked box does get through."""
    page, log = new_page()
    email = f"reader.{uuid.uuid4().hex[:8]}@example.org"
    page.goto(site.url("archive/"))
    fill_email_by_keyboard(page, email)
    page.keyboard.press("Tab")
    assert focused(page).startswith("input#newsletter-consent")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert focused(page) == "button#:Sign up", focused(page)
    with page.expect_navigation(url=site.url("newsletter/thanks/")):
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text().strip() == "Thank you for signing up"
    stored = [r for r in site.receiver.export("newsletter") if r["email"] == email]
    assert len(stored) == 1
    assert "archive/" in stored[0]["page"]  # the page the form was on
    assert log.errors == []
    assert log.foreign(site.origin + PREFIX, site.receiver.origin + "/newsletter") == []


def test_newsletter_without_consent_is_blocked_by_the_browser(
    site: Site, new_page: NewPage
) -> None:
    page, log = new_page()
    email = f"reader.{uuid.uuid4().hex[:8]}@example.org"
    page.goto(site.url())
    fill_email_by_keyboard(page, email)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # leave the consent box unticked
    assert focused(page) == "button#:Sign up", focused(page)
    page.keyboard.press("Enter")
    page.wait_for_timeout(500)
    assert page.url == site.url()
    consent = page.locator("#newsletter-consent")
    assert consent.evaluate("box => box.validity.valueMissing") is True
    assert consent.evaluate("box => box === document.activeElement")  # focus moved to it
    assert not [r for r in log.requests if r[1].startswith(site.receiver.origin)]
    assert [r for r in site.receiver.export("newsletter") if r["email"] == email] == []


def test_newsletter_without_consent_is_refused_by_the_receiver(
    site: Site, new_page: NewPage
) -> None:
    """A browser that skips the check (noValidate) gets a 400 and nothing is stored."""
    page, _ = new_page()
    email = f"reader.{uuid.uuid4().hex[:8]}@example.org"
    page.goto(site.url("tags/"))
    page.locator("form.newsletter-form").evaluate("form => { form.noValidate = true; }")
    fill_email_by_keyboard(page, email)
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="Sign up").click()
    assert nav.value.status == 400
    assert "consent is required" in page.locator("body").inner_text()
    assert [r for r in site.receiver.export("newsletter") if r["email"] == email] == []
