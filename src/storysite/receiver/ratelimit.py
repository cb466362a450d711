"""A per-client sliding-window rate limit kept only in memory.

Clients are keyed by a keyed hash of their address (the key is random per
process), so not even the memory holds a readable address for longer than
the request that carried it.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int = 0


class RateLimiter:
    def __init__(
        self,
        limit: int,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._key = secrets.token_bytes(16)
        self._hits: dict[bytes, deque[float]] = {}
        self._lock = threading.Lock()
        self._next_sweep = clock() + window

    def _client_key(self, client: str) -> bytes:
        return hashlib.blake2b(client.encode(), key=self._key, digest_size=16).digest()

    def check(self, client: str) -> Decision:
        """Count one post from this client and say whether it may go ahead."""
        if self.limit <= 0:
            return Decision(True)
        key = self._client_key(client)
        now = self._clock()
        with self._lock:
            self._sweep(now)
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                wait = hits[0] + self.window - now
                return Decision(False, retry_after=max(1, math.ceil(wait)))
            hits.append(now)
            return Decision(True)

    def _sweep(self, now: float) -> None:
        """Forget clients idle for a whole window, so memory stays bounded."""
        if now < self._next_sweep:
            return
        self._next_sweep = now + self.window
        idle = [k for k, hits in self._hits.items() if not hits or hits[-1] <= now - self.window]
        for key in idle:
            del self._hits[key]

    def tracked_clients(self) -> int:
        with self._lock:
            return len(self._hits)
