"""In a real browser, on the Licenses page and a license's page: a bulk action without its
choice says what to choose and keeps the ticked rows; a refused registration stays in its
dialog with the error; the visibility section stays open after Save; a License User with no
bulk action sees no row checkboxes."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from licensedesk.core.tests.browser import TIMEOUT_MS, VIEWPORT, log_in
from licensedesk.licenses.models import License, LicenseGrant
from licensedesk.licenses.tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def row_box(page, lic):
    return page.get_by_role("checkbox", name=f"Select {lic.code}")


def test_grant_access_without_a_user_keeps_the_rows_ticked(page, live_server, screenshot, world):
    a, b, c = (factories.registered(world.org, description=f"Camera {n}") for n in "abc")
    log_in(page, world.license_admin)
    page.goto("/licenses/")
    row_box(page, a).check()
    row_box(page, c).check()
    page.get_by_role("button", name="Grant access").click()

    # Said beside the buttons; nothing was sent and nothing unticked.
    expect(page.get_by_role("alert")).to_have_text("Choose a License User first.")
    expect(page.get_by_role("combobox", name="License User")).to_be_focused()
    expect(row_box(page, a)).to_be_checked()
    expect(row_box(page, b)).not_to_be_checked()
    expect(row_box(page, c)).to_be_checked()
    screenshot("licenses-grant-without-user")
    assert not LicenseGrant.objects.exists()

    # Choosing the user is then enough.
    page.get_by_role("combobox", name="License User").select_option(str(world.license_user.pk))
    page.get_by_role("button", name="Grant access").click()
    expect(page.get_by_role("status")).to_have_text("Access granted on 2 license(s).")
    assert set(LicenseGrant.objects.values_list("license_id", flat=True)) == {a.pk, c.pk}


def test_without_javascript_the_server_says_the_same_and_keeps_the_ticks(
    browser, live_server, screenshot, world
):
    context = browser.new_context(
        base_url=live_server.url, viewport=VIEWPORT, java_script_enabled=False
    )
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        a, b = (factories.registered(world.org) for _ in range(2))
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill(world.license_admin.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.goto("/licenses/")
        row_box(page, b).check()
        page.get_by_role("button", name="Grant access").click()
        expect(page.get_by_role("status")).to_have_text("Choose a License User first.")
        expect(row_box(page, a)).not_to_be_checked()
        expect(row_box(page, b)).to_be_checked()
        screenshot("licenses-grant-without-user-no-js", page)
    finally:
        context.close()
    assert not LicenseGrant.objects.exists()


def test_a_refused_registration_stays_in_the_dialog(page, live_server, screenshot, world):
    new = factories.issue(partner=world.org)
    taken = factories.registered(world.org)
    log_in(page, world.license_user)
    page.goto("/licenses/")
    page.get_by_role("link", name="Register new license (SLC)").click()
    dialog = page.locator("dialog#dialog")
    dialog.get_by_label("Software license code (SLC)").fill(taken.code)
    dialog.get_by_label("License description").fill("Front door")
    dialog.get_by_role("button", name="Save").click()

    expect(dialog).to_be_visible()
    expect(dialog.locator(".field.has-error")).to_contain_text("already registered")
    expect(dialog.get_by_label("License description")).to_have_value("Front door")
    expect(dialog.get_by_label("Software license code (SLC)")).to_be_focused()
    expect(page).to_have_url(f"{live_server.url}/licenses/")
    screenshot("register-dialog-refused")

    dialog.get_by_label("Software license code (SLC)").fill(new.code)
    dialog.get_by_role("button", name="Save").click()
    expect(page).to_have_url(f"{live_server.url}/licenses/{new.code}/")
    expect(page.get_by_role("status")).to_have_text(f"{new.code} is registered.")
    new.refresh_from_db()
    assert (new.organization, new.description) == (world.org, "Front door")
    assert License.objects.get(pk=taken.pk).organization == world.org


def test_the_visibility_section_stays_open_after_save(page, live_server, screenshot, world):
    lic = factories.registered(world.org)
    log_in(page, world.license_admin)
    page.goto(f"/licenses/{lic.code}/")
    section = page.locator("details#visibility")
    section.get_by_text("Others in your organization that can see this SLC").click()
    section.get_by_role("checkbox", name=str(world.license_user)).check()
    section.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status")).to_have_text("Who can see this license was saved.")
    expect(section).to_have_attribute("open", "")
    expect(section.get_by_role("checkbox", name=str(world.license_user))).to_be_checked()
    screenshot("license-visibility-after-save")


def test_a_license_user_without_a_bulk_action_sees_no_row_checkboxes(
    page, live_server, screenshot, world
):
    lic = factories.registered(world.org, grant_to=[world.license_user])
    log_in(page, world.license_user)
    page.goto("/licenses/")
    expect(page.locator("#license-table tbody tr")).to_have_count(1)
    expect(page.locator("#license-table").get_by_role("checkbox")).to_have_count(0)
    expect(page.locator("#license-table thead th")).to_have_count(8)  # Care Plus, Premium
    expect(page.locator("#license-table tbody tr td").first).to_contain_text(lic.code)
    screenshot("licenses-license-user-no-checkboxes")
