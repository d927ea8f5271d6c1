"""Settings for the benchmark only: the portal's own settings plus a bare view to compare against."""

from expo.settings import *  # noqa: F403 - the benchmark must run exactly the product's settings

ROOT_URLCONF = "bench.urls"

# `bench/run.py --no-cache` measures the pages as they are rendered, with no cache at all.
if os.environ.get("BENCH_NO_CACHE") == "1":  # noqa: F405 - os comes with the portal's settings
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

# bench/visitors_load.py posts forms over plain HTTP on loopback: its cookies must come back without TLS.
if os.environ.get("BENCH_PLAIN_HTTP_COOKIES") == "1":  # noqa: F405
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
