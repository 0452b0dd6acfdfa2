"""Sign-in throttling: every try is counted before the password is checked, in the store all servers share.

Three counters, in fixed windows (the `limits` library, which Flask-Limiter is built on):

- per account and address (`LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS`, 5 per 15 minutes): what a guesser meets.
  Their wrong tries lock the account only for their own address; its owner elsewhere still signs in.
- per account (`LOGIN_LIMIT_PER_ACCOUNT`, 30 per 15 minutes): guessing one account from many addresses.
  One address cannot reach it alone, so locking someone out takes many addresses at once.
- per address (`LOGIN_LIMIT_PER_ADDRESS`, 30 per 15 minutes): one address trying many accounts.

A try is counted with one atomic increment per counter before the password is checked, so tries sent at once
cannot all get through, and given back unless the password was wrong: a right password, a refused try or a
database outage costs nothing. Accounts and addresses are kept only as keyed hashes.

The store is Redis when REDIS_URL is set (gunicorn refuses to start more than one worker without it, see
gunicorn.conf.py). When it cannot be reached, the tries are counted in this process until it answers again:
sign-in keeps working and is still throttled, each process counting on its own for the outage. That is logged
once when it starts and once when it ends.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from flask import Flask, current_app, request
from limits import RateLimitItem, parse
from limits.errors import StorageError
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

log = logging.getLogger(__name__)
T = TypeVar("T")

# How long this process counts on its own before it asks the shared store again.
RETRY_SHARED_STORE_AFTER = 10.0
# An unreachable store must not hold a sign-in up for long.
REDIS_TIMEOUTS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
_EXTENSION = "portal.sign_in_counters"


class Throttled(Exception):
    """Too many wrong tries: wait `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))


@dataclass(frozen=True)
class _Counter:
    name: str
    item: RateLimitItem
    key: str


class SignInTry:
    """Given back when its block ends, unless the password turned out to be wrong."""

    def __init__(self) -> None:
        self.wrong = False

    def password_was_wrong(self) -> None:
        self.wrong = True


class _Store:
    """The shared store, or this process's memory while the shared one cannot be reached."""

    def __init__(self, uri: str) -> None:
        options = dict(REDIS_TIMEOUTS) if uri.startswith(("redis", "rediss")) else {}
        self.shared = FixedWindowRateLimiter(storage_from_string(uri, wrap_exceptions=True, **options))
        self.local = FixedWindowRateLimiter(MemoryStorage())
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._ask_again_at = 0.0

    def run(self, work: Callable[[FixedWindowRateLimiter], T]) -> tuple[T, FixedWindowRateLimiter]:
        """Do `work` with the shared store if it answers, else with this process's memory."""
        if time.monotonic() >= self._ask_again_at:
            try:
                done = work(self.shared)
            except StorageError as error:
                self._went_down(error)
            else:
                self._answered()
                return done, self.shared
        return work(self.local), self.local

    def _went_down(self, error: StorageError) -> None:
        with self._lock:
            self._ask_again_at = time.monotonic() + RETRY_SHARED_STORE_AFTER
            if self._down_since is None:
                self._down_since = time.monotonic()
                log.warning("The store of sign-in counters cannot be reached (%s); counting sign-in tries in this "
                            "process until it answers again.", error.storage_error)

    def _answered(self) -> None:
        if self._down_since is not None:
            with self._lock:
                if self._down_since is not None:
                    log.warning("The store of sign-in counters answers again after %d s.",
                                time.monotonic() - self._down_since)
                    self._down_since = None

    def reset(self) -> None:
        for limiter in (self.shared, self.local):
            try:
                limiter.storage.reset()
            except StorageError:
                pass


class Counters:
    """The sign-in counters of one app."""

    def __init__(self, app: Flask) -> None:
        self.enabled = bool(app.config["RATELIMIT_ENABLED"])
        self.store = _Store(app.config["RATELIMIT_STORAGE_URI"])
        self.limits = {
            "account and address": parse(app.config["LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS"]),
            "account": parse(app.config["LOGIN_LIMIT_PER_ACCOUNT"]),
            "address": parse(app.config["LOGIN_LIMIT_PER_ADDRESS"]),
        }
        self.secret = str(app.config["SECRET_KEY"]).encode()

    def _hash(self, *parts: str) -> str:
        return hmac.new(self.secret, "\n".join(parts).encode(), hashlib.sha256).hexdigest()[:32]

    def counters(self, account: str) -> list[_Counter]:
        account = account.strip().lower()
        address = request.remote_addr or ""
        keys = {"account and address": self._hash("account and address", account, address),
                "account": self._hash("account", account),
                "address": self._hash("address", address)}
        return [_Counter(name, item, keys[name]) for name, item in self.limits.items()]

    def count(self, counters: list[_Counter]) -> FixedWindowRateLimiter:
        """Count a try on every counter at once; Throttled (and nothing counted) if any had no tries left."""

        def hit(limiter: FixedWindowRateLimiter) -> list[_Counter]:
            return [c for c in counters if not limiter.hit(c.item, "sign-in", c.key)]

        spent, limiter = self.store.run(hit)
        if spent:
            self.give_back(limiter, counters)
            waits = [limiter.get_window_stats(c.item, "sign-in", c.key).reset_time - time.time() for c in spent]
            raise Throttled(max(1, math.ceil(max(waits))))
        return limiter

    def give_back(self, limiter: FixedWindowRateLimiter, counters: list[_Counter]) -> None:
        for counter in counters:
            try:
                limiter.storage.incr(counter.item.key_for("sign-in", counter.key), counter.item.get_expiry(),
                                     amount=-1)
            except StorageError:
                pass  # the store went away meanwhile: the try stays counted there until its window ends


def _app_counters() -> Counters:
    return current_app.extensions[_EXTENSION]  # type: ignore[no-any-return]


@contextmanager
def sign_in_try(account: str) -> Iterator[SignInTry]:
    """Count a try at `account`'s password from this address; raises Throttled before the block if there are
    no tries left. Inside, call `password_was_wrong()` when it was: otherwise the try is given back."""
    counters = _app_counters()
    attempt = SignInTry()
    if not counters.enabled:
        yield attempt
        return
    mine = counters.counters(account)
    limiter = counters.count(mine)
    try:
        yield attempt
    finally:
        if not attempt.wrong:
            counters.give_back(limiter, mine)


def reset(app: Flask) -> None:
    """Forget every count (for tests)."""
    app.extensions[_EXTENSION].store.reset()


def init_app(app: Flask) -> None:
    app.extensions[_EXTENSION] = Counters(app)
