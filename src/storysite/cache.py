"""The picture cache, and ``storysite clean``.

Pictures' derivatives (pictures.py) are kept in ``<site>/.storysite-cache/images/``:
one file per source picture, named by a hash of the source file's bytes and of every
setting that shapes the derivatives. Each file carries a checksum of each derivative,
anything unreadable is made again, and entries no build used are removed. The rest of
the build cache (each story's work, gate verdicts, the last build's manifest) is
incremental.py's.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TypeVar

from storysite import __version__
from storysite.keys import sign, signing_key, verify
from storysite.pictures import Derived, Picture, Rendition, settings_fingerprint
from storysite.writing import MARKER, previous_of

CACHE_DIR = ".storysite-cache"
T = TypeVar("T")


def cache_dir(site_root: Path) -> Path:
    return site_root / CACHE_DIR


IMAGE_FORMAT = "storysite-image-cache 3"
_IMAGES = "images"
_IMAGE_SUFFIX = ".picture"


class ImageCache:
    """Pictures' derivatives by a hash of the source file. ``folder`` None: no cache.

    Each entry is one file: a line with the signature of the next (keys.py: made with
    this user's key, so an entry planted by anyone else, or copied from elsewhere, is
    not used), a line of JSON (the picture, and each derivative's path, length and
    SHA-256), then the derivatives' bytes, each checked against its SHA-256 when read.
    So the first two lines alone say, with the same trust, what each file holds
    (``head``): a build that keeps a picture's files from the last site reads no more.
    Entries are written whole (a temporary file renamed into place), so worker
    processes can share the folder. Without a key: no cache.
    """

    def __init__(self, folder: Path | None, *, write: bool = True) -> None:
        self.signer = signing_key() if folder is not None else None
        self.folder = folder / _IMAGES if folder is not None and self.signer else None
        self.write = write  # False: entries are read, never written (check, review)

    @staticmethod
    def key(source: bytes) -> str:
        salt = f"{IMAGE_FORMAT}\0{__version__}\0{settings_fingerprint()}\0".encode()
        return hashlib.sha256(salt + source).hexdigest()

    def _entry(self, key: str) -> Path | None:
        return self.folder / f"{key}{_IMAGE_SUFFIX}" if self.folder is not None else None

    def head(self, key: str) -> PictureFiles | None:
        """What the entry says its picture's files hold, from its first two lines."""
        return self._read(key, lambda head, _: head)

    def get(self, key: str) -> Derived | None:
        return self._read(key, lambda head, rest: _with_bytes(head, rest.read()))

    def _read(self, key: str, then: Callable[[PictureFiles, BinaryIO], T]) -> T | None:
        """``then`` of the entry's verified head and the file open after it; None
        when there is no entry, or it is unreadable (then removed)."""
        entry = self._entry(key)
        if entry is None or not entry.is_file():
            return None
        try:
            with entry.open("rb") as handle:
                signature, line = handle.readline().rstrip(b"\n"), handle.readline()
                assert self.signer is not None
                if not verify(self.signer, signature.decode("ascii"), key.encode(), line):
                    raise ValueError("not signed with this user's key")
                return then(_read_head(line), handle)
        except (OSError, ValueError, TypeError, KeyError, IndexError):
            if self.write:
                with contextlib.suppress(OSError):
                    entry.unlink()
            return None

    def put(self, key: str, derived: Derived) -> None:
        entry = self._entry(key)
        if entry is None or not self.write:
            return
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            line = _head_line(derived)
            assert self.signer is not None
            signature = sign(self.signer, key.encode(), line).encode("ascii")
            with tempfile.NamedTemporaryFile(dir=entry.parent, delete=False) as temporary:
                temporary.write(signature + b"\n" + line)
                temporary.writelines(content for _, content in derived.files)
            os.replace(temporary.name, entry)
        except OSError:
            with contextlib.suppress(OSError, UnboundLocalError):
                os.unlink(temporary.name)

    def prune(self, used: Iterable[str]) -> None:
        """Remove every entry whose key is not in ``used`` (and any stray file)."""
        if self.folder is None or not self.folder.is_dir():
            return
        keep = {f"{key}{_IMAGE_SUFFIX}" for key in used}
        for path in self.folder.iterdir():
            if path.name not in keep:
                with contextlib.suppress(OSError):
                    path.unlink()


def _rows(renditions: tuple[Rendition, ...]) -> list[list[object]]:
    return [[r.path, r.width, r.height, r.mime] for r in renditions]


def _renditions(rows: list[list[object]]) -> tuple[Rendition, ...]:
    made = []
    for path, width, height, mime in rows:
        if not (isinstance(path, str) and isinstance(mime, str)):
            raise TypeError("a rendition's path and type are text")
        if not (isinstance(width, int) and isinstance(height, int)):
            raise TypeError("a rendition's size is numbers")
        made.append(Rendition(path, width, height, mime))
    return tuple(made)


@dataclass(frozen=True)
class PictureFiles:
    """A cached picture and each of its files' path, length and SHA-256 (no bytes)."""

    picture: Picture
    files: tuple[tuple[str, int, str], ...]


def _head_line(derived: Derived) -> bytes:
    """The entry's second line: the picture, and what each file holds."""
    picture = derived.picture
    head = {
        "format": IMAGE_FORMAT,
        "fallback": _rows(picture.fallback),
        "alternates": [_rows(group) for group in picture.alternates],
        "files": [[p, len(b), hashlib.sha256(b).hexdigest()] for p, b in derived.files],
    }
    return json.dumps(head).encode() + b"\n"


def _read_head(line: bytes) -> PictureFiles:
    """The second line read back, or ValueError/TypeError/KeyError when anything is off."""
    head = json.loads(line)
    if head["format"] != IMAGE_FORMAT:
        raise ValueError("another format")
    files: list[tuple[str, int, str]] = []
    for path, length, checksum in head["files"]:
        if not (isinstance(path, str) and isinstance(length, int) and isinstance(checksum, str)):
            raise TypeError("a file's path, length and checksum")
        files.append((path, length, checksum))
    picture = Picture(
        _renditions(head["fallback"]), tuple(_renditions(g) for g in head["alternates"])
    )
    written = {p for p, _, _ in files}
    if not picture.fallback or not {r.path for r in _all(picture)} <= written:
        raise ValueError("the picture names a file the entry does not hold")
    return PictureFiles(picture, tuple(files))


def _with_bytes(head: PictureFiles, rest: bytes) -> Derived:
    """The files' bytes, each checked against the head's SHA-256 (ValueError if not)."""
    files: list[tuple[str, bytes]] = []
    offset = 0
    for path, length, checksum in head.files:
        content = rest[offset : offset + length]
        offset += length
        if hashlib.sha256(content).hexdigest() != checksum:
            raise ValueError("a derivative does not match its checksum")
        files.append((path, content))
    if offset != len(rest):
        raise ValueError("the entry's length is wrong")
    return Derived(head.picture, tuple(files))


def _all(picture: Picture) -> tuple[Rendition, ...]:
    return (*picture.fallback, *(r for group in picture.alternates for r in group))


def clean(site_root: Path, output: Path) -> list[Path]:
    """Remove the cache and the output (only a folder storysite wrote); say what went."""
    removed = []
    folder = cache_dir(site_root)
    if folder.is_dir():
        shutil.rmtree(folder)
        removed.append(folder)
    for folder in (output, previous_of(output)):  # the previous site too (rollback)
        if folder.is_dir() and (folder / MARKER).exists():
            shutil.rmtree(folder)
            removed.append(folder)
    return removed
