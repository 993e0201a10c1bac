"""A license's search document follows every change of what it holds: whichever way a
license's customer or description, a customer's name, a group's name or licenses, or a
product's or version's name changes, a search finds the new text and no longer the old."""

import pytest

from licensedesk.customers import services as customers
from licensedesk.groups import services as groups
from licensedesk.groups.tests.factories import group
from licensedesk.licenses import queries, search, services
from licensedesk.licenses.models import License
from licensedesk.licenses.tests import factories


def finds(user, text) -> set[str]:
    return {lic.code for lic in queries.find_licenses(user, {"search": text})}


@pytest.fixture
def fresh():
    """Asserts, after the test, that no license's document differs from one built anew."""
    yield
    assert search.refresh(License.objects.all()) == 0


@pytest.fixture
def hotel(world):
    return factories.customer(world.org, "Harbour Hotel")


@pytest.fixture
def lic(world, hotel):
    return factories.registered(world.org, cust=hotel, description="Lobby cameras")


def test_issuing_a_code_makes_its_document(world, fresh):
    issued = factories.issue(
        prod=factories.product("C01", "Corporate"),
        ver=factories.version(factories.product("C01"), "252", "2025 R2"),
    )
    assert License.objects.get(pk=issued.pk).search_document == search.document(
        issued.code, "Corporate", "2025 R2", None, ""
    )


def test_registering_fills_in_customer_description_and_groups(world, fresh):
    regional = group(world.org, "Region Nord")
    code = factories.issue().code
    services.register(
        world.license_admin,
        code,
        new_customer="Olaf Praxis",
        description="Radiology",
        group_ids=[regional.pk],
    )
    assert finds(world.license_admin, "olaf radiology region nord") == {code}


def test_changing_customer_and_description(world, hotel, lic, fresh):
    services.update_license(
        world.license_admin, lic, {"new_customer": "Airport", "description": "Gate 7"}
    )
    assert finds(world.license_admin, "airport gate") == {lic.code}
    assert finds(world.license_admin, "harbour") == finds(world.license_admin, "lobby") == set()
    services.update_license(world.license_admin, lic, {"customer_id": hotel.pk})
    assert finds(world.license_admin, "harbour gate") == {lic.code}


def test_renaming_a_customer(world, hotel, lic, fresh):
    customers.rename_customer(world.license_admin, hotel, "Seaside Inn")
    assert finds(world.license_admin, "seaside lobby") == {lic.code}
    assert finds(world.license_admin, "harbour") == set()


def test_removing_a_customer(world, hotel, lic, fresh):
    customers.delete_customer(world.license_admin, hotel)
    assert finds(world.license_admin, "harbour") == set()
    assert finds(world.license_admin, "lobby") == {lic.code}


def test_creating_renaming_and_deleting_a_group(world, lic, fresh):
    made = groups.create_group(world.license_admin, name="Region Nord", slcs=[lic.code])
    assert finds(world.license_admin, "nord lobby") == {lic.code}
    groups.update_group(world.license_admin, made, name="Region South")
    assert finds(world.license_admin, "south lobby") == {lic.code}
    assert finds(world.license_admin, "nord") == set()
    groups.delete_group(world.license_admin, made)
    assert finds(world.license_admin, "south") == set()


def test_adding_and_removing_a_groups_licenses(world, lic, fresh):
    other = factories.registered(world.org, description="Gate")
    regional = group(world.org, "Region Nord")
    groups.add_licenses(world.license_admin, regional, ids=[lic.pk])
    groups.update_group(world.license_admin, regional, add=[other.pk], remove=[lic.pk])
    assert finds(world.license_admin, "nord") == {other.code}
    groups.remove_license(world.license_admin, regional, other.pk)
    assert finds(world.license_admin, "nord") == set()


def test_replacing_a_groups_licenses_by_the_api(api, world, lic, fresh):
    other = factories.registered(world.org, description="Gate")
    regional = group(world.org, "Region Nord", licenses=[lic])
    r = api(world.license_admin).patch_json(
        f"/api/v1/license-groups/{regional.pk}", {"licenses": [other.code]}
    )
    assert r.status_code == 200
    assert finds(world.license_admin, "nord") == {other.code}


def test_ticking_a_licenses_groups(world, lic, fresh):
    nord, south = group(world.org, "Region Nord"), group(world.org, "Region South")
    groups.set_license_groups(world.license_admin, lic, [nord.pk, south.pk])
    assert finds(world.license_admin, "nord south") == {lic.code}
    groups.set_license_groups(world.license_admin, lic, [south.pk])
    assert finds(world.license_admin, "nord") == set()


def test_a_license_in_several_groups_is_found_by_each(world, lic, fresh):
    group(world.org, "Region Nord", licenses=[lic])
    group(world.org, "Key accounts", licenses=[lic])
    assert finds(world.license_admin, "key nord lobby") == {lic.code}


def product_form(prod, name, versions):
    form = {
        "code": prod.code,
        "name": name,
        "kind": prod.kind,
        "versions-TOTAL_FORMS": len(versions),
        "versions-INITIAL_FORMS": len(versions),
    }
    for i, (ver, ver_name) in enumerate(versions):
        form |= {
            f"versions-{i}-id": ver.pk,
            f"versions-{i}-product": prod.pk,
            f"versions-{i}-code": ver.code,
            f"versions-{i}-name": ver_name,
        }
    return form


def test_renaming_a_product_or_version_in_the_back_office(backoffice, world, lic, fresh):
    prod, ver = lic.product, lic.version
    staff = backoffice(world.staff)
    url = f"/backoffice/catalog/product/{prod.pk}/change/"
    assert staff.post(url, product_form(prod, "Corporate+", [(ver, "2025 R1")])).status_code == 302
    assert finds(world.license_admin, "corporate+ lobby") == {lic.code}
    assert (
        staff.post(url, product_form(prod, "Corporate+", [(ver, "2025 R1 SP")])).status_code == 302
    )
    assert finds(world.license_admin, "2025 r1 sp") == {lic.code}


def test_renaming_and_removing_a_customer_in_the_back_office(backoffice, world, hotel, lic, fresh):
    staff = backoffice(world.staff)
    r = staff.post(
        f"/backoffice/customers/customer/{hotel.pk}/change/",
        {
            "name": "Seaside Inn",
            "organization": world.org.pk,
            "created_at_0": "2026-01-01",
            "created_at_1": "10:00:00",
        },
    )
    assert r.status_code == 302, r.content[:2000]
    assert finds(world.license_admin, "seaside") == {lic.code}
    r = staff.post(f"/backoffice/customers/customer/{hotel.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302
    assert finds(world.license_admin, "seaside") == set()
