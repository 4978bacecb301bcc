"""A send-rate limit shared by every worker, kept in Redis.

Interface:
    rate_acquire(count, *, per_minute=None, sleep=time.sleep, scope="mailings")
        Blocks until ``count`` messages may go out, returns seconds waited.

Fixed one-minute windows: each worker adds its batch to the counter of the
current minute (one atomic INCRBY); if that overshoots the limit, it gives
the tokens back and waits for the next window. All workers on all machines
share one counter because they share one Redis. Without REDIS_URL (the
single-process demo) a counter in this process does the same job.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings

_KEY = "{scope}:rate:{window}"
_local = {"window": None, "count": 0}
_lock = threading.Lock()
_client = None


def _redis():
    """One client (connection pool) per process and URL."""
    global _client
    url = settings.REDIS_URL
    if not url:
        return None
    if _client is None or _client[0] != url:
        import redis

        _client = (url, redis.Redis.from_url(url, socket_timeout=5))
    return _client[1]


def _take(window: int, count: int, limit: int, scope: str) -> bool:
    client = _redis()
    if client is None:
        with _lock:
            if _local["window"] != (scope, window):
                _local.update(window=(scope, window), count=0)
            if _local["count"] + count > limit and _local["count"] > 0:
                return False
            _local["count"] += count
            return True
    key = _KEY.format(scope=scope, window=window)
    pipe = client.pipeline()
    pipe.incrby(key, count)
    pipe.expire(key, 120)
    total, _ = pipe.execute()
    # A batch larger than the whole limit still goes, alone in its window.
    if total > limit and total - count > 0:
        client.decrby(key, count)
        return False
    return True


def rate_acquire(
    count: int,
    *,
    per_minute: int | None = None,
    sleep=time.sleep,
    scope: str = "mailings",
):
    limit = per_minute or settings.MAILINGS_RATE_PER_MINUTE
    waited = 0.0
    while True:
        now = time.time()
        window = int(now // 60)
        if _take(window, count, limit, scope):
            return waited
        pause = (window + 1) * 60 - now + 0.01
        sleep(pause)
        waited += pause
