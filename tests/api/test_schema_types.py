"""The schema describes every answer: no operation answers an untyped object (what
``OpenApiTypes.OBJECT`` declares), and drf-spectacular builds it with no warning or error
(a guessed serializer, a colliding enum or operation name), so the front end's types
generated from it are the answers' real shapes."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator


def _untyped(schema: dict, components: dict) -> bool:
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    if any(key in schema for key in ("allOf", "oneOf", "anyOf", "properties", "items")):
        return False
    extra = schema.get("additionalProperties")
    return schema.get("type", "object") == "object" and extra in (None, True, {})


def untyped_answers(schema: dict) -> list[str]:
    components = schema.get("components", {}).get("schemas", {})
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, response in operation.get("responses", {}).items():
                body = response.get("content", {}).get("application/json", {}).get("schema")
                if body is not None and _untyped(body, components):
                    found.append(f"{method.upper()} {path} {status}")
    return sorted(found)


def test_no_answer_is_an_untyped_object():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert untyped_answers(schema) == []


def test_the_check_sees_an_untyped_answer():
    schema = {"paths": {"/a/": {"get": {"responses": {"200": {"content": {"application/json": {
        "schema": {"type": "object", "additionalProperties": {}}}}}}}},
        "/b/": {"get": {"responses": {"200": {"content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/B"}}}}}}}},
        "components": {"schemas": {"B": {"type": "object", "properties": {"x": {"type": "string"}}}}}}
    assert untyped_answers(schema) == ["GET /a/ 200"]


@pytest.mark.django_db
def test_the_schema_builds_without_a_warning(tmp_path):
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yaml"))
