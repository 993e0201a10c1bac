import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from licensedesk.care.models import CarePeriod
from licensedesk.licenses import codes
from licensedesk.licenses.models import License
from licensedesk.licenses.tests import factories


def issue_slc(*args):
    out = StringIO()
    call_command("issue-slc", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def catalog(db):
    prod = factories.product("C01", "Corporate")
    return prod, factories.version(prod, "251", "2025 R1")


def test_it_prints_a_new_code(catalog):
    out = issue_slc("--product", "C01", "--version", "251", "--devices", "25")
    code = out.strip()
    assert codes.is_well_formed(code)
    assert code.startswith("M01-C01-251-01-")
    lic = License.objects.get(code=code)
    assert lic.device_licenses == 25
    assert lic.organization is None
    assert lic.sold_to is None
    assert (lic.care_plus_ends_on, lic.care_premium_ends_on) == (None, None)


def test_it_prints_json(catalog):
    out = issue_slc("--product", "c01", "--version", "2025 R1", "--devices", "5", "--json")
    [row] = json.loads(out)
    assert row["product"] == "C01"
    assert row["version"] == "2025 R1"
    assert row["device_licenses"] == 5
    assert row["care"] == {"plus": None, "premium": None}
    assert row["partner"] is None
    assert License.objects.filter(code=row["slc"]).exists()


def test_it_issues_care(catalog):
    out = issue_slc(
        "--product",
        "C01",
        "--version",
        "251",
        "--devices",
        "5",
        "--care",
        "Plus:2027-12-31",
        "--json",
    )
    [row] = json.loads(out)
    assert row["care"] == {"plus": "2027-12-31", "premium": None}
    lic = License.objects.get(code=row["slc"])
    assert lic.care_plus_ends_on == date(2027, 12, 31)
    [period] = CarePeriod.objects.filter(license=lic)
    assert (period.level, period.ends_on) == ("Plus", date(2027, 12, 31))


def test_it_issues_both_care_tiers_in_any_case(catalog):
    args = ["--product", "C01", "--version", "251", "--devices", "5", "--json"]
    out = issue_slc(*args, "--care", "premium:2028-03-31", "--care", "PLUS:2027-12-31")
    [row] = json.loads(out)
    assert row["care"] == {"plus": "2027-12-31", "premium": "2028-03-31"}
    lic = License.objects.get(code=row["slc"])
    assert (lic.care_plus_ends_on, lic.care_premium_ends_on) == (
        date(2027, 12, 31),
        date(2028, 3, 31),
    )
    levels = CarePeriod.objects.filter(license=lic).order_by("level")
    assert [p.level for p in levels] == ["Plus", "Premium"]


def test_it_sells_to_a_partner(catalog, world):
    out = issue_slc(
        "--product", "C01", "--version", "251", "--devices", "5", "--partner", "contoso", "--json"
    )
    [row] = json.loads(out)
    assert row["partner"] == "contoso"
    assert License.objects.get(code=row["slc"]).sold_to == world.other_org


def test_it_issues_many_codes_with_growing_sequences(catalog):
    out = issue_slc("--product", "C01", "--version", "251", "--devices", "1", "--count", "3")
    issued = out.split()
    assert len(issued) == len(set(issued)) == 3
    assert [c.split("-")[3] for c in issued] == ["01", "02", "03"]
    assert License.objects.count() == 3


@pytest.mark.parametrize(
    "args",
    [
        ["--product", "X99", "--version", "251", "--devices", "1"],
        ["--product", "C01", "--version", "999", "--devices", "1"],
        ["--product", "C01", "--version", "251", "--devices", "1", "--partner", "nobody"],
        ["--product", "C01", "--version", "251", "--devices", "1", "--care", "Plus"],
        ["--product", "C01", "--version", "251", "--devices", "1", "--care", "Gold:2027-01-01"],
        ["--product", "C01", "--version", "251", "--devices", "1", "--care", "Basic:2027-01-01"],
        [
            *["--product", "C01", "--version", "251", "--devices", "1"],
            *["--care", "Plus:2027-01-01", "--care", "plus:2028-01-01"],
        ],
        [
            *["--product", "C01", "--version", "251", "--devices", "1", "--count", "2"],
            *["--care", "Plus:2027-01-01", "--care", "Premium:2001-01-01"],
        ],
        ["--product", "C01", "--version", "251", "--devices", "-1"],
        ["--product", "C01", "--version", "251", "--devices", "1", "--count", "0"],
        ["--product", "C01", "--version", "251", "--devices", "1", "--addon", "NOP"],
    ],
)
def test_it_refuses_bad_input_and_issues_nothing(catalog, world, args):
    with pytest.raises(CommandError):
        issue_slc(*args)
    assert not License.objects.exists()
    assert not CarePeriod.objects.exists()
