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
        "care_plus_until": "",
        "care_premium_until": "",
        "expires_on": "",
        "sold_to": "",
    }
    # One inline of Care periods per tier (and Basic's history).
    for prefix in ("care_periods", "care_periods-2", "care_periods-3"):
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
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
    data = form(prod, ver, care_premium_until="2099-06-30", sold_to=world.other_org.pk)
    r = backoffice(world.staff).post(ADD, data)
    assert r.status_code == 302
    lic = License.objects.get()
    assert lic.sold_to == world.other_org
    assert (lic.care_plus_ends_on, lic.care_premium_ends_on) == (None, date(2099, 6, 30))
    assert CarePeriod.objects.filter(license=lic).count() == 1


def test_staff_issue_both_care_tiers_at_once(backoffice, world, catalog):
    prod, ver = catalog
    data = form(prod, ver, care_plus_until="2099-01-31", care_premium_until="2098-12-31")
    assert backoffice(world.staff).post(ADD, data).status_code == 302
    lic = License.objects.get()
    assert (lic.care_plus_ends_on, lic.care_premium_ends_on) == (
        date(2099, 1, 31),
        date(2098, 12, 31),
    )
    levels = CarePeriod.objects.filter(license=lic).values_list("level", flat=True)
    assert sorted(levels) == ["Plus", "Premium"]


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


def test_it_refuses_care_that_ended_already(backoffice, world, catalog):
    prod, ver = catalog
    r = backoffice(world.staff).post(ADD, form(prod, ver, care_plus_until="2001-01-31"))
    assert r.status_code == 200
    assert "care_plus_until" in r.context["adminform"].form.errors
    assert not License.objects.exists() and not CarePeriod.objects.exists()


@pytest.mark.parametrize("who", ["company_admin", "license_admin", "license_user"])
def test_partners_cannot_issue_codes(login, world, catalog, who):
    prod, ver = catalog
    r = login(getattr(world, who)).post(ADD, form(prod, ver))
    assert r.status_code == 302
    assert "/backoffice/login/" in r["Location"]
    assert not License.objects.exists()


def test_the_care_history_cannot_be_edited_in_the_back_office(backoffice, world, catalog):
    lic = factories.issue(*catalog, care=[("Plus", date(2099, 1, 31))])
    r = backoffice(world.staff).get(f"/backoffice/licenses/license/{lic.pk}/change/")
    assert r.status_code == 200
    form_fields = r.context["adminform"].form.fields
    assert "code" not in form_fields
    assert "organization" not in form_fields
    page = r.content.decode()
    assert "Care Plus periods" in page and "Care Premium periods" in page


def test_the_back_office_lists_and_filters_licenses_by_care_tier(backoffice, world, catalog):
    plus = factories.issue(*catalog, care=[("Plus", date(2099, 1, 31))])
    premium = factories.issue(*catalog, care=[("premium", date(2099, 2, 28))])
    client = backoffice(world.staff)
    for tier, shown, hidden in (("plus", plus, premium), ("premium", premium, plus)):
        r = client.get(f"/backoffice/licenses/license/?care={tier}")
        assert r.status_code == 200
        codes_listed = {lic.code for lic in r.context["cl"].result_list}
        assert shown.code in codes_listed and hidden.code not in codes_listed
