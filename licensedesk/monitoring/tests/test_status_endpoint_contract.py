"""The status endpoint is a plain view ahead of django-ninja (it is the hottest request): it
must still answer like the rest of the API and stay documented in the OpenAPI schema."""

import json

from licensedesk.monitoring.api import report_status
from licensedesk.monitoring.models import Report
from licensedesk.monitoring.tests.helpers import monitored, post, report


def test_it_is_documented_with_its_body_and_bearer_token(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/installations/{installation_id}/status"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert {"sent_at", "host", "servers", "devices"} <= set(body["properties"])
    assert operation["security"]  # the monitoring token, as a Bearer scheme


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


def test_the_documented_operation_stores_like_the_view(rf, world):
    inst, token = monitored(world.org, world.license_admin)
    request = rf.post(
        f"/api/v1/installations/{inst.pk}/status",
        data=json.dumps(report()),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert report_status(request, inst.pk).status_code == 202
    assert Report.objects.filter(installation=inst).count() == 1


def test_an_unexpected_error_is_a_500_problem_without_a_trace(client, world, monkeypatch):
    from licensedesk.monitoring import services

    inst, token = monitored(world.org, world.license_admin)

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(services, "receive_report", broken)
    response = post(client, inst, token, report())
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert b"secret internals" not in response.content and b"Traceback" not in response.content
