from datetime import date

import pytest

from licensedesk.care.models import CarePeriod
from licensedesk.licenses import codes
from licensedesk.licenses.models import License
from licensedesk.licenses.tests import factories

ADD = "/backoffice/licenses/license/add/"


@pytest.fixture
def catalog(db):
    prod = factories.product("C01", "Corporate")
    return prod, factories.version(prod, "251", "2025 R1")


def form(prod, ver, **extra):
    data = {
        "product": prod.pk,
        "version": ver.pk,
        "device_licenses": 40,
        "care_level": "",
        "care_ends_on": "",
        "expires_on": "",
        "sold_to": "",
        "care_periods-TOTAL_FORMS": 0,
        "care_periods-INITIAL_FORMS": 0,
    }
    data.update(extra)
    return data


def test_staff_issue_a_code_in_the_back_office(backoffice, world, catalog):
    prod, ver = catalog
    r = backoffice(world.staff).post(ADD, form(prod, ver))
    assert r.status_code == 302, r.context["adminform"].form.errors if r.context else r
    lic = License.objects.get()
    assert codes.is_well_formed(lic.code)
    assert lic.code.startswith("M01-C01-251-01-")
    assert lic.device_licenses == 40
    assert lic.organization is None


def test_staff_issue_a_code_with_care_sold_to_a_partner(backoffice, world, catalog):
    prod, ver = catalog
    data = form(
        prod, ver, care_level="Premium", care_ends_on="2027-06-30", sold_to=world.other_org.pk
    )
    r = backoffice(world.staff).post(ADD, data)
    assert r.status_code == 302
    lic = License.objects.get()
    assert lic.sold_to == world.other_org
    assert (lic.care_level, lic.care_ends_on) == ("Premium", date(2027, 6, 30))
    assert CarePeriod.objects.filter(license=lic).count() == 1


def test_the_next_code_takes_the_next_sequence(backoffice, world, catalog):
    prod, ver = catalog
    factories.issue(prod, ver)
    backoffice(world.staff).post(ADD, form(prod, ver))
    assert License.objects.order_by("-sequence").first().code.split("-")[3] == "02"


def test_it_refuses_a_version_of_another_product(backoffice, world, catalog):
    prod, _ = catalog
    other_version = factories.version(factories.product("E01", "Enterprise"), "251")
    r = backoffice(world.staff).post(ADD, form(prod, other_version))
    assert r.status_code == 200
    assert "version" in r.context["adminform"].form.errors
    assert not License.objects.exists()


def test_it_wants_both_care_level_and_end_or_neither(backoffice, world, catalog):
    prod, ver = catalog
    r = backoffice(world.staff).post(ADD, form(prod, ver, care_level="Plus"))
    assert r.status_code == 200
    assert "care_ends_on" in r.context["adminform"].form.errors
    assert not License.objects.exists()


@pytest.mark.parametrize("who", ["company_admin", "license_admin", "license_user"])
def test_partners_cannot_issue_codes(login, world, catalog, who):
    prod, ver = catalog
    r = login(getattr(world, who)).post(ADD, form(prod, ver))
    assert r.status_code == 302
    assert "/backoffice/login/" in r["Location"]
    assert not License.objects.exists()


def test_the_care_history_cannot_be_edited_in_the_back_office(backoffice, world, catalog):
    lic = factories.issue(*catalog, care=("Plus", date(2027, 1, 31)))
    r = backoffice(world.staff).get(f"/backoffice/licenses/license/{lic.pk}/change/")
    assert r.status_code == 200
    form_fields = r.context["adminform"].form.fields
    assert "code" not in form_fields
    assert "organization" not in form_fields
