from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from licensedesk.imports import reading, uploads
from licensedesk.imports.models import LicenseImport
from licensedesk.imports.tests.helpers import csv_bytes, state
from licensedesk.licenses.models import License
from licensedesk.licenses.tests import factories


@pytest.fixture
def free(world):
    return [lic.code for lic in factories.issue(count=2)]


def upload(client, content, name="licenses.csv"):
    return client.post("/licenses/import/", {"file": SimpleUploadedFile(name, content)})


def uploaded(client, content) -> LicenseImport:
    r = upload(client, content)
    assert r.status_code == 302, r.content
    return LicenseImport.objects.get(pk=r["Location"].rstrip("/").rsplit("/", 1)[-1])


def test_the_licenses_page_offers_the_import_to_license_admins_only(login, world):
    assert b"Import from spreadsheet" in login(world.license_admin).get("/licenses/").content
    assert b"Import from spreadsheet" not in login(world.license_user).get("/licenses/").content


def test_upload_preview_confirm(login, world, free):
    client = login(world.license_admin)
    record = uploaded(client, csv_bytes([[free[0], "Acme", "Gate", "North", ""]]))
    page = client.get(f"/licenses/import/{record.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert free[0] in html and "Register" in html and "New customers: Acme" in html
    assert state(free)[free[0]]["organization"] is None  # the preview changed nothing

    r = client.post(f"/licenses/import/{record.pk}/confirm", {"mode": "all"})
    assert r.status_code == 302
    assert state(free)[free[0]]["customer"] == "Acme"
    page = client.get(f"/licenses/import/{record.pk}/")
    assert "1 registered, 0 updated, 0 unchanged" in page.content.decode()
    # A second click imports nothing again.
    client.post(f"/licenses/import/{record.pk}/confirm", {"mode": "all"})
    assert License.objects.filter(registered_by=world.license_admin).count() == 1


def test_confirming_after_a_change_previews_again_and_applies_nothing(login, world, free):
    ours = factories.registered(world.org, description="Before")
    client = login(world.license_admin)
    record = uploaded(client, csv_bytes([[ours.code, "", "From the file", "", ""]]))
    License.objects.filter(pk=ours.pk).update(description="Changed meanwhile")
    client.post(f"/licenses/import/{record.pk}/confirm", {"mode": "all"})
    record.refresh_from_db()
    assert record.state == LicenseImport.State.CHECKED
    assert record.problem == uploads.CHANGED
    assert License.objects.get(pk=ours.pk).description == "Changed meanwhile"
    page = client.get(f"/licenses/import/{record.pk}/").content.decode()
    assert "changed since the preview" in page and "Changed meanwhile" in page
    # Confirmed again, the new preview is what is applied.
    client.post(f"/licenses/import/{record.pk}/confirm", {"mode": "all"})
    assert License.objects.get(pk=ours.pk).description == "From the file"


def test_all_or_nothing_with_errors_imports_nothing_and_says_so(login, world, free):
    client = login(world.license_admin)
    record = uploaded(client, csv_bytes([[free[0], "", "", "", ""], ["bad", "", "", "", ""]]))
    client.post(f"/licenses/import/{record.pk}/confirm", {"mode": "all"})
    record.refresh_from_db()
    assert "Nothing was imported" in record.problem
    assert state(free)[free[0]]["organization"] is None
    client.post(f"/licenses/import/{record.pk}/confirm", {"mode": "valid"})
    assert state(free)[free[0]]["organization"] == world.org.pk


def test_a_large_file_is_checked_and_imported_by_the_worker(
    login, world, free, monkeypatch, run_jobs
):
    monkeypatch.setattr(uploads, "BACKGROUND_BYTES", 10)
    monkeypatch.setattr(uploads, "BACKGROUND_XLSX_BYTES", 10)
    client = login(world.license_admin)
    record = uploaded(client, csv_bytes([[code, "", "Big", "", ""] for code in free]))
    assert record.state == LicenseImport.State.CHECKING
    page = client.get(f"/licenses/import/{record.pk}/").content.decode()
    assert "Checking the file" in page and "<progress" in page
    assert client.get(f"/licenses/import/{record.pk}/progress").json()["state"] == "checking"
    run_jobs()
    progress = client.get(f"/licenses/import/{record.pk}/progress").json()
    assert progress == {"state": "checked", "rows_done": 2, "rows_total": 2}
    client.post(f"/licenses/import/{record.pk}/confirm", {"mode": "all"})
    assert client.get(f"/licenses/import/{record.pk}/progress").json()["state"] == "applying"
    assert "Importing" in client.get(f"/licenses/import/{record.pk}/").content.decode()
    run_jobs()
    record.refresh_from_db()
    assert record.state == LicenseImport.State.DONE
    assert record.result["registered"] == 2
    assert all(s["description"] == "Big" for s in state(free).values())


def test_a_file_the_worker_cannot_read_fails_visibly(login, world, monkeypatch, run_jobs):
    monkeypatch.setattr(uploads, "BACKGROUND_BYTES", 10)
    monkeypatch.setattr(uploads, "BACKGROUND_XLSX_BYTES", 10)
    client = login(world.license_admin)
    record = uploaded(client, b"name,customer\nx,y\n")
    run_jobs()
    page = client.get(f"/licenses/import/{record.pk}/").content.decode()
    assert "The first row must name the columns" in page


def test_an_unreadable_or_too_large_file_is_a_form_error_and_nothing_is_kept(
    login, world, monkeypatch
):
    client = login(world.license_admin)
    r = upload(client, b"name,customer\nx,y\n")
    assert r.status_code == 200
    assert "The first row must name the columns" in r.content.decode()
    monkeypatch.setattr(reading, "MAX_BYTES", 10)
    r = upload(client, b"slc\n" + b"x" * 7)
    assert "larger than" in r.content.decode()
    # A body far larger than the limit is refused on its declared length.
    r = upload(client, b"slc\n" + b"x" * 70_000)
    assert r.status_code == 413
    assert "larger than" in r.content.decode()
    assert not LicenseImport.objects.exists()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_template_is_a_file_the_import_reads(login, world, kind):
    r = login(world.license_admin).get(f"/licenses/import/template.{kind}")
    assert r.status_code == 200
    assert r["Content-Disposition"] == f'attachment; filename="licenses-import.{kind}"'
    sheet = reading.read(r.content)
    assert sheet.columns == reading.COLUMNS
    assert sheet.rows == []


def test_a_license_user_is_refused_and_others_do_not_see_an_import(login, world, free):
    record = uploaded(login(world.license_admin), csv_bytes([[free[0], "", "", "", ""]]))
    paths = [
        f"/licenses/import/{record.pk}/",
        f"/licenses/import/{record.pk}/progress",
    ]
    user = login(world.license_user)
    assert user.get("/licenses/import/").status_code == 403
    assert user.get("/licenses/import/template.csv").status_code == 403
    assert upload(user, csv_bytes([[free[0], "", "", "", ""]])).status_code == 403
    for path in paths:
        assert user.get(path).status_code == 403
    assert user.post(f"/licenses/import/{record.pk}/confirm", {"mode": "all"}).status_code == 403
    # Another company's administrator, and even another License Admin of ours: no such import.
    for other in (world.outsider, world.company_admin):
        client = login(other)
        for path in paths:
            assert client.get(path).status_code == 404
        r = client.post(f"/licenses/import/{record.pk}/confirm", {"mode": "all"})
        assert r.status_code == 404
    assert state(free)[free[0]]["organization"] is None


def test_an_import_expires_after_an_hour(login, world, free):
    client = login(world.license_admin)
    record = uploaded(client, csv_bytes([[free[0], "", "", "", ""]]))
    LicenseImport.objects.filter(pk=record.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert client.get(f"/licenses/import/{record.pk}/").status_code == 404
    assert client.post(f"/licenses/import/{record.pk}/confirm", {"mode": "all"}).status_code == 404
    assert uploads.forget_expired() == 1
