"""In a real browser, the vendor's quick guide "License groups": a License Admin creates a
group by searching and picking licenses, edits it, finds it again and deletes it."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from licensedesk.catalog.models import Product, ProductVersion
from licensedesk.core.tests.browser import log_in
from licensedesk.customers.models import Customer
from licensedesk.groups.models import LicenseGroup
from licensedesk.licenses import issuing, search
from licensedesk.licenses.models import License

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GROUP_DESCRIPTION = "Cameras at the harbour quays and the loading docks"


def registered(org, customer=None, description="") -> License:
    """An issued SLC registered by `org` (directly, for setup)."""
    product = Product.objects.get_or_create(code="C01", defaults={"name": "Corporate"})[0]
    version = ProductVersion.objects.get_or_create(
        product=product, code="251", defaults={"name": "2025 R1"}
    )[0]
    [lic] = issuing.issue(product=product, version=version, device_licenses=8)
    lic.organization, lic.customer, lic.description = org, customer, description
    lic.registered_at = timezone.now()
    lic.save()
    search.refresh_ids([lic.pk])  # as the services keep it
    return lic


class Picker:
    """The license picker of the group form."""

    def __init__(self, page):
        self.page = page
        self.search_box = page.get_by_role("searchbox", name="Search licenses to add")
        self.results = page.locator("[data-picker-results] tr")
        self.status = page.locator("[data-picker-status]")
        self.selected = page.locator("[data-picker-selected] li")
        self.count = page.locator("[data-picker-count]")

    def search(self, text, expect_count):
        self.search_box.fill(text)
        expect(self.status).to_have_text(
            re.compile(rf"^Showing {expect_count} of {expect_count}\.")
        )
        expect(self.results).to_have_count(expect_count)

    def row(self, lic):
        return self.results.filter(has=self.page.locator(f'code:text-is("{lic.code}")'))

    def click(self, lic):
        self.row(lic).click()

    def expect_selected(self, *licenses):
        expect(self.count).to_have_text(str(len(licenses)))
        expect(self.selected).to_have_count(len(licenses))
        for lic in licenses:
            expect(self.selected.filter(has_text=lic.code)).to_have_count(1)


def group_rows(page):
    return page.locator("table.table tbody tr")


def test_create_edit_find_and_delete_a_license_group(page, live_server, screenshot, world):
    harbour = Customer.objects.create(organization=world.org, name="Harbour Hotel")
    fjord = Customer.objects.create(organization=world.org, name="Fjord Logistics")
    quay = registered(world.org, harbour, "Harbour quay cameras")
    parking = registered(world.org, harbour, "Harbour parking")
    lobby = registered(world.org, harbour, "Harbour lobby")
    dock_east = registered(world.org, fjord, "Loading dock east")
    dock_west = registered(world.org, fjord, "Loading dock west")
    spare = registered(world.org, None, "Spare")
    theirs = registered(world.other_org, None, "Harbour of Contoso")
    LicenseGroup.objects.create(
        organization=world.org, name="Spare codes", description="Codes on the shelf"
    )

    log_in(page, world.license_admin)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="License groups").click()
    expect(page.get_by_role("heading", name="License groups")).to_be_visible()
    page.get_by_role("link", name="Create license group").click()
    expect(page.get_by_role("heading", name="Create license group")).to_be_visible()
    page.get_by_label("Name").fill("Harbour sites")
    page.get_by_label("Description").fill(GROUP_DESCRIPTION)

    # The picker replaces the plain box for codes and first lists every license we can see.
    picker = Picker(page)
    expect(picker.search_box).to_be_visible()
    expect(page.get_by_label("License codes")).to_be_hidden()
    expect(picker.status).to_have_text(re.compile(r"^Showing 6 of 6\."))
    expect(picker.count).to_have_text("0")

    # Search, and click rows to select them; the right-hand side lists them.
    picker.search("harbour", 3)
    expect(picker.row(theirs)).to_have_count(0)
    for lic in (quay, parking, lobby):
        picker.click(lic)
        expect(picker.row(lic)).to_have_class(re.compile(r"\bselected\b"))
        expect(picker.row(lic).get_by_role("checkbox")).to_be_checked()
    picker.expect_selected(quay, parking, lobby)
    expect(picker.selected.filter(has_text=quay.code)).to_contain_text(
        "Corporate 2025 R1 · Harbour Hotel · Harbour quay cameras"
    )

    # Changed my mind about the parking: × on the right-hand side.
    page.get_by_role("button", name=f"Remove {parking.code}").click()
    picker.expect_selected(quay, lobby)
    expect(picker.row(parking)).not_to_have_class(re.compile(r"\bselected\b"))
    expect(picker.row(parking).get_by_role("checkbox")).not_to_be_checked()

    # Another search keeps the selection.
    picker.search("dock east", 1)
    picker.click(dock_east)
    picker.expect_selected(quay, lobby, dock_east)
    screenshot("group-form")
    # Enter in the search box searches; it does not submit the form.
    picker.search_box.press("Enter")
    expect(page.get_by_role("heading", name="Create license group")).to_be_visible()
    page.get_by_role("button", name="Create").click()

    # The group's page shows exactly the chosen licenses.
    group = LicenseGroup.objects.get(organization=world.org, name="Harbour sites")
    expect(page).to_have_url(f"{live_server.url}/groups/{group.pk}/")
    expect(page.get_by_role("status")).to_have_text("The group “Harbour sites” was created.")
    expect(page.get_by_role("heading", name="Harbour sites")).to_be_visible()
    expect(page.locator(".lead")).to_have_text(GROUP_DESCRIPTION)
    expect(page.get_by_text("3 licenses.")).to_be_visible()
    rows = group_rows(page)
    expect(rows).to_have_count(3)
    for lic in (quay, lobby, dock_east):
        expect(rows.filter(has_text=lic.code)).to_have_count(1)
    assert set(group.licenses.all()) == {quay, lobby, dock_east}

    # Edit: rename it and add one more license.
    page.get_by_role("link", name="Edit").click()
    expect(page.get_by_role("heading", name="Edit Harbour sites")).to_be_visible()
    expect(page.get_by_label("Name")).to_have_value("Harbour sites")
    picker = Picker(page)
    picker.expect_selected(quay, lobby, dock_east)  # the group's licenses, on the right
    page.get_by_label("Name").fill("Harbour and docks")
    picker.search("dock west", 1)
    expect(picker.row(dock_west)).not_to_have_class(re.compile(r"\bselected\b"))
    picker.click(dock_west)
    picker.expect_selected(quay, lobby, dock_east, dock_west)
    expect(picker.selected.filter(has_text=dock_west.code).locator(".badge")).to_have_text("new")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(f"{live_server.url}/groups/{group.pk}/")
    expect(page.get_by_role("status")).to_have_text("The group “Harbour and docks” was saved.")
    expect(page.get_by_role("heading", name="Harbour and docks")).to_be_visible()
    expect(page.get_by_text("4 licenses.")).to_be_visible()
    expect(rows).to_have_count(4)
    for lic in (quay, lobby, dock_east, dock_west):
        expect(rows.filter(has_text=lic.code)).to_have_count(1)
    for lic in (parking, spare):
        expect(rows.filter(has_text=lic.code)).to_have_count(0)
    screenshot("group-detail")

    # Find it on the License groups page by its description.
    page.get_by_role("link", name="License groups", exact=True).first.click()
    expect(group_rows(page)).to_have_count(2)
    page.get_by_role("searchbox", name="Search groups").fill("loading docks")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"\?q=loading\+docks"))
    expect(group_rows(page)).to_have_count(1)
    found = group_rows(page).first
    expect(found.locator("td").nth(0)).to_have_text("Harbour and docks")
    expect(found.locator("td").nth(1)).to_have_text(GROUP_DESCRIPTION)
    expect(found.locator("td").nth(2)).to_have_text("4")
    screenshot("groups")

    # Delete it; its licenses stay.
    found.get_by_role("link", name="Harbour and docks").click()
    page.get_by_role("link", name="Delete").click()
    expect(
        page.get_by_role("heading", name="Delete the group “Harbour and docks”?")
    ).to_be_visible()
    page.get_by_role("button", name="Delete group").click()
    expect(page).to_have_url(f"{live_server.url}/groups/")
    expect(page.get_by_role("status")).to_have_text(
        "The group “Harbour and docks” was deleted; its licenses are kept."
    )
    expect(group_rows(page)).to_have_count(1)
    expect(group_rows(page).first).to_contain_text("Spare codes")
    assert not LicenseGroup.objects.filter(pk=group.pk).exists()
    assert License.objects.filter(organization=world.org).count() == 6

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Licenses").click()
    expect(page.locator("#license-table tbody tr")).to_have_count(6)
