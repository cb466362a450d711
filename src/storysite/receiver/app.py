"""The WSGI application that receives story feedback and newsletter sign-ups.

Standard library only, so any WSGI server can run it; `storysite receive`
serves it with waitress. No request header, address or cookie is stored.
"""

from __future__ import annotations

import html
import json
import logging
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit
from wsgiref.types import StartResponse, WSGIEnvironment

from .published import PublishedStories
from .ratelimit import RateLimiter
from .sitecfg import normalise_base, read_base_url, read_consent_version
from .store import Store, StoreError
from .validation import Form, InvalidAnswer, build_form, feedback_answer, newsletter_signup

MAX_BODY = 4096
MAX_FIELDS = 40
DEFAULT_RATE_LIMIT = 20
DEFAULT_CONSENT_VERSION = "unspecified"
FORM_TYPE = "application/x-www-form-urlencoded"
HEALTH_TEXT = b"storysite receiver: ok\n"

log = logging.getLogger("storysite.receiver")

BASE_HEADERS: tuple[tuple[str, str], ...] = (
    ("Cache-Control", "no-store"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    (
        "Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    ),
)

PAGE_STYLE = (
    "body{font-family:Arial,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;"
    "line-height:1.5;color:#212b32}h1{font-size:1.75rem}"
)


@dataclass(frozen=True)
class ReceiverConfig:
    db_path: Path
    thanks_base: str | None = None
    rate_limit: int = DEFAULT_RATE_LIMIT
    consent_version: str = DEFAULT_CONSENT_VERSION
    output: Path | None = None  # the built site; without it no feedback is taken

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> ReceiverConfig:
        """Configuration for servers that call `create_app()` with no arguments (gunicorn)."""
        env = dict(os.environ) if env is None else env
        db = env.get("STORYSITE_RECEIVER_DB")
        if not db:
            raise RuntimeError("set STORYSITE_RECEIVER_DB to the SQLite file to use")
        site = Path(env["STORYSITE_RECEIVER_SITE"]) if env.get("STORYSITE_RECEIVER_SITE") else None
        output = env.get("STORYSITE_RECEIVER_OUTPUT")
        if not output and site is None:
            raise RuntimeError(
                "set STORYSITE_RECEIVER_OUTPUT (the built site) or STORYSITE_RECEIVER_SITE"
            )
        version = env.get("STORYSITE_RECEIVER_CONSENT_VERSION") or (
            read_consent_version(site) if site else None
        )
        return cls(
            db_path=Path(db),
            thanks_base=resolve_thanks_base(env.get("STORYSITE_RECEIVER_THANKS_BASE"), site),
            rate_limit=int(env.get("STORYSITE_RECEIVER_RATE_LIMIT", DEFAULT_RATE_LIMIT)),
            consent_version=version or DEFAULT_CONSENT_VERSION,
            output=Path(output) if output else site_output(site),
        )


def site_output(site: Path | None) -> Path | None:
    """The built site's folder when only the site is named: SITE/output, as the build."""
    return site / "output" if site is not None else None


def resolve_thanks_base(explicit: str | None, site: Path | None) -> str | None:
    """The explicit base wins; then the site's base_url; otherwise None (serve a page)."""
    if explicit:
        return normalise_base(explicit)
    if site is not None:
        return read_base_url(site)
    return None


@dataclass(frozen=True)
class Reply:
    status: HTTPStatus
    message: str = ""
    headers: tuple[tuple[str, str], ...] = field(default=())


@dataclass(frozen=True)
class Kind:
    name: str
    thanks_path: str
    thanks_title: str
    thanks_text: str


FEEDBACK = Kind(
    "feedback",
    "feedback/thanks/",
    "Thank you for your feedback",
    "Your answers have been received. You can close this page or go back to the story.",
)
NEWSLETTER = Kind(
    "newsletter",
    "newsletter/thanks/",
    "Thank you for signing up",
    "You will receive our newsletter. Every issue tells you how to stop receiving it.",
)
ROUTES = {"/feedback": FEEDBACK, "/newsletter": NEWSLETTER}


def create_app(config: ReceiverConfig | None = None) -> Receiver:
    """Build the WSGI application; with no config it is read from STORYSITE_RECEIVER_* vars."""
    return Receiver(config or ReceiverConfig.from_env())


class Unavailable(Exception):
    """The receiver cannot decide or store this answer just now (answered with 503)."""


class Receiver:
    def __init__(self, config: ReceiverConfig) -> None:
        self.config = config
        self.store = Store.create(config.db_path)
        self.limiter = RateLimiter(config.rate_limit)
        self.published = PublishedStories(config.output) if config.output else None

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        method = environ.get("REQUEST_METHOD", "GET").upper()
        if path == "/":
            return self._health(method, start_response)
        kind = ROUTES.get(path.rstrip("/"))
        if kind is None:
            reply = Reply(HTTPStatus.NOT_FOUND, "There is nothing here.")
        elif method != "POST":
            reply = Reply(HTTPStatus.METHOD_NOT_ALLOWED, "Use POST.", (("Allow", "POST"),))
        else:
            reply = self._post(kind, environ)
        return self._send(reply, kind, environ, start_response)

    def _health(self, method: str, start_response: StartResponse) -> Iterable[bytes]:
        if method not in ("GET", "HEAD"):
            headers = [*BASE_HEADERS, ("Allow", "GET, HEAD"), ("Content-Type", "text/plain")]
            start_response("405 Method Not Allowed", [*headers, ("Content-Length", "0")])
            return [b""]
        body = HEALTH_TEXT if method == "GET" else b""
        headers = [
            *BASE_HEADERS,
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(HEALTH_TEXT))),
        ]
        start_response("200 OK", headers)
        return [body]

    def _post(self, kind: Kind, environ: WSGIEnvironment) -> Reply:
        decision = self.limiter.check(str(environ.get("REMOTE_ADDR", "")))
        if not decision.allowed:
            return Reply(
                HTTPStatus.TOO_MANY_REQUESTS,
                "Too many answers from here just now; please try again in a minute.",
                (("Retry-After", str(decision.retry_after)),),
            )
        if not same_site(environ, self.config.thanks_base):
            return Reply(HTTPStatus.FORBIDDEN, "This form can only be sent from the site's pages.")
        try:
            body = read_body(environ)
        except BodyTooLarge:
            return Reply(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "The form sent too much data.")
        except InvalidAnswer as exc:
            return Reply(HTTPStatus.BAD_REQUEST, str(exc))
        if not is_form(environ):
            return Reply(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, f"Send the form as {FORM_TYPE}.")
        try:
            form = build_form(parse_form(body))
            if form.is_bot():
                return Reply(HTTPStatus.OK)
            self._save(kind, form)
        except InvalidAnswer as exc:
            return Reply(HTTPStatus.BAD_REQUEST, str(exc))
        except (sqlite3.Error, StoreError, Unavailable) as exc:
            log.error("could not store a %s answer: %s", kind.name, exc)
            return Reply(
                HTTPStatus.SERVICE_UNAVAILABLE,
                "We could not save that just now; please try again shortly.",
                (("Retry-After", "30"),),
            )
        return Reply(HTTPStatus.OK)

    def _save(self, kind: Kind, form: Form) -> None:
        if kind is FEEDBACK:
            slugs = self.published.slugs() if self.published else None
            if slugs is None:
                raise Unavailable("no readable search-index.json: build the site first")
            self.store.add_feedback(feedback_answer(form, slugs))
        else:
            self.store.add_signup(newsletter_signup(form, self.config.consent_version))

    def _send(
        self,
        reply: Reply,
        kind: Kind | None,
        environ: WSGIEnvironment,
        start_response: StartResponse,
    ) -> Iterable[bytes]:
        as_json = wants_json(str(environ.get("HTTP_ACCEPT", "")))
        headers = [*BASE_HEADERS, *reply.headers]
        ok = reply.status == HTTPStatus.OK
        if as_json:
            payload: dict[str, object] = {"ok": ok}
            if not ok:
                payload["error"] = reply.message
            body = json.dumps(payload).encode()
            headers.append(("Content-Type", "application/json"))
            status = reply.status
        elif ok and kind is not None and self.config.thanks_base:
            body = b""
            headers.append(("Location", self.config.thanks_base + kind.thanks_path))
            headers.append(("Content-Type", "text/plain; charset=utf-8"))
            status = HTTPStatus.SEE_OTHER
        else:
            if ok and kind is not None:
                body = html_page(kind.thanks_title, kind.thanks_text)
            else:
                body = html_page(reply.status.phrase, reply.message, error=True)
            headers.append(("Content-Type", "text/html; charset=utf-8"))
            status = reply.status
        headers.append(("Content-Length", str(len(body))))
        start_response(f"{status.value} {status.phrase}", headers)
        return [body]


