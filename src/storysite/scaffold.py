"""`storysite init` and `storysite new`: new sites and new stories, never over old ones."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from storysite.errors import StorySiteError
from storysite.slugs import slugify

#: The address ``init`` writes: a reserved example domain, never a real site.
EXAMPLE_BASE_URL = "https://stories.example.org/"

SITE_FILE = """\
# storysite.toml: the settings for this website.
# Lines starting with # are notes for people; storysite ignores them.
# Only [site] title is required. Remove a line to use its default.

[site]
# The website's name, shown at the top of every page.
title = "Our co-production stories"
# The website's full address, ending in /. Used for links in the news feed and sitemap.
base_url = "https://stories.example.org/"
# The language the stories are written in (en-GB is British English).
language = "en-GB"
# How many stories to show on each page of the list of stories.
per_page = 10
# One sentence about the website, for search engines and the news feed.
description = "Stories of people working together to improve mental health services."
# Optional: the address of your privacy notice, linked from every page.
# privacy_url = "https://www.example.org/privacy"

[anonymise]
# What readers see instead of a name, when a person has no shown_as of their own.
placeholder = "[name removed]"
# The note shown under any story where a name or detail was changed.
notice = "Names have been changed or removed to protect privacy."
# Capitalised words that are not people, so they are never taken for names.
allow = ["Recovery College"]

# The register: people who must never be named on any page of the website.
# Copy the four lines below (without the #) for each person.
# [[anonymise.people]]
# name = "Full Name"
# named = false
# shown_as = "a member of staff"

# What readers see instead of details that identify someone, whoever they belong to.
# Remove the # from a line to choose your own words.
# [anonymise.replacements]
# email = "[e-mail address removed]"
# phone = "[phone number removed]"
# nhs_number = "[NHS number removed]"
# postcode = "[postcode removed]"
# date_of_birth = "[date of birth removed]"

[feedback]
# Where the "Was this story useful?" form on each story sends its answers.
action = "/feedback"

[newsletter]
# Where the e-mail sign-up form sends new subscribers.
action = "/newsletter"
# The words beside the sign-up tick box.
consent_text = "Yes, e-mail me new stories. I can unsubscribe at any time."
# Change this when you change consent_text, so you know who agreed to which words.
consent_version = "1"

[support]
# The heading of the "help now" box at the end of every story.
heading = "If you need help now"
# The lines in that box. Leave this out to show NHS 111, Samaritans and 999 (England).
# lines = ["Call NHS 111 and choose option 2.", "In an emergency, call 999."]

[accessibility]
# Who runs the website, for the accessibility statement. Empty: the site's title.
organisation = ""
# How to contact you about accessibility: an e-mail address, web address or phone number.
contact = ""
# The day the accessibility statement was last checked.
# reviewed = 2026-11-01
"""

EXAMPLE_STORY = """\
---
title: Learning to chair the service user forum
date: 2026-01-15
summary: How a nervous first meeting turned into a year of chairing the forum.
tags: [co-production, peer support]
consent:   # the storyteller's agreement: nothing is published without it
  publish: true
  date: 2026-01-10
people:
  - name: Priya Natarajan
    named: false
    aliases: [Priya]
    shown_as: a peer support worker
---
The first time I went to the forum, I sat at the back and said nothing.

Priya Natarajan noticed. After the meeting, Priya asked what I had thought of it,
and listened to the whole answer. A month later I was taking the notes, and by the
summer I was chairing.

This example shows how names are changed. The story file gives a real name, but
the website shows "a peer support worker" instead, because that person is listed
under people with named: false. Replace this story with your own, or delete it.
"""

TEMPLATES_README = """\
# Changing how the website looks

This folder is for your own versions of the built-in page templates. It starts
empty, and the website uses the built-in design.

To change a page, copy the built-in template of the same name into this folder
and edit the copy: storysite uses a template here in place of the built-in one.
The built-in templates are in the storysite package, in theme/templates/
(for example story.html for a story page and base.html for what every page shares).

Files in templates/assets/ are copied to the website's assets/ folder, and replace
built-in files of the same name (for example assets/style.css).

Templates are Jinja templates. Keep each story's text as it is given to the
template: it has already been anonymised and made safe.
"""

#: Text that ``new`` writes for people to replace: a story still holding it is an
#: error (loading.py), so an unfinished story is never published as it stands.
PLACEHOLDER_NAME = "Firstname Lastname"
PLACEHOLDER_BODY = "Write the story here."

NEW_STORY = """\
---
title: {title}   # the headline readers see; names in it are changed too
date: {date}   # the story's date; it is not published before this day
summary: ""   # one sentence for the list of stories and the news feed
tags: []   # topics, like [co-production, peer support]
draft: false   # true while the story is still being written
# Optional fields: remove the # at the start of a line to use it.
# slug: my-story   # the story's address (a-z, 0-9 and -); made from the title if left out
# authors: [Sam Rivera]   # a byline; each author must be under people with named: true
# image: {{src: images/photo.jpg, alt: What the picture shows}}   # a picture at the top
# content_warning: This story mentions self-harm.   # shown before the story
# allow: [Isle of Dogs]   # places and organisations in this story that are not people
consent:   # the storyteller's agreement: nothing is published without it
  publish: false   # change to true only when the storyteller has said yes
  date:   # the day they said yes, like {date}
  # expires: {next_year}   # the story comes down on this day
  # withdrawn: true   # if they change their mind: the story comes down at the next build
  # reference: CF-{year}-001   # the signed consent form, or its record in your system
people:   # everyone the story mentions by name, one block each
  - name: {placeholder_name}   # the person's name, as written in the story
    named: false   # false = their name is changed; true only if they agreed to be named
    aliases: []   # other ways the story writes their name, like [Sam, Sammy]
    shown_as: a service user   # what readers see instead of their name
---
{placeholder_body} A blank line starts a new paragraph.
"""


def init_site(folder: Path) -> list[Path]:
    """Make a new site in ``folder``; refuse if any of its files are already there."""
    files = {
        folder / "storysite.toml": SITE_FILE,
        folder / "stories" / "2026-01-15-learning-to-chair.md": EXAMPLE_STORY,
        folder / "templates" / "README.md": TEMPLATES_README,
    }
    existing = [p for p in files if p.exists()]
    if existing:
        raise StorySiteError(
            f"{existing[0]}: a site is already here, and init never overwrites one — "
            "choose an empty folder, like `storysite init my-site`"
        )
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(files)


def new_story(site: Path, title: str, today: dt.date) -> Path:
    """Write a new story file, held until someone records consent. Returns its path."""
    if not title.strip():
        raise StorySiteError('the title is empty — give one, like storysite new "My story"')
    if not (site / "stories").is_dir() and not (site / "storysite.toml").is_file():
        raise StorySiteError(
            f"{site}: no site here (no storysite.toml) — give --site DIR, "
            "or create a site with `storysite init`"
        )
    slug = slugify(title) or "story"
    path = site / "stories" / f"{today.isoformat()}-{slug}.md"
    if path.exists():
        raise StorySiteError(
            f"{path}: this story already exists, and new never overwrites one — "
            "edit it, or choose another title"
        )
    next_year = today.replace(year=today.year + 1) if (today.month, today.day) != (2, 29) else today
    text = NEW_STORY.format(
        title=json.dumps(title.strip(), ensure_ascii=False),
        date=today.isoformat(),
        next_year=next_year.isoformat(),
        year=today.year,
        placeholder_name=PLACEHOLDER_NAME,
        placeholder_body=PLACEHOLDER_BODY,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as file:
        file.write(text)
    return path
