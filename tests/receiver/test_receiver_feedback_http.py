"""POST /feedback against a real waitress process."""

from __future__ import annotations

from pathlib import Path

import pytest
from receiver_support import THANKS_BASE, Server, StartServer, site_with_config


def stored(server: Server, slug: str) -> list[tuple[object, ...]]:
    return server.rows(
        "SELECT story, useful, rating, usefulness, page FROM feedback WHERE story = ?", (slug,)
    )


def test_health(server: Server) -> None:
    reply = server.request("GET", "/")
    assert reply.status == 200
    assert reply.body == b"storysite receiver: ok\n"


def test_full_answer_redirects_browser_to_thanks_page(server: Server, slug: str) -> None:
    reply = server.post(
        "/feedback",
        {
            "story": slug,
            "useful": "yes",
            "rating": "4",
            "usefulness": "5",
            "website": "",
            "page": f"stories/{slug}/",
        },
        headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
    )
    assert reply.status == 303
    assert reply.headers["location"] == THANKS_BASE + "feedback/thanks/"
    assert stored(server, slug) == [(slug, "yes", 4, 5, f"stories/{slug}/")]


def test_script_asking_for_json_gets_json(server: Server, slug: str) -> None:
    reply = server.post("/feedback", {"story": slug, "useful": "no"}, as_json=True)
    assert reply.status == 200
    assert reply.headers["content-type"] == "application/json"
    assert reply.json() == {"ok": True}
    assert stored(server, slug) == [(slug, "no", None, None, None)]


def test_any_two_answers_may_be_left_out_or_blank(server: Server, slug: str) -> None:
    assert server.post("/feedback", {"story": slug, "rating": "2"}, as_json=True).status == 200
    blank = {"story": slug, "useful": "", "rating": "", "usefulness": "3"}
    assert server.post("/feedback", blank, as_json=True).status == 200
    assert stored(server, slug) == [(slug, None, 2, None, None), (slug, None, None, 3, None)]


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"useful": "", "rating": "", "usefulness": ""},
        {"useful": " ", "page": "stories/x/"},
    ],
)
def test_feedback_with_no_answer_at_all_is_400(
    server: Server, slug: str, fields: dict[str, str]
) -> None:
    reply = server.post("/feedback", {"story": slug, **fields}, as_json=True)
    assert (reply.status, reply.json()) == (
        400,
        {"ok": False, "error": "answer at least one question"},
    )
    assert stored(server, slug) == []


@pytest.mark.parametrize("field", ["rating", "usefulness"])
@pytest.mark.parametrize("value", ["1", "2", "3", "4", "5"])
def test_scale_values_accepted(server: Server, slug: str, field: str, value: str) -> None:
    reply = server.post("/feedback", {"story": slug, field: value}, as_json=True)
    assert reply.status == 200
    column = 2 if field == "rating" else 3
    assert stored(server, slug)[0][column] == int(value)


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"story": None}, "story is required"),
        ({"story": ""}, "story is required"),
        ({"story": "../etc/passwd"}, "story must be"),
        ({"story": "a" * 121}, "story must be"),
        ({"useful": "maybe"}, "useful must be yes or no"),
        ({"useful": "YES!"}, "useful must be yes or no"),
        ({"rating": "0"}, "rating must be"),
        ({"rating": "6"}, "rating must be"),
        ({"rating": "3.5"}, "rating must be"),
        ({"rating": "five"}, "rating must be"),
        ({"rating": "-1"}, "rating must be"),
        ({"usefulness": "0"}, "usefulness must be"),
        ({"usefulness": "10"}, "usefulness must be"),
        ({"usefulness": "1e0"}, "usefulness must be"),
        ({"page": "https://evil.example/"}, "page must be"),
        ({"page": "stories/../../x"}, "page must be"),
    ],
)
def test_invalid_answer_is_refused_and_not_stored(
    server: Server, slug: str, fields: dict[str, str | None], reason: str
) -> None:
    answered = {"story": slug, "usefulness": "2", **fields}
    sent = {k: v for k, v in answered.items() if v is not None}
    reply = server.post("/feedback", sent, as_json=True)
    assert reply.status == 400
    assert reason in reply.json()["error"]
    assert reply.json()["ok"] is False
    assert server.rows("SELECT count(*) FROM feedback WHERE story = ?", (slug,)) == [(0,)]


def test_invalid_answer_gives_browser_a_readable_page(server: Server, slug: str) -> None:
    reply = server.post("/feedback", {"story": slug, "rating": "9"})
    assert reply.status == 400
    assert reply.headers["content-type"].startswith("text/html")
    assert b"rating must be a whole number from 1 to 5" in reply.body
    assert b"<script" not in reply.body


