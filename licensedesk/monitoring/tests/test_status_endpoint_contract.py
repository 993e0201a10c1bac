"""The status endpoint answers like the rest of the API (problem details) and is documented in
the OpenAPI schema with its body and its token."""

import json

from licensedesk.monitoring import intake
from licensedesk.monitoring.tests.helpers import monitored, post, report


def test_it_is_documented_with_its_body_and_bearer_token(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/installations/{installation_id}/status"]["post"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    body = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert {"sent_at", "host", "servers", "devices"} <= set(body["properties"])
    [security] = operation["security"]
    [scheme] = security
    assert schema["components"]["securitySchemes"][scheme]["scheme"] == "bearer"
    assert {"202", "401", "404", "413", "422", "429"} <= set(operation["responses"])


def test_the_documented_path_is_the_one_served(client, world):
    inst, token = monitored(world.org, world.license_admin)
    documented = client.get("/api/v1/openapi.json").json()["paths"]
    [path] = [p for p in documented if p.endswith("/status")]
    url = path.replace("{installation_id}", str(inst.pk))
    assert post_to(client, url, token).status_code == 202


def post_to(client, url, token):
    return client.post(
        url,
        json.dumps(report()),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def test_other_methods_get_a_problem_with_allow(client, world):
    inst, _ = monitored(world.org, world.license_admin)
    response = client.get(f"/api/v1/installations/{inst.pk}/status")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response["Content-Type"] == "application/problem+json"


def test_a_missing_token_is_a_401_problem_with_the_bearer_challenge(client, world):
    inst, _ = monitored(world.org, world.license_admin)
    response = post(client, inst, None, report())
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["code"] == "not_authenticated"


def test_an_unexpected_error_is_a_500_problem_without_a_trace(client, world, monkeypatch):
    inst, token = monitored(world.org, world.license_admin)

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(intake, "receive", broken)
    response = post(client, inst, token, report())
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert b"secret internals" not in response.content and b"Traceback" not in response.content


def test_an_unreachable_database_is_a_503_with_retry_after(client, world, monkeypatch):
    from django.db import OperationalError

    inst, token = monitored(world.org, world.license_admin)

    def database_down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(intake, "receive", database_down)
    response = post(client, inst, token, report())
    assert response.status_code == 503
    assert response.json()["code"] == "temporarily_unavailable"
    assert int(response["Retry-After"]) > 0
