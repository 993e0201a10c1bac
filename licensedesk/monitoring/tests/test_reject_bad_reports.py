"""A status report that is malformed, too big or absurd gets a clear 4xx problem, and nothing
of it is stored: no report row, no state change, the installation's health untouched."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from licensedesk.monitoring.models import Report, State, StateChange
from licensedesk.monitoring.reports import MAX_BYTES
from licensedesk.monitoring.tests.helpers import monitored, post, report


@pytest.fixture
def target(world):
    return monitored(world.org, world.license_admin)


def assert_nothing_stored(inst):
    assert Report.objects.count() == 0
    assert StateChange.objects.filter(installation=inst).count() == 0
    inst.health.refresh_from_db()
    assert inst.health.state == State.PENDING and inst.health.last_report_at is None


def padded(size: int) -> bytes:
    """A valid report padded with JSON whitespace to exactly `size` bytes."""
    body = json.dumps(report()).encode()
    return body[:-1] + b" " * (size - len(body)) + b"}"


def test_a_valid_report_is_accepted_with_202(client, target):
    inst, token = target
    response = post(client, inst, token, report())
    assert response.status_code == 202 and response.content == b""
    assert Report.objects.filter(installation=inst).count() == 1


def test_malformed_json_is_a_400(client, target):
    inst, token = target
    response = post(client, inst, token, b'{"sent_at": "2025-03-01T12:00:00Z",')
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert_nothing_stored(inst)


@pytest.mark.parametrize("body", [b"", b"[]", b"null", b'"report"', b"\xff\xfe{}"])
def test_a_body_that_is_no_report_object_is_refused(client, target, body):
    inst, token = target
    assert post(client, inst, token, body).status_code in (400, 422)
    assert_nothing_stored(inst)


def test_a_report_at_the_size_limit_is_accepted(client, target):
    inst, token = target
    assert post(client, inst, token, padded(MAX_BYTES)).status_code == 202


def test_one_byte_over_256_kb_is_a_413_before_parsing(client, target, monkeypatch):
    inst, token = target
    from licensedesk.monitoring import intake

    class MustNotParse:
        @staticmethod
        def model_validate_json(body):
            raise AssertionError("the body was parsed")

    monkeypatch.setattr(intake, "StatusReport", MustNotParse)
    response = post(client, inst, token, padded(MAX_BYTES + 1))
    assert response.status_code == 413
    assert response.json()["status"] == 413
    assert_nothing_stored(inst)


def test_an_oversized_body_that_is_not_even_json_is_a_413(client, target):
    inst, token = target
    assert post(client, inst, token, b"<" * (MAX_BYTES * 4)).status_code == 413
    assert_nothing_stored(inst)


NOW_PLUS_HOUR = (timezone.now() + timedelta(hours=1)).isoformat()

ABSURD = {
    "negative device count": {"devices": {"total": 10, "online": -1, "offline": 0}},
    "negative uptime": {"uptime_s": -5},
    "cpu at 200 %": {"host": {"cpu_pct": 200}},
    "negative memory": {"host": {"memory_pct": -1}},
    "online + offline > total": {"devices": {"total": 10, "online": 8, "offline": 3}},
    "more not recording than devices": {"devices": {"not_recording": 101}},
    "a million and one devices": {"devices": {"total": 1_000_001}},
    "sent an hour from now": {"sent_at": NOW_PLUS_HOUR},
    "sent in the year 9999": {"sent_at": "9999-12-31T23:59:59Z"},
    "a time without a zone": {"sent_at": "2025-03-01T12:00:00"},
    "not a time": {"sent_at": "yesterday"},
    "an extra field": {"secret_admin_flag": True},
    "an extra host field": {"host": {"gpu_pct": 5}},
    "an unknown server role": {"recording": {"role": "coffee"}},
    "an unknown server state": {"recording": {"state": "exploded"}},
    "negative storage": {"recording": {"storage_free_gb": -1}},
    "a long hostname": {"hostname": "h" * 201},
    "too many servers": {
        "servers": [{"name": f"s{i}", "role": "other", "state": "running"} for i in range(201)]
    },
    "too many errors": {"errors": [{"at": "2025-03-01T12:00:00Z", "message": "x"}] * 51},
    "a count as text": {"devices": {"total": "many"}},
}


@pytest.mark.parametrize("changes", ABSURD.values(), ids=ABSURD.keys())
def test_an_absurd_report_is_a_422_and_nothing_is_stored(client, target, changes):
    inst, token = target
    response = post(client, inst, token, report(**changes))
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "validation_error" and body["errors"]
    assert_nothing_stored(inst)


@pytest.mark.parametrize("missing", ["sent_at", "host", "devices", "servers", "hostname"])
def test_a_report_missing_a_required_part_is_a_422(client, target, missing):
    inst, token = target
    data = report()
    del data[missing]
    assert post(client, inst, token, data).status_code == 422
    assert_nothing_stored(inst)


def test_a_form_encoded_body_is_refused(client, target):
    inst, token = target
    response = client.post(
        f"/api/v1/installations/{inst.pk}/status",
        {"sent_at": "2025-03-01T12:00:00Z"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert 400 <= response.status_code < 500
    assert_nothing_stored(inst)


def test_no_error_leaks_a_stack_trace(client, target):
    inst, token = target
    response = post(client, inst, token, b'{"host": ' * 5000)
    assert 400 <= response.status_code < 500
    assert b"Traceback" not in response.content and b"File " not in response.content
    assert_nothing_stored(inst)
