"""The API against its own OpenAPI schema, by schemathesis in-process on the WSGI app: generated requests to
every operation never get a 5xx, and every answer matches the schema (status, content type, body). Also: the
documentation page is served from the portal's own static files."""

import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings

pytestmark = pytest.mark.django_db

# Enough examples per operation to vary every filter, few enough to stay within a minute for the whole API.
EXAMPLES = 8


@pytest.fixture
def wsgi_app():
    """The portal's WSGI app, called in this thread inside the test's transaction: like Django's test client, it
    must not close the database connection at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_every_operation_conforms_to_the_schema(world, settings, wsgi_app):
    settings.EXPO_API_ANON_RATE = "100000/minute"
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 24  # twelve lists and their details

    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def conforms(case):
            response = case.call()
            assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code}"
            case.validate_response(response)

        conforms()


def test_schema_and_docs_are_served_without_any_outside_host(client, world):
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"openapi: 3" in schema.content
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert not re.search(r"(src|href)=\"(https?:)?//", page)
    assert "<style" not in page
    assert "<script>" not in page
    script = client.get("/api/v1/docs/", {"script": ""})
    assert script.status_code == 200
    assert "/api/v1/schema/" in script.content.decode()
    for asset in re.findall(r"(?:src|href)=\"(/static/[^\"]+)\"", page):
        assert asset.startswith("/static/drf_spectacular_sidecar/")
