"""The user's key for signing what storysite caches (incremental.py, cache.py).

It lives outside every site folder, in the user's own cache folder
(``$XDG_CACHE_HOME/storysite/cache-key``, else ``~/.cache/storysite/cache-key``),
made on first use and readable by the user only. A cache entry is trusted only when
its signature was made with this key: an entry planted by someone who can write a
site folder, or a cache copied from another machine or account, is not.
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path


def _key_file() -> Path:
    home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(home) / "storysite" / "cache-key"


def signing_key() -> bytes | None:
    """This user's key for signing cache entries; None when it cannot be had."""
    path = _key_file()
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    except OSError:
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(secrets.token_bytes(32))
    except FileExistsError:
        pass  # another build made it first
    except OSError:
        return None
    try:
        return _read_key(path)
    except OSError:
        return None


def _read_key(path: Path) -> bytes | None:
    key = path.read_bytes()
    return key if len(key) == 32 else None


def sign(key: bytes, *parts: bytes) -> str:
    """An HMAC-SHA-256 of ``parts`` (each one's length is part of what is signed)."""
    framed = b"".join(piece for part in parts for piece in (len(part).to_bytes(8, "little"), part))
    return hmac.digest(key, framed, "sha256").hex()


def verify(key: bytes, signature: str, *parts: bytes) -> bool:
    return hmac.compare_digest(signature, sign(key, *parts))
