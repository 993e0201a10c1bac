"""Requests no client should send get a 4xx problem, never a 500: page parameters past what a
database can count, bodies over the size limit, JSON under another media type, a multipart
upload without its boundary. Nothing is written by any of them."""

import pytest

from licensedesk.activation.tests.factories import activatable
from licensedesk.api.tests.test_problem_details import assert_problem
from licensedesk.customers.models import Customer

LISTS = [
    "/api/v1/licenses",
    "/api/v1/customers",
    "/api/v1/installations",
    "/api/v1/audit-events",
]


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("param", ["limit", "offset"])
@pytest.mark.parametrize("value", [2**63, 2**64 + 5, -1])
def test_page_parameters_out_of_range_are_422(world, api, path, param, value):
    r = api(world.company_admin).get(f"{path}?{param}={value}")
    body = assert_problem(r, 422)
    assert body["errors"][0]["loc"][-1] == param


def test_the_largest_accepted_page_still_answers(world, api):
    r = api(world.company_admin).get("/api/v1/licenses?limit=1000&offset=1000000000")
    assert r.status_code == 200
    assert r.json()["items"] == []


def test_a_json_body_over_the_upload_limit_is_413(world, api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    r = api(world.license_admin).post_json("/api/v1/customers", {"name": "x" * 2000})
    body = assert_problem(r, 413)
    assert body["code"] == "payload_too_large"
    assert not Customer.objects.filter(organization=world.org).exists()


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_json_under_another_media_type_is_415(world, api, content_type):
    client = api(world.license_admin)
    r = client.generic(
        "POST", "/api/v1/customers", b'{"name": "Plain Text Ltd"}', content_type=content_type
    )
    body = assert_problem(r, 415)
    assert body["code"] == "unsupported_media_type"
    assert not Customer.objects.filter(name="Plain Text Ltd").exists()


def test_json_with_a_charset_or_a_json_suffix_is_accepted(world, api):
    client = api(world.license_admin)
    for content_type in ("application/json; charset=utf-8", "application/merge-patch+json"):
        r = client.generic(
            "POST", "/api/v1/customers", b'{"name": "Json Ltd"}', content_type=content_type
        )
        assert r.status_code == 201, (content_type, r.content)
        Customer.objects.filter(name="Json Ltd").delete()


def test_a_multipart_upload_without_a_boundary_is_400(world, api):
    lic = activatable(world.org, devices=5)
    r = api(world.license_admin).generic(
        "POST",
        f"/api/v1/licenses/{lic.code}/activations",
        b"--x\r\nContent-Disposition: form-data; name=lrq\r\n\r\n<a/>\r\n--x--\r\n",
        content_type="multipart/form-data",
    )
    body = assert_problem(r, 400)
    assert body["code"] == "bad_multipart"
    assert not lic.activations.exists()
