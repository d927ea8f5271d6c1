"""The one way a public page's cache key is built, and the cache kept apart from the broker."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.http import QueryDict

from expo import caching
from expo.settings import redis_database_after

ROOT = Path(__file__).resolve().parents[2]

PARAMS = caching.Params(
    q=caching.text(10),
    page=caching.integer(50),
    province=caching.choice(["punjab", "sindh"]),
    women_led=caching.flag,
)


def clean(query: str) -> str:
    return PARAMS.clean(QueryDict(query)).urlencode()


@pytest.mark.parametrize(
    ("query", "cleaned"),
    [
        ("junk=1&utm_source=x", ""),
        ("q=++needle+++holder+", "q=needle+hol"),
        ("q=%20%20", ""),
        ("page=007", "page=7"),
        ("page=0", ""),
        ("page=51", ""),
        ("page=-1", ""),
        ("page=%D9%A3", ""),  # an Arabic-Indic digit: not a page number the paginator reads
        ("page=9999999999999999999999", ""),
        ("province=punjab", "province=punjab"),
        ("province=PUNJAB", ""),
        ("women_led=yes", "women_led=on"),
        ("women_led=false", ""),
        ("women_led=", ""),
        ("page=2&page=3", "page=3"),  # the last value, as QueryDict.get and so the page reads it
        ("women_led=1&q=honey&province=sindh&page=2&junk=x", "page=2&province=sindh&q=honey&women_led=on"),
    ],
)
def test_params_keep_only_declared_parameters_normalised_in_a_fixed_order(query, cleaned):
    assert clean(query) == cleaned


def test_params_cleaned_are_read_only():
    with pytest.raises(AttributeError):
        PARAMS.clean(QueryDict("q=a"))["q"] = "b"


def test_page_key_differs_by_path_query_version_language_and_variant(db):
    base = {
        "path": "/exhibitors/",
        "query": QueryDict("q=honey"),
        "versions": ["test:a"],
        "language": "en",
        "variant": "page",
    }
    key = caching.page_key(**base)

    others = [
        {"path": "/floor-plan/H1/"},
        {"query": QueryDict("q=needle")},
        {"versions": ["test:a", "test:b"]},
        {"language": "ur"},
        {"variant": "fragment"},
    ]
    assert len({key, *(caching.page_key(**(base | other)) for other in others)}) == 6
    assert caching.page_key(**base) == key
    caching.bump("test:a")
    assert caching.page_key(**base) != key


def test_the_cache_is_never_the_brokers_redis_database():
    location = settings.CACHES["default"].get("LOCATION", "")

    if settings.REDIS_URL:
        assert location == redis_database_after(settings.REDIS_URL)
    assert location != settings.CELERY_BROKER_URL


@pytest.mark.parametrize(
    ("url", "after"),
    [
        ("redis://redis:6379/0", "redis://redis:6379/1"),
        ("redis://127.0.0.1:6380", "redis://127.0.0.1:6380/1"),
        ("rediss://:secret@host:6379/4?ssl_cert_reqs=none", "rediss://:secret@host:6379/5?ssl_cert_reqs=none"),
    ],
)
def test_redis_database_after_names_the_next_database_of_the_same_server(url, after):
    assert redis_database_after(url) == after


def _service(compose: str, name: str) -> str:
    match = re.search(rf"^  {name}:\n((?:    .*\n|\n)*)", compose, re.MULTILINE)
    assert match, f"no {name} service"
    return match.group(1)


def test_compose_gives_the_cache_its_own_bounded_evicting_redis_and_the_broker_none():
    compose = (ROOT / "docker-compose.yml").read_text()
    cache_service = _service(compose, "cache")
    broker = _service(compose, "redis")

    assert "CACHE_URL: redis://cache:6379/0" in compose
    assert re.search(r"- --maxmemory\n\s+- \$\{CACHE_MAXMEMORY:-\d+mb\}\n", cache_service)
    assert re.search(r"- --maxmemory-policy\n\s+- allkeys-lru\n", cache_service)
    assert '"--maxmemory-policy", "noeviction"' in broker


def test_gunicorn_is_started_with_its_workers_named():
    compose = (ROOT / "docker-compose.yml").read_text()
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert 'gunicorn expo.wsgi:application --bind 0.0.0.0:8000 --workers "$$WEB_CONCURRENCY"' in _service(
        compose, "web"
    )
    assert re.search(r"^    WEB_CONCURRENCY=\d+$", dockerfile, re.MULTILINE)
    assert '--workers \\"$WEB_CONCURRENCY\\"' in dockerfile.splitlines()[-1]


def test_a_version_made_far_in_the_future_can_still_be_bumped():
    """An expo's pages may be cached with the clock set to its distant days (the tests travel there): the version
    made then must still be a number the cache can count up."""
    import datetime

    import time_machine
    from django.core.cache import cache

    key = "test:far-future-version"
    cache.delete(key)
    with time_machine.travel(datetime.datetime(2810, 1, 20, tzinfo=datetime.UTC), tick=False):
        first = caching.version(key)
        caching.bump(key)

        assert caching.version(key) == first + 1
    cache.delete(key)