def test_field_sent_twice_is_refused(server: Server, slug: str) -> None:
    reply = server.post(
        "/feedback", [("story", slug), ("useful", "yes"), ("useful", "no")], as_json=True
    )
    assert reply.status == 400
    assert stored(server, slug) == []


def test_honeypot_answered_like_success_but_not_stored(server: Server, slug: str) -> None:
    reply = server.post("/feedback", {"story": slug, "useful": "yes", "website": "http://spam"})
    assert reply.status == 303
    assert reply.headers["location"] == THANKS_BASE + "feedback/thanks/"
    as_json = server.post("/feedback", {"story": slug, "website": "x"}, as_json=True)
    assert (as_json.status, as_json.json()) == (200, {"ok": True})
    # even an otherwise invalid bot post looks like a success
    assert server.post("/feedback", {"rating": "99", "website": "x"}).status == 303
    assert stored(server, slug) == []


def test_body_over_4kb_is_413(server: Server, slug: str) -> None:
    big = {"story": slug, "useful": "yes", "filler": "x" * 4100}
    reply = server.post("/feedback", big, as_json=True)
    assert reply.status == 413
    assert stored(server, slug) == []


def test_body_of_exactly_4kb_is_accepted(server: Server, slug: str) -> None:
    prefix = f"story={slug}&useful=no&filler="
    body = (prefix + "x" * (4096 - len(prefix))).encode()
    assert len(body) == 4096
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    assert server.request("POST", "/feedback", body, headers).status == 200
    assert len(stored(server, slug)) == 1


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("path", ["/feedback", "/newsletter"])
def test_other_methods_are_405(server: Server, method: str, path: str) -> None:
    reply = server.request(method, path, headers={"Accept": "application/json"})
    assert reply.status == 405
    assert reply.headers["allow"] == "POST"


def test_post_to_health_is_405_and_unknown_path_404(server: Server) -> None:
    assert server.request("POST", "/", b"").status == 405
    assert server.request("POST", "/elsewhere", b"").status == 404


def test_non_form_body_is_refused(server: Server, slug: str) -> None:
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    body = b'{"story": "%s"}' % slug.encode()
    assert server.request("POST", "/feedback", body, headers).status == 415
    assert stored(server, slug) == []


def test_bad_utf8_is_400(server: Server, slug: str) -> None:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    body = f"story={slug}&useful=%FF".encode()
    assert server.request("POST", "/feedback", body, headers).status == 400
    assert stored(server, slug) == []


def test_redirect_never_comes_from_the_request(server: Server, slug: str) -> None:
    reply = server.post(
        "/feedback",
        {
            "story": slug,
            "useful": "yes",
            "next": "https://evil.example/",
            "redirect": "https://evil.example/",
        },
        headers={"Host": "evil.example"},
    )
    assert reply.headers["location"] == THANKS_BASE + "feedback/thanks/"


def test_without_thanks_base_a_page_is_served(fresh_server: StartServer, slug: str) -> None:
    srv = fresh_server("--rate-limit", "0")
    srv.publish(slug)
    reply = srv.post("/feedback", {"story": slug, "rating": "5"})
    assert reply.status == 200
    assert reply.headers["content-type"].startswith("text/html")
    assert b"Thank you for your feedback" in reply.body
    assert "location" not in reply.headers


def test_site_base_url_sets_the_redirect(
    fresh_server: StartServer, tmp_path: Path, slug: str
) -> None:
    site = site_with_config(
        tmp_path,
        '[site]\nbase_url = "https://trust.example/stories"\ntitle = "x"\n[build]\nother = 1\n',
    )
    srv = fresh_server("--site", str(site))
    srv.publish(slug)
    assert srv.post("/feedback", {"story": slug, "useful": "no"}).headers["location"] == (
        "https://trust.example/stories/feedback/thanks/"
    )
    reply = srv.post("/newsletter", {"email": "a@example.org", "consent": "yes"})
    assert reply.headers["location"] == "https://trust.example/stories/newsletter/thanks/"


@pytest.mark.parametrize(
    "name", ["<b>zq-field</b>", "zq-field", "javascript:zq", "=zq()", "zq\u202efield"]
)
def test_error_pages_never_repeat_a_field_name_the_client_sent(
    server: Server, slug: str, name: str
) -> None:
    sent = [("story", slug), ("useful", "yes"), (name, "1"), (name, "2")]
    page = server.post("/feedback", sent)
    as_json = server.post("/feedback", sent, as_json=True)
    assert (page.status, as_json.status) == (400, 400)
    assert as_json.json()["error"] == "a field was sent more than once"
    for body in (page.body, as_json.body):
        assert b"zq" not in body
    assert stored(server, slug) == []
