"""Throttles that hold: every count lives in the shared Django cache.

With `REDIS_URL` set the default cache is Redis, so every gunicorn worker and every web
container counts together; the local-memory cache (no `REDIS_URL`) counts per process and is
for development only (production warns, `check --deploy`). Clients are told apart by
`portal.core.clientip.throttle_ident`, never by a header they write themselves.

Two shapes:

- `hit`: a fixed window per client, counted with the cache's atomic increment (the look-up per
  address, kiosk tickets per unit).
- `Cooldown`: a per-object budget of failures that refills slowly (the generic cell rate
  algorithm, one tier or several), for the look-up's wrong digits per dossier code. A burst of
  failures is allowed, then one more per interval; while cooled down nothing is even tried, so a
  flood from any number of addresses learns nothing, and the right answer gets through again one
  interval after the flood stops.

A cache that does not answer: the look-up's guards fail closed (the request gets the portal's
503, `portal.middleware.outage`), since a look-up unguarded would let four phone digits be guessed
while Redis is down; every other throttle fails open (logged), so an outage of the cache never
stops the desk's kiosk.
"""

import hashlib
import logging
import math
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache, RedisSerializer
from django.core.checks import CheckMessage
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from portal.core.clientip import throttle_ident
from portal.core.throttle_script import acquire_script as _acquire_script

logger = logging.getLogger("motcua.throttling")

PREFIX = "motcua:throttle"
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# Scopes whose guard protects personal data: with the cache down they refuse, not allow.
FAIL_CLOSED = frozenset({"lookup", "lookup-code"})


def now() -> float:
    # Read at call time, so frozen clocks in tests move the windows.
    return time.time()


def key_for(scope: str, ident: str) -> str:
    # Hashed: idents come from the request (codes, addresses) and may hold anything.
    digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
    return f"{PREFIX}:{scope}:{digest}"


def parse_rate(rate: str) -> tuple[int, int]:
    """`"30/min"` -> (30, 60), as DRF writes rates."""
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period.strip()[0]]