class BodyTooLarge(Exception):
    pass


def read_body(environ: WSGIEnvironment) -> bytes:
    """Read at most MAX_BODY bytes, refusing before reading when the length says too much."""
    raw = str(environ.get("CONTENT_LENGTH", "") or "").strip()
    stream = environ["wsgi.input"]
    if raw:
        if not raw.isdigit():
            raise InvalidAnswer("Content-Length is not a number")
        length = int(raw)
        if length > MAX_BODY:
            raise BodyTooLarge
        return bytes(stream.read(length))
    if environ.get("wsgi.input_terminated"):
        data = bytes(stream.read(MAX_BODY + 1))
        if len(data) > MAX_BODY:
            raise BodyTooLarge
        return data
    return b""


def origin_of(url: str) -> tuple[str, str, int | None] | None:
    """(scheme, host, port) of an absolute http(s) URL, with the default port filled in."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port or (443 if scheme == "https" else 80)


def same_site(environ: WSGIEnvironment, thanks_base: str | None) -> bool:
    """False when the post's Origin (or, without one, its Referer) names another site.

    A browser always sends Origin with a form post from another site, and a page
    cannot forge it. The site is the origin of base_url; when base_url is a path
    (or unset) the site is this host. A post naming neither is let through, since
    privacy tools may remove both."""
    claimed = environ.get("HTTP_ORIGIN") or environ.get("HTTP_REFERER")
    if not claimed:
        return True
    origin = origin_of(str(claimed))
    if origin is None:
        return False  # "null" (a sandboxed frame or a file) or not a web page
    site = origin_of(thanks_base) if thanks_base else None
    if site is not None:
        return origin == site
    return names_this_host(origin, str(environ.get("HTTP_HOST", "")))


def names_this_host(origin: tuple[str, str, int | None], host: str) -> bool:
    """True when the Host header (`name`, `name:port`, `[v6]:port`) is the origin's."""
    try:
        parts = urlsplit(f"//{host.strip()}")
        port = parts.port
    except ValueError:
        return False
    if not parts.hostname or parts.hostname.lower() != origin[1]:
        return False
    return port == origin[2] if port is not None else origin[2] in (80, 443)


