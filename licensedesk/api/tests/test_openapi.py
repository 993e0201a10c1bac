import re

import pytest
from django.test import Client


def test_the_schema_lists_the_endpoints(db):
    r = Client().get("/api/v1/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    for path in (
        "/api/v1/me",
        "/api/v1/users",
        "/api/v1/users/{user_id}",
        "/api/v1/tokens",
        "/api/v1/tokens/{token_id}",
        "/api/v1/audit-events",
    ):
        assert path in paths, path
    assert set(paths["/api/v1/users/{user_id}"]) >= {"get", "patch", "delete"}


def test_the_schema_declares_bearer_auth(db):
    schemes = Client().get("/api/v1/openapi.json").json()["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


def test_the_docs_use_only_local_files(db):
    r = Client().get("/api/v1/docs")
    assert r.status_code == 200
    html = r.content.decode()
    assert "/static/" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "cdn." not in html


def _document():
    return Client().get("/api/v1/openapi.json").json()


def _resolve(document, ref):
    assert ref.startswith("#/"), ref
    node = document
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict) and part in node, f"{ref} does not resolve"
        node = node[part]
    return node


def _refs(node):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _operations(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            yield f"{method.upper()} {path}", operation


def test_every_reference_in_the_schema_resolves_from_its_root(db):
    document = _document()
    refs = set(_refs(document))
    assert "#/components/schemas/Problem" in refs
    for ref in refs:
        assert ref.startswith("#/components/schemas/"), ref
        _resolve(document, ref)


def test_the_status_report_body_is_a_component(db):
    document = _document()
    body = document["paths"]["/api/v1/installations/{installation_id}/status"]["post"]
    schema = body["requestBody"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/StatusReport"}
    assert "Host" in document["components"]["schemas"]


def test_every_operation_documents_the_errors_it_can_give(db):
    document = _document()
    for name, operation in _operations(document):
        answers = operation["responses"]
        expected = {"422", "503"}
        if operation.get("security"):
            expected |= {"401"}
        if any(p["in"] == "path" for p in operation.get("parameters", [])):
            expected |= {"404"}
        if "application/json" in operation.get("requestBody", {}).get("content", {}):
            expected |= {"400", "413", "422"}
        assert expected <= set(answers), (name, expected - set(answers))
        for status, answer in answers.items():
            if int(status) >= 400:
                content = answer["content"]
                assert list(content) == ["application/problem+json"], (name, status)
                assert content["application/problem+json"]["schema"] == {
                    "$ref": "#/components/schemas/Problem"
                }


def test_operations_with_the_user_session_or_a_token_document_403_and_415(db):
    operations = dict(_operations(_document()))
    assert "403" in operations["GET /api/v1/me"]["responses"]  # 2FA required
    assert "415" in operations["POST /api/v1/customers"]["responses"]
    assert "415" in operations["POST /api/v1/licenses/{slc}/activations"]["responses"]


def test_business_refusals_are_documented_where_they_happen(db):
    operations = dict(_operations(_document()))
    assert "409" in operations["POST /api/v1/customers"]["responses"]
    assert "429" in operations["POST /api/v1/tokens"]["responses"]
    assert {"409", "429"} <= set(operations["POST /api/v1/licenses"]["responses"])
    assert "400" in operations["POST /api/v1/deliveries/{delivery_id}/retry"]["responses"]


def test_the_monitoring_token_answer_is_not_the_personal_token_schema(db):
    # Both were a class named TokenOut: the document kept one schema for both answers.
    document = _document()
    operation = document["paths"]["/api/v1/installations/{installation_id}/monitoring-token"]
    ref = operation["post"]["responses"]["201"]["content"]["application/json"]["schema"]["$ref"]
    assert set(_resolve(document, ref)["properties"]) == {"installation_id", "token"}


def test_two_schemas_of_one_name_stop_the_document():
    from ninja import NinjaAPI, Schema

    from licensedesk.api.openapi import Document

    def first():
        class Item(Schema):
            a: int

        return Item

    def second():
        class Item(Schema):
            b: str

        return Item

    class Outer1(Schema):
        item: first()

    class Outer2(Schema):
        item: second()

    api = NinjaAPI(urls_namespace="collision-test")
    api.get("/one", response=Outer1)(lambda request: None)
    api.get("/two", response=Outer2)(lambda request: None)
    with pytest.raises(ValueError, match="Item"):
        Document(api, "")


def test_license_files_are_documented_as_jose(db):
    operations = dict(_operations(_document()))
    for name in (
        "GET /api/v1/licenses/{slc}/license-file",
        "GET /api/v1/activations/{activation_id}/license-file",
    ):
        assert list(operations[name]["responses"]["200"]["content"]) == ["application/jose"]
    activate = operations["POST /api/v1/licenses/{slc}/activations"]["responses"]
    for status in ("200", "201"):
        assert set(activate[status]["content"]) == {"application/jose", "application/json"}