@dataclass(frozen=True)
class Budget:
    """`limit` requests of `ident` per `window` seconds in `scope`: what `hit` counts."""

    scope: str
    ident: str
    limit: int
    window: int

    def key(self, moment: float) -> str:
        return f"{key_for(self.scope, self.ident)}:{int(moment // self.window)}"

    def wait(self, count: int, moment: float) -> int:
        """0 if `count` is within the budget, else the seconds until the window ends."""
        if count <= self.limit:
            return 0
        return max(1, math.ceil((int(moment // self.window) + 1) * self.window - moment))


def hit(scope: str, ident: str, *, limit: int, window: int) -> int:
    """Count one request of `ident` in `scope`. 0 if it is within `limit` per `window` seconds,
    else the seconds until the window ends."""
    budget = Budget(scope, ident, limit, window)
    moment = now()
    try:
        count = _count(budget.key(moment), timeout=window + 5)
    except Exception:
        if scope in FAIL_CLOSED:
            raise
        logger.exception("throttle %s: the cache did not answer; request allowed", scope)
        return 0
    return budget.wait(count, moment)


def _count(key: str, *, timeout: int) -> int:
    """Add one to the window's count at `key` (created with `timeout`) and return it."""
    backend = caches[DEFAULT_CACHE_ALIAS]
    if isinstance(backend, RedisCache):
        # One round trip, atomic (MULTI): the key cannot expire between its creation and the
        # increment. The key is the cache's own (prefix, version), as `cache.add` writes it.
        raw = backend.make_and_validate_key(key)
        pipe = backend._cache.get_client(raw, write=True).pipeline(transaction=True)
        pipe.set(raw, 0, ex=timeout, nx=True)
        pipe.incr(raw)
        return int(pipe.execute()[-1])
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=timeout)
        return 1


class DRFCacheThrottle(BaseThrottle):
    """DRF throttle on `hit`: the view's `throttle_scope` names its rate in
    `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]` (read at call time)."""

    def allow_request(self, request: Request, view: APIView) -> bool:
        scope: str | None = getattr(view, "throttle_scope", None)
        # Rates are written "30/min" (the stubs type them as numbers).
        rate = str(api_settings.DEFAULT_THROTTLE_RATES.get(scope) or "") if scope else ""
        if not scope or not rate:
            return True
        limit, window = parse_rate(rate)
        self._wait = hit(scope, throttle_ident(request), limit=limit, window=window)
        return self._wait == 0

    def wait(self) -> float | None:
        return getattr(self, "_wait", None)

    def get_ident(self, request: Request) -> str:
        return throttle_ident(request)


@dataclass(frozen=True)
class Tier:
    """`burst` failures at once, then one more every `interval` seconds."""

    burst: int
    interval: int


def parse_tiers(value: str) -> list[Tier]:
    """`"5:180,30:3600"` -> two tiers: 5 at once then 1 per 3 min; 30 at once then 1 per hour."""
    tiers = []
    for part in value.split(","):
        if part.strip():
            burst, _, interval = part.partition(":")
            tiers.append(Tier(int(burst), int(interval)))
    return tiers


class Attempt:
    """One guarded attempt: `wait` > 0 means cooled down (do not try); call `failed()` when
    the attempt was wrong."""

    def __init__(self, cooldown: "Cooldown", ident: str, wait: int, throttled: int = 0):
        self._cooldown = cooldown
        self._ident = ident
        self.wait = wait
        self.throttled = throttled  # > 0: the budget given to `attempt` is spent (do not try)

    def failed(self) -> None:
        self._cooldown._record_failure(self._ident)

    def wait_now(self) -> int:
        """Seconds the ident must now wait, this attempt counted."""
        try:
            return self._cooldown.wait_for(self._ident)
        except Exception:
            if self._cooldown.scope in FAIL_CLOSED:
                raise
            logger.exception("cool-down %s: the cache did not answer", self._cooldown.scope)
            return 0


def _nothing() -> None:
    pass


class Cooldown:
    def __init__(self, scope: str, tiers: Sequence[Tier]):
        self.scope = scope
        self.tiers = list(tiers)

    def _tier_key(self, ident: str, index: int) -> str:
        return f"{key_for(self.scope, ident)}:tat{index}"

    def _keys(self, ident: str) -> list[str]:
        return [self._tier_key(ident, index) for index in range(len(self.tiers))]

    def wait_for(self, ident: str) -> int:
        """Seconds until `ident` may be tried again (0: now)."""
        keys = self._keys(ident)
        return self._wait_from(keys, cache.get_many(keys))  # one round trip for every tier

    def _wait_from(self, keys: list[str], found: dict[str, Any]) -> int:
        moment = now()
        waits = [0.0]
        for key, tier in zip(keys, self.tiers, strict=True):
            tat = found.get(key)
            if tat is not None:
                waits.append(tat - moment - (tier.burst - 1) * tier.interval)
        longest = max(waits)
        return math.ceil(longest) if longest > 0 else 0

    def _record_failure(self, ident: str) -> None:
        moment = now()
        try:
            for index, tier in enumerate(self.tiers):
                key = self._tier_key(ident, index)
                tat = max(cache.get(key) or moment, moment) + tier.interval
                cache.set(key, tat, timeout=math.ceil(tat - moment) + 60)
        except Exception:
            if self.scope in FAIL_CLOSED:
                raise
            logger.exception(
                "cool-down %s: the cache did not answer; failure not counted", self.scope
            )

    @contextmanager
    def attempt(
        self, ident: str, *, budget: Budget | None = None
    ) -> Iterator["Attempt | _Unguarded"]:
        """Attempts on one ident run one at a time (a parallel one is told to wait a second),
        so concurrent wrong guesses cannot slip past the count. `budget`: a request budget
        counted in the same round trip (`hit`'s count; the attempt's `throttled` says it is
        spent), the look-up's per address."""
        busy = f"{key_for(self.scope, ident)}:busy"
        try:
            acquired, wait, throttled, release = self._acquire_and_read(busy, ident, budget)
        except Exception:
            if self.scope in FAIL_CLOSED:
                raise
            logger.exception("cool-down %s: the cache did not answer; attempt allowed", self.scope)
            unguarded = _Unguarded()
            if budget is not None:
                unguarded.throttled = hit(
                    budget.scope, budget.ident, limit=budget.limit, window=budget.window
                )
            yield unguarded
            return
        try:
            yield Attempt(self, ident, wait, throttled)
        finally:
            if acquired:
                release()

    def check(self, ident: str, *, budget: Budget | None = None) -> tuple[bool, int, int]:
        """Count the budget and read `ident`'s tiers without taking its turn: (free, seconds to
        wait, seconds the budget is spent for); `free`: no attempt of `ident` holds the turn.
        For an attempt that will record nothing (the look-up's right digits): when free, it is
        answered on this reading, as if it had taken the turn here and given it back at once
        (it records nothing another attempt would read); otherwise it takes its turn with
        `attempt` (the budget already counted). With Redis, one round trip, atomic. A cache
        that does not answer raises (the look-up's guards fail closed)."""
        busy = f"{key_for(self.scope, ident)}:busy"
        backend = caches[DEFAULT_CACHE_ALIAS]
        moment = now()
        throttled = 0
        if isinstance(backend, RedisCache):
            raw_busy = backend.make_key(busy)
            client = backend._cache.get_client(raw_busy, write=True)
            counted = backend.make_key(budget.key(moment)) if budget is not None else raw_busy
            keys = self._keys(ident)
            count, free, *values = _acquire_script(client)(
                keys=[counted, raw_busy, *(backend.make_key(key) for key in keys)],
                args=[budget.window + 5 if budget is not None else "", "read"],
                client=client,
            )
            if budget is not None:
                throttled = budget.wait(int(count), moment)
            loads = getattr(backend._cache, "_serializer", RedisSerializer()).loads
            found = {k: loads(v) for k, v in zip(keys, values, strict=True) if v is not None}
            return bool(free), self._wait_from(keys, found), throttled
        if budget is not None:
            throttled = hit(budget.scope, budget.ident, limit=budget.limit, window=budget.window)
        return cache.get(busy) is None, self.wait_for(ident), throttled

    def _acquire_and_read(
        self, busy: str, ident: str, budget: Budget | None = None
    ) -> tuple[bool, int, int, Callable[[], Any]]:
        """Count the budget, take the ident's turn and read its tiers: (taken, seconds to wait,
        seconds the budget is spent for, what gives the turn back). With Redis, all of it is one
        script, one round trip, atomic as a MULTI (the read is used only if the turn was
        taken)."""
        backend = caches[DEFAULT_CACHE_ALIAS]
        moment = now()
        throttled = 0
        if isinstance(backend, RedisCache):
            # The cache's own keys (prefix, version), as `cache.add` writes them; ours are plain
            # ASCII, so memcached's key warnings are not checked on every look-up.
            raw_busy = backend.make_key(busy)
            client = backend._cache.get_client(raw_busy, write=True)
            counted = backend.make_key(budget.key(moment)) if budget is not None else raw_busy
            keys = self._keys(ident)
            count, taken, *values = _acquire_script(client)(
                keys=[counted, raw_busy, *(backend.make_key(key) for key in keys)],
                args=[budget.window + 5 if budget is not None else "", "take"],
                client=client,
            )
            if budget is not None:
                throttled = budget.wait(int(count), moment)
            if throttled and not taken:
                return False, 0, throttled, _nothing  # nothing will be tried: no turn to wait for
            if taken:
                loads = getattr(backend._cache, "_serializer", RedisSerializer()).loads
                found = {k: loads(v) for k, v in zip(keys, values, strict=True) if v is not None}
                return (
                    True,
                    self._wait_from(keys, found),
                    throttled,
                    lambda: client.delete(raw_busy),
                )
        elif budget is not None:
            throttled = hit(budget.scope, budget.ident, limit=budget.limit, window=budget.window)
            if throttled:
                return False, 0, throttled, _nothing
        if self._acquire(busy):
            return True, self.wait_for(ident), throttled, lambda: cache.delete(busy)
        return False, 1, throttled, _nothing

    @staticmethod
    def _acquire(busy: str) -> bool:
        # An attempt holds the key for a millisecond or two: the next one polls soon, then less
        # and less often (at most every 50 ms, 20 times a second under a flood), for a second
        # in all, as before (issue 10: a fixed 50 ms sleep made look-ups of one code queue).
        delay, waited = 0.001, 0.0
        while True:
            if cache.add(busy, 1, timeout=10):
                return True
            if waited >= 1.0:
                return False
            time.sleep(delay)
            waited += delay
            delay = min(delay * 2, 0.05)


class _Unguarded:
    wait = 0
    throttled = 0

    def failed(self) -> None:
        pass

    def wait_now(self) -> int:
        return 0


def check_shared_cache(app_configs: object = None, **kwargs: object) -> list[CheckMessage]:
    """`check --deploy`: throttles counted per process hold only per process."""
    from django.conf import settings
    from django.core.checks import Warning

    backend = str(settings.CACHES.get("default", {}).get("BACKEND", ""))
    if backend.endswith(("LocMemCache", "DummyCache")):
        return [
            Warning(
                "Throttles and the look-up lockout count in a per-process cache.",
                hint="Set REDIS_URL so that every worker counts in the same Redis.",
                id="motcua.W001",
            )
        ]
    return []
