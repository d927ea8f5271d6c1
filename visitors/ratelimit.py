"""A fixed-window limit per client address in the cache (Redis), open when the cache is down.

Registration must keep working when Redis is down, so a cache failure lets the request through.
"""

import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)


def client_address(request) -> str:
    # Only REMOTE_ADDR: a header a client can set would let a script choose its own bucket.
    return request.META.get("REMOTE_ADDR", "")


def hit(*, scope: str, key: str, limit: int, window: int) -> bool:
    """Count one attempt; False when ``limit`` attempts were already made in this window."""
    bucket = int(time.time() // window)
    cache_key = f"ratelimit:{scope}:{key}:{bucket}"
    try:
        cache.add(cache_key, 0, timeout=window + 5)
        count = cache.incr(cache_key)
    except Exception:  # noqa: BLE001 - the cache being down must not stop registrations
        logger.warning("Rate limit cache unavailable; letting %s through.", scope)
        return True
    return count <= limit