def is_form(environ: WSGIEnvironment) -> bool:
    media = str(environ.get("CONTENT_TYPE", "")).split(";")[0].strip().lower()
    return media in ("", FORM_TYPE)


def parse_form(body: bytes) -> list[tuple[str, str]]:
    try:
        text = body.decode("ascii")
        return parse_qsl(
            text,
            keep_blank_values=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=MAX_FIELDS,
        )
    except UnicodeDecodeError as exc:
        raise InvalidAnswer("the form is not valid UTF-8") from exc
    except ValueError as exc:
        raise InvalidAnswer("the form has too many fields") from exc


def wants_json(accept: str) -> bool:
    """True when the client ranks application/json at least as high as text/html."""
    ranks: dict[str, float] = {}
    for item in accept.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranks[media.lower()] = max(quality, ranks.get(media.lower(), 0.0))
    json_q = ranks.get("application/json", 0.0)
    return json_q > 0 and json_q >= ranks.get("text/html", 0.0)


def html_page(title: str, text: str, *, error: bool = False) -> bytes:
    extra = "<p>Please go back, check the form and try again.</p>" if error else ""
    page = (
        '<!doctype html><html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{PAGE_STYLE}</style></head>"
        f"<body><main><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p>{extra}"
        "</main></body></html>"
    )
    return page.encode()
