"""The in-memory rate limiter, driven by a hand-cranked clock."""

from __future__ import annotations

from storysite.receiver.ratelimit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_limit_per_client_and_window_slides() -> None:
    clock = Clock()
    limiter = RateLimiter(3, window=60, clock=clock)
    assert [limiter.check("a").allowed for _ in range(4)] == [True, True, True, False]
    assert limiter.check("b").allowed  # another client has its own allowance
    clock.now += 30
    refused = limiter.check("a")
    assert not refused.allowed
    assert refused.retry_after == 30
    clock.now += 30  # the first three hits are now a full window old
    assert limiter.check("a").allowed


def test_zero_turns_the_limit_off() -> None:
    limiter = RateLimiter(0, clock=Clock())
    assert all(limiter.check("a").allowed for _ in range(1000))
    assert limiter.tracked_clients() == 0


def test_idle_clients_are_forgotten() -> None:
    clock = Clock()
    limiter = RateLimiter(5, window=60, clock=clock)
    for n in range(50):
        limiter.check(f"10.0.0.{n}")
    assert limiter.tracked_clients() == 50
    clock.now += 61
    limiter.check("10.0.0.1")
    assert limiter.tracked_clients() == 1


def test_addresses_are_not_kept_in_readable_form() -> None:
    limiter = RateLimiter(5, clock=Clock())
    limiter.check("198.51.100.23")
    assert all(b"198.51.100.23" not in key for key in limiter._hits)
