"""The forms every story page carries, as contract section 5 describes them."""

from __future__ import annotations

from html.parser import HTMLParser

from sitekit import MakeSite, run_build, story

CONFIG = """\
[site]
title = "T"
[feedback]
action = "https://forms.example.org/feedback"
[newsletter]
action = "/newsletter"
"""


class FormReader(HTMLParser):
    """Collects forms with their inputs, legends and labels."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, object]] = []
        self.labels: dict[str, str] = {}
        self._label_for: str | None = None
        self._in_legend = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"attrs": a, "inputs": [], "legends": []})
        elif tag == "input" and self.forms:
            inputs = self.forms[-1]["inputs"]
            assert isinstance(inputs, list)
            inputs.append(a)
        elif tag == "legend":
            self._in_legend = True
        elif tag == "label":
            self._label_for = a.get("for", "")
            self.labels[self._label_for] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "legend":
            self._in_legend = False
        elif tag == "label":
            self._label_for = None

    def handle_data(self, data: str) -> None:
        if self._in_legend and self.forms:
            legends = self.forms[-1]["legends"]
            assert isinstance(legends, list)
            legends.append(data.strip())
        if self._label_for is not None:
            self.labels[self._label_for] += data


def read_page(make_site: MakeSite) -> FormReader:
    site = make_site({"a.md": story(title="Forms", extra="slug: forms-story\n")}, config=CONFIG)
    assert run_build(site).exit_code == 0
    reader = FormReader()
    reader.feed((site / "output/stories/forms-story/index.html").read_text())
    return reader


def form_by_action(reader: FormReader, action: str) -> dict[str, object]:
    found = [f for f in reader.forms if f["attrs"].get("action") == action]  # type: ignore[union-attr]
    assert len(found) == 1, reader.forms
    return found[0]


def radios(form: dict[str, object], name: str) -> list[str]:
    inputs = form["inputs"]
    assert isinstance(inputs, list)
    return [i["value"] for i in inputs if i.get("type") == "radio" and i.get("name") == name]


def test_feedback_form(make_site: MakeSite) -> None:
    reader = read_page(make_site)
    form = form_by_action(reader, "https://forms.example.org/feedback")
    assert form["attrs"]["method"] == "post"  # type: ignore[index]
    inputs = form["inputs"]
    assert isinstance(inputs, list)
    hidden = {i["name"]: i["value"] for i in inputs if i.get("type") == "hidden"}
    assert hidden["story"] == "forms-story"
    assert radios(form, "useful") == ["yes", "no"]
    assert radios(form, "rating") == ["1", "2", "3", "4", "5"]
    assert radios(form, "usefulness") == ["1", "2", "3", "4", "5"]
    legends = " | ".join(form["legends"])  # type: ignore[arg-type]
    assert "Was this story useful?" in legends
    assert "1 = poor, 5 = great" in legends
    assert "1 = not useful at all, 5 = very useful" in legends
    for item in inputs:
        if item.get("type") in ("radio", "text", "email", "checkbox", "search"):
            assert item.get("id") in reader.labels, item


def test_newsletter_and_search(make_site: MakeSite) -> None:
    reader = read_page(make_site)
    newsletter = form_by_action(reader, "/newsletter")
    inputs = newsletter["inputs"]
    assert isinstance(inputs, list)
    email = [i for i in inputs if i.get("name") == "email"]
    assert email and email[0]["type"] == "email"
    assert reader.labels[email[0]["id"]].strip()
    search = [f for f in reader.forms if f["attrs"].get("role") == "search"]  # type: ignore[union-attr]
    assert len(search) == 1
    boxes = [i for i in search[0]["inputs"] if i.get("name") == "q"]  # type: ignore[union-attr]
    assert len(boxes) == 1
    assert reader.labels[boxes[0]["id"]].strip() == "What are you looking for today?"
    assert search[0]["attrs"]["method"] == "get"  # type: ignore[index]


def test_ids_are_unique_on_a_story_page(make_site: MakeSite) -> None:
    reader = read_page(make_site)
    ids = [i["id"] for f in reader.forms for i in f["inputs"] if i.get("id")]  # type: ignore[union-attr]
    assert len(ids) == len(set(ids))
