"""In a real browser, the vendor's quick guide "Register a license and share it": a License
Admin registers an SLC from the Licenses page for a new customer, finds it again by its
description and lets a License User see it; the License User then sees that license and
nothing else."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from licensedesk.catalog.models import Product, ProductVersion
from licensedesk.core.tests.browser import log_in
from licensedesk.customers.models import Customer
from licensedesk.licenses import issuing, search
from licensedesk.licenses.models import License, LicenseGrant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESCRIPTION = "Main gate cameras, Aarhus warehouse"


def make_license(partner=None, org=None, customer=None, description="") -> License:
    """An issued SLC; registered by `org` (directly, for setup) when given."""
    product = Product.objects.get_or_create(code="C01", defaults={"name": "Corporate"})[0]
    version = ProductVersion.objects.get_or_create(
        product=product, code="251", defaults={"name": "2025 R1"}
    )[0]
    [lic] = issuing.issue(product=product, version=version, device_licenses=16, partner=partner)
    if org is not None:
        lic.organization, lic.customer, lic.description = org, customer, description
        lic.registered_at = timezone.now()
        lic.save()
        search.refresh_ids([lic.pk])  # as the services keep it
    return lic


def sidebar(page):
    return page.get_by_role("navigation", name="Main")


def license_rows(page):
    return page.locator("#license-table tbody tr")


def test_register_a_license_for_a_new_customer_and_share_it(
    page, new_page, live_server, screenshot, world
):
    # The company already has licenses that are not granted to the License User, and the
    # other company has its own.
    harbour = Customer.objects.create(organization=world.org, name="Harbour Hotel")
    ours_not_granted = [
        make_license(org=world.org, customer=harbour, description="Lobby and parking"),
        make_license(org=world.org, description="Spare codes"),
    ]
    theirs = make_license(org=world.other_org, description="Contoso HQ")
    LicenseGrant.objects.create(license=theirs, user=world.outsider_user)
    new = make_license(partner=world.org)  # sold to us, not registered yet

    log_in(page, world.license_admin)
    sidebar(page).get_by_role("link", name="Licenses").click()
    expect(page.get_by_role("heading", name="Licenses", exact=True)).to_be_visible()
    expect(license_rows(page)).to_have_count(2)
    expect(page.locator("#license-table")).not_to_contain_text(theirs.code)
    expect(page.get_by_text("With the selected licenses:")).to_be_visible()
    screenshot("licenses")

    # Register new license (SLC) opens the form in a dialog on the same page.
    page.get_by_role("link", name="Register new license (SLC)").click()
    dialog = page.locator("dialog#dialog")
    expect(dialog).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/licenses/")
    expect(dialog.get_by_role("heading", name="Register new license (SLC)")).to_be_visible()
    slc = dialog.get_by_label("Software license code (SLC)")
    expect(slc).to_be_focused()
    # Pasted from an email: lower case, with spaces.
    pasted = " " + new.code.lower().replace("-", " - ", 2) + " "
    slc.fill(pasted)
    dialog.get_by_label("Or add customer").fill("Fjord Logistics A/S")
    dialog.get_by_label("License description").fill(DESCRIPTION)
    screenshot("register-dialog")
    dialog.get_by_role("button", name="Save").click()

    # Registered: the license's page.
    expect(page).to_have_url(f"{live_server.url}/licenses/{new.code}/")
    expect(page.get_by_role("status")).to_have_text(f"{new.code} is registered.")
    expect(page.get_by_role("heading", name=new.code)).to_be_visible()
    facts = page.locator("dl.facts").first
    expect(facts).to_contain_text("Corporate 2025 R1")
    expect(facts.get_by_role("link", name="Fjord Logistics A/S")).to_be_visible()
    expect(facts).to_contain_text(DESCRIPTION)
    expect(facts).to_contain_text(f"by {world.license_admin}")
    new.refresh_from_db()
    assert new.organization == world.org and new.registered_by == world.license_admin
    fjord = new.customer
    assert fjord.name == "Fjord Logistics A/S" and fjord.organization == world.org

    # Back on Licenses, search for a fragment of the description.
    sidebar(page).get_by_role("link", name="Licenses").click()
    expect(license_rows(page)).to_have_count(3)
    page.get_by_role("searchbox", name="Search licenses").fill("aarhus ware")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"\?search=aarhus\+ware"))
    expect(license_rows(page)).to_have_count(1)
    row = license_rows(page).first
    expect(row).to_contain_text("Fjord Logistics A/S")
    expect(row).to_contain_text(DESCRIPTION)
    row.get_by_role("link", name=new.code).click()

    # Let the License User see it.
    expect(page).to_have_url(f"{live_server.url}/licenses/{new.code}/")
    users = page.locator("details#visibility")
    lina = users.get_by_role("checkbox", name=str(world.license_user))
    expect(lina).to_be_hidden()
    users.get_by_text("Others in your organization that can see this SLC").click()
    expect(lina).to_be_visible()
    expect(lina).not_to_be_checked()
    lina.check()
    screenshot("license-detail")
    users.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Who can see this license was saved.")
    assert list(new.grants.values_list("user", flat=True)) == [world.license_user.pk]

    # A colleague registers another license for the same customer; it is not granted.
    make_license(org=world.org, customer=fjord, description="Loading dock")

    # The License User logs in in her own browser.
    lina_page = new_page()
    log_in(lina_page, world.license_user)
    sidebar(lina_page).get_by_role("link", name="Licenses").click()
    expect(license_rows(lina_page)).to_have_count(1)
    expect(license_rows(lina_page).first).to_contain_text(new.code)
    expect(license_rows(lina_page).first).to_contain_text(DESCRIPTION)
    table = lina_page.locator("#license-table")
    for other in [*ours_not_granted, theirs]:
        expect(table).not_to_contain_text(other.code)
    # Nothing to do with a selection: she can neither grant nor change a group.
    expect(lina_page.get_by_text("With the selected licenses:")).to_have_count(0)
    screenshot("licenses-license-user", lina_page)

    # She can open it, but not a license that was not granted to her.
    license_rows(lina_page).first.get_by_role("link", name=new.code).click()
    expect(lina_page.get_by_role("heading", name=new.code)).to_be_visible()
    expect(lina_page.locator("details#visibility")).to_have_count(0)
    response = lina_page.goto(f"/licenses/{ours_not_granted[0].code}/")
    assert response.status == 404

    # Customers: only the customer of her license, counting only what she can see.
    lina_page.goto("/")
    sidebar(lina_page).get_by_role("link", name="Customers").click()
    expect(lina_page.get_by_role("heading", name="Customers")).to_be_visible()
    customers = lina_page.locator("table tbody tr")
    expect(customers).to_have_count(1)
    expect(customers.first.locator("td").nth(0)).to_have_text("Fjord Logistics A/S")
    expect(customers.first.locator("td").nth(1)).to_have_text("1")
    screenshot("customers", lina_page)

    # The License Admin sees both customers, with every license of the company.
    sidebar(page).get_by_role("link", name="Customers").click()
    admin_rows = page.locator("table tbody tr")
    expect(admin_rows).to_have_count(2)
    expect(admin_rows.filter(has_text="Fjord Logistics A/S").locator("td").nth(1)).to_have_text("2")
    expect(admin_rows.filter(has_text="Harbour Hotel").locator("td").nth(1)).to_have_text("1")


def test_a_code_sold_to_another_partner_cannot_be_registered(page, live_server, world):
    theirs = make_license(partner=world.other_org)

    log_in(page, world.license_admin)
    page.goto("/licenses/")
    page.get_by_role("link", name="Register new license (SLC)").click()
    dialog = page.locator("dialog#dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Software license code (SLC)").fill(theirs.code)
    dialog.get_by_label("Or add customer").fill("Someone Else Ltd")
    dialog.get_by_role("button", name="Save").click()

    error = page.locator(".field.has-error .error")
    expect(error).to_have_text(re.compile(r"^This code can't be registered\."))
    expect(page.get_by_label("Software license code (SLC)")).to_have_value(theirs.code)
    theirs.refresh_from_db()
    assert theirs.organization is None
    assert not Customer.objects.filter(name="Someone Else Ltd").exists()
