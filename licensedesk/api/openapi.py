"""The API's OpenAPI document, so that a client (or schemathesis) can trust it:
- every operation lists the errors it can answer, each an RFC 9457 problem detail
  (`application/problem+json`, the `Problem` component). The errors every operation shares
  follow from what it takes (auth, path parameters, a JSON body); an operation adds its own
  business refusals with `openapi_extra=errors(409, ...)`;
- every schema is a component, so every `$ref` resolves from the document's root;
- two different schemas never share a component name (django-ninja would keep the last)."""

from http import HTTPStatus

from ninja.openapi.schema import OpenAPISchema

from licensedesk.api.problems import TITLES

PROBLEM = "application/problem+json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}

PROBLEM_SCHEMA = {
    "title": "Problem",
    "description": "An RFC 9457 problem detail.",
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "code": {"type": "string", "description": "A stable code for programs."},
        "field": {"type": "string", "description": "The input the refusal is about."},
        "errors": {
            "type": "array",
            "description": "What is not valid, for a 422.",
            "items": {"$ref": "#/components/schemas/FieldError"},
        },
    },
    "required": ["type", "title", "status", "detail", "instance"],
}
FIELD_ERROR_SCHEMA = {
    "title": "FieldError",
    "type": "object",
    "properties": {
        "loc": {"type": "array", "items": {"type": "string"}},
        "msg": {"type": "string"},
        "type": {"type": "string"},
    },
    "required": ["loc", "msg", "type"],
}

WHY = {
    400: "The body is not valid JSON, or a business rule refused the request (see `code`).",
    401: "No valid token or browser session.",
    403: "Your role does not allow this, or your company requires two-factor "
    "authentication (`code` 2fa_required).",
    404: "Not found among what you may see.",
    405: "The endpoint does not answer this method.",
    409: "The request conflicts with what exists (see `code`).",
    413: "The body is larger than the upload limit.",
    415: "The body is not of a type this endpoint takes (JSON endpoints: application/json).",
    422: "A parameter or the body is not valid (see `errors`).",
    429: "Too many requests: try again after Retry-After seconds.",
    503: "The database cannot be reached: try again after Retry-After seconds.",
}
BODY_ERRORS = (400, 413, 415, 422)


def error_response(status: int) -> dict:
    return {
        "description": WHY.get(status, TITLES.get(status, HTTPStatus(status).phrase)),
        "content": {PROBLEM: {"schema": PROBLEM_REF}},
    }


def errors(*statuses: int) -> dict:
    """`openapi_extra` for the refusals an operation adds to the shared ones."""
    return {"responses": {str(s): error_response(s) for s in statuses}}


def shared_errors(operation) -> set[int]:
    """The errors an operation of this API can answer whatever it does: from its auth
    (401, 403 for 2FA), the database (503), the text rule on every path and query (422),
    its path parameters (404) and a JSON body (400, 413, 415, 422)."""
    found = {422, 503}
    if operation.auth_callbacks:
        found |= {401, 403}
    sources = {model.__ninja_param_source__ for model in operation.models}
    if "path" in sources:
        found.add(404)
    if "body" in sources:
        found.update(BODY_ERRORS)
    return found


class Document(OpenAPISchema):
    def operation_details(self, operation) -> dict:
        details = super().operation_details(operation)
        responses = {}  # django-ninja's keys are numbers, openapi_extra's strings: merged
        for status, answer in details["responses"].items():
            merged = responses.setdefault(str(status), {})
            content = {**merged.get("content", {}), **answer.get("content", {})}
            merged.update(answer)
            if content:
                merged["content"] = content
        for status in shared_errors(operation):
            responses.setdefault(str(status), error_response(status))
        details["responses"] = dict(sorted(responses.items()))
        return details

    def add_schema_definitions(self, definitions: dict) -> None:
        for name, schema in definitions.items():
            if self.schemas.get(name, schema) != schema:
                raise ValueError(f"Two schemas are named {name!r}: rename one of the classes.")
        super().add_schema_definitions(definitions)


def finish(document: dict) -> dict:
    """What holds for every path, django-ninja's and those documented by hand (status
    reports): errors are problem details, 503 is possible everywhere, and the definitions
    nested in a hand-made schema become components."""
    schemas = document["components"]["schemas"]
    schemas["Problem"] = PROBLEM_SCHEMA
    schemas["FieldError"] = FIELD_ERROR_SCHEMA
    for operations in document["paths"].values():
        for operation in operations.values():
            responses = operation["responses"]
            responses.setdefault("503", error_response(503))
            for status, answer in responses.items():
                if int(status) >= 400:
                    answer["content"] = {PROBLEM: {"schema": PROBLEM_REF}}
            _hoist_definitions(operation, schemas)
            for content in _contents(operation):
                _make_component(content, schemas)
    return document


def _contents(operation: dict):
    yield from operation.get("requestBody", {}).get("content", {}).values()
    for answer in operation["responses"].values():
        yield from answer.get("content", {}).values()


def _make_component(content: dict, schemas: dict) -> None:
    """A named object schema written in place (by hand) becomes a component."""
    schema = content.get("schema", {})
    if "title" in schema and "properties" in schema:
        _add(schemas, schema["title"], schema)
        content["schema"] = {"$ref": f"#/components/schemas/{schema['title']}"}


def _add(schemas: dict, name: str, schema: dict) -> None:
    if schemas.setdefault(name, schema) != schema:
        raise ValueError(f"Two schemas are named {name!r}: rename one of the classes.")


def _hoist_definitions(node, schemas: dict) -> None:
    """Move each `$defs` under `node` into the components and point its refs there."""
    if isinstance(node, list):
        for item in node:
            _hoist_definitions(item, schemas)
        return
    if not isinstance(node, dict):
        return
    for name, schema in node.pop("$defs", {}).items():
        _hoist_definitions(schema, schemas)
        _add(schemas, name, schema)
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        node["$ref"] = "#/components/schemas/" + ref.removeprefix("#/$defs/")
    for value in node.values():
        _hoist_definitions(value, schemas)
