"""In a real browser: a License Admin imports a spreadsheet from the Licenses page: upload,
preview, confirm; a large file shows its progress while the worker checks and imports it.
The pages pass axe's checks and fit a phone."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from licensedesk.core.tests.browser import log_in
from licensedesk.imports import uploads
from licensedesk.imports.tests.helpers import csv_bytes, state
from licensedesk.licenses.tests import factories
from licensedesk.outbox.worker import run_due_jobs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def blocking(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def upload(page, content: bytes, name="licenses.csv"):
    page.get_by_label("Spreadsheet (CSV or XLSX)").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="Check the file").click()


def test_upload_preview_confirm(page, screenshot, world):
    free = [lic.code for lic in factories.issue(count=2)]
    ours = factories.registered(world.org, description="Lobby")
    content = csv_bytes(
        [
            [free[0], "Harbour Hotel", "Gate cameras", "North", world.license_user.email],
            [ours.code, "", "Lobby and bar", "", ""],
            ["M01-C01-251-99-ZZZZZZ", "", "", "", ""],
            [free[1], "", "Spare", "", ""],
        ]
    )
    log_in(page, world.license_admin)
    page.goto("/licenses/")
    page.get_by_role("link", name="Import from spreadsheet").click()
    expect(page.get_by_role("heading", name="Import from spreadsheet")).to_be_visible()
    assert blocking(page) == []
    upload(page, content)

    preview = page.locator("#import-preview")
    expect(preview).to_contain_text(free[0])
    expect(preview).to_contain_text("Register")
    expect(preview).to_contain_text("Lobby and bar")
    expect(page.locator("#import-errors")).to_contain_text("can't be registered")
    assert blocking(page) == []
    screenshot("import-preview")
    assert state(free)[free[0]]["organization"] is None

    page.get_by_label("Import the valid rows only").check()
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("2 registered, 1 updated, 0 unchanged")).to_be_visible()
    screenshot("import-done")
    after = state([*free, ours.code])
    assert after[free[0]]["customer"] == "Harbour Hotel"
    assert after[free[0]]["visible_to"] == [world.license_user.email]
    assert after[ours.code]["description"] == "Lobby and bar"

    page.set_viewport_size(PHONE)
    page.goto("/licenses/import/")
    wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not wide


def test_a_large_file_shows_its_progress_until_it_is_done(page, screenshot, world, monkeypatch):
    monkeypatch.setattr(uploads, "BACKGROUND_BYTES", 10)
    free = [lic.code for lic in factories.issue(count=3)]
    log_in(page, world.license_admin)
    page.goto("/licenses/import/")
    upload(page, csv_bytes([[code, "", "Big file", "", ""] for code in free]))
    expect(page.get_by_role("heading", name="Checking the file…")).to_be_visible()
    expect(page.locator("progress")).to_be_visible()
    screenshot("import-progress")
    run_due_jobs()  # the worker; the page notices by itself
    expect(page.locator("#import-preview")).to_contain_text(free[2])
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="Importing…")).to_be_visible()
    run_due_jobs()
    expect(page.get_by_text("3 registered, 0 updated, 0 unchanged")).to_be_visible()
    assert all(s["description"] == "Big file" for s in state(free).values())
