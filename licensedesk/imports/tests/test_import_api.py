import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from licensedesk.audit.models import AuditEvent
from licensedesk.imports import reading
from licensedesk.imports.tests.helpers import HEADER, csv_bytes, state, xlsx_bytes
from licensedesk.licenses.models import License
from licensedesk.licenses.tests import factories

URL = "/api/v1/imports/licenses"


@pytest.fixture
def free(world):
    return [lic.code for lic in factories.issue(count=2)]


def post(client, content, query="", content_type="text/csv"):
    return client.generic("POST", URL + query, content, content_type=content_type)


def test_a_dry_run_is_the_default_and_answers_the_report(api, world, free):
    client = api(world.license_admin)
    r = post(client, csv_bytes([[free[0], "Acme", "", "", ""], ["M01-nope", "", "", "", ""]]))
    assert r.status_code == 200, r.content
    assert r.json() == {
        "rows": 2,
        "registered": 1,
        "updated": 0,
        "unchanged": 0,
        "errors": [
            {
                "row": 3,
                "column": "slc",
                "message": "This is not a license code. It looks like M01-C01-251-01-7K3QF9.",
            }
        ],
        "dry_run": True,
        "applied": False,
    }
    assert state(free)[free[0]]["organization"] is None


def test_dry_run_false_imports_all_or_nothing(api, world, free):
    client = api(world.license_admin)
    bad = csv_bytes([[free[0], "Acme", "", "", ""], ["M01-nope", "", "", "", ""]])
    r = post(client, bad, "?dry_run=false")
    assert r.status_code == 200
    assert (r.json()["applied"], r.json()["registered"]) == (False, 0)
    assert state(free)[free[0]]["organization"] is None

    r = post(client, bad, "?dry_run=false&partial=true")
    assert (r.json()["applied"], r.json()["registered"]) == (True, 1)
    assert state(free)[free[0]]["organization"] == world.org.pk
    event = AuditEvent.objects.get(action="license.import")
    assert event.changes["file"] == "API upload (csv)"


def test_xlsx_bodies_and_multipart_uploads_are_taken(api, world, free):
    client = api(world.license_admin)
    r = post(
        client,
        xlsx_bytes([[free[0], "", "From XLSX", "", ""]]),
        "?dry_run=false",
        content_type=reading.XLSX_TYPE,
    )
    assert r.json()["registered"] == 1
    upload = SimpleUploadedFile(
        "sites.csv", csv_bytes([[free[1], "", "From a form", "", ""]]), content_type="text/csv"
    )
    r = client.post(URL + "?dry_run=false", {"file": upload})
    assert r.status_code == 200, r.content
    assert r.json()["registered"] == 1
    assert License.objects.get(code=free[1]).description == "From a form"
    assert AuditEvent.objects.filter(action="license.import").first().changes["file"] == "sites.csv"


def test_a_license_user_gets_403_and_an_outsider_changes_nothing_of_ours(api, world, free):
    ours = factories.registered(world.org, description="Ours")
    content = csv_bytes([[ours.code, "", "Taken over", "", ""]])
    r = post(api(world.license_user), content, "?dry_run=false")
    assert r.status_code == 403
    assert r["Content-Type"] == "application/problem+json"
    r = post(api(world.outsider), content, "?dry_run=false&partial=true")
    assert r.status_code == 200
    assert r.json()["errors"][0]["column"] == "slc"
    assert License.objects.get(pk=ours.pk).description == "Ours"


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        (b"slc\n", "application/json", 415),
        (b"name,customer\nx,y\n", "text/csv", 400),
        (b"\xff\xfe\x00garbage", "text/csv", 400),
        (b"PK\x03\x04 not really a zip", reading.XLSX_TYPE, 400),
        (b"\xd0\xcf\x11\xe0 old excel", "application/octet-stream", 400),
        (b"\n\n", "text/csv", 400),
    ],
)
def test_unreadable_files_are_problem_details(api, world, content, content_type, status):
    r = post(api(world.license_admin), content, content_type=content_type)
    assert r.status_code == status, r.content
    assert r["Content-Type"] == "application/problem+json"
    assert r.json()["detail"]


def test_one_byte_over_the_limit_is_413(api, world, monkeypatch):
    monkeypatch.setattr(reading, "MAX_BYTES", 100)
    client = api(world.license_admin)
    r = post(client, b"slc\n" + b"x" * 96)
    assert r.status_code == 200
    r = post(client, b"slc\n" + b"x" * 97)
    assert r.status_code == 413
    assert r.json()["code"] == "file_too_large"


def test_too_many_rows_is_a_clear_400(api, world, monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 3)
    client = api(world.license_admin)
    rows = [[f"M01-C01-251-0{i}-AAAAAA", "", "", "", ""] for i in range(4)]
    r = post(client, csv_bytes(rows))
    assert r.status_code == 400
    assert r.json()["code"] == "too_many_rows"
    r = post(client, xlsx_bytes(rows), content_type=reading.XLSX_TYPE)
    assert r.json()["code"] == "too_many_rows"


def test_the_operation_is_documented(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"][URL]["post"]
    assert {"400", "401", "403", "413", "415", "422", "429"} <= operation["responses"].keys()
    assert set(operation["requestBody"]["content"]) == {
        "text/csv",
        reading.XLSX_TYPE,
        "multipart/form-data",
    }
    assert HEADER[0] in operation["description"]
