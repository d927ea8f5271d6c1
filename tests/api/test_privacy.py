"""No private field ever leaves the API: not in a serializer, not in the schema, not in any answer; and nothing
hidden (an unlisted exhibitor, an edition not yet current, an unpublished winner) appears anywhere."""

import inspect
import json

import pytest
from rest_framework import serializers as drf_serializers

from api import privacy, serializers
from tests.api.conftest import API, ENDPOINTS, SECRETS

pytestmark = pytest.mark.django_db


def api_serializers() -> list[type[drf_serializers.ModelSerializer]]:
    return [
        member
        for _name, member in inspect.getmembers(serializers, inspect.isclass)
        if issubclass(member, drf_serializers.ModelSerializer) and member.__module__ == serializers.__name__
    ]


def test_every_model_shown_has_a_private_fields_list():
    models = {serializer.Meta.model for serializer in api_serializers()}
    assert models <= set(privacy.PRIVATE_FIELDS)


@pytest.mark.parametrize("serializer", api_serializers(), ids=lambda serializer: serializer.__name__)
def test_no_serializer_names_a_private_field(serializer):
    private = privacy.PRIVATE_FIELDS[serializer.Meta.model] | privacy.PRIVATE_NAMES
    for name, field in serializer().fields.items():
        source = field.source.split(".")[0] if field.source and field.source != "*" else name
        assert name not in private, f"{serializer.__name__}.{name} is private"
        assert source not in private, f"{serializer.__name__}.{name} reads the private {source}"


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in _keys(item)}
    if isinstance(value, list):
        return {key for item in value for key in _keys(item)}
    return set()


def every_answer(client) -> list[tuple[str, str]]:
    """(URL, body) of every list and of the detail of every row the lists show."""
    answers = []
    for endpoint in ENDPOINTS:
        url = f"{API}{endpoint}/"
        while url:
            response = client.get(url)
            assert response.status_code == 200, url
            answers.append((url, response.content.decode()))
            page = response.json()
            for row in page["results"]:
                key = row["year"] if endpoint == "editions" else row["id"]
                detail = client.get(f"{API}{endpoint}/{key}/")
                assert detail.status_code == 200
                answers.append((f"{endpoint}/{key}", detail.content.decode()))
            url = page["next"]
    return answers


def test_no_answer_carries_a_private_field_or_value_or_hidden_row(client, world):
    answers = every_answer(client)
    assert len(answers) > 30
    for url, body in answers:
        leaked = _keys(json.loads(body)) & privacy.PRIVATE_NAMES
        assert not leaked, f"{url} has private fields {leaked}"
        for what, secret in SECRETS.items():
            if what == "unpublished_winner":
                continue  # a listed exhibitor, public as such; only its award is secret (below)
            assert secret not in body, f"{url} shows the {what}"
    winners = next(body for url, body in answers if url == f"{API}award-winners/")
    assert SECRETS["unpublished_winner"] not in winners
    assert "Innovator of the year" not in "".join(body for _url, body in answers)


def test_schema_documents_no_private_field(client, world):
    schema = client.get(f"{API}schema/", headers={"Accept": "application/vnd.oai.openapi+json"})
    assert schema.status_code == 200
    components = schema.json()["components"]["schemas"]
    properties = {name for component in components.values() for name in component.get("properties", {})}
    assert properties
    assert not properties & privacy.PRIVATE_NAMES
