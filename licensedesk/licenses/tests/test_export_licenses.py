import csv
import io
from datetime import UTC, date, timedelta

import pytest

from licensedesk.care import status as care_status
from licensedesk.licenses.models import LicenseGrant
from licensedesk.licenses.tests import factories

TODAY = date(2026, 3, 1)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(care_status, "today", lambda: TODAY)


def export(client, query=""):
    r = client.get("/licenses/export.csv" + query)
    assert r.status_code == 200
    assert r["Content-Type"].startswith("text/csv")
    assert r["Content-Disposition"] == 'attachment; filename="licenses.csv"'
    return list(csv.reader(io.StringIO(b"".join(r.streaming_content).decode())))


@pytest.fixture
def licenses(world):
    hotel = factories.customer(world.org, "Harbour Hotel")
    made = [
        factories.registered(
            world.org, cust=hotel, description=f"Camera {i}", care_ends_on=TODAY + timedelta(i)
        )
        for i in range(-3, 4)
    ]
    made.append(factories.registered(world.org, description="No customer"))
    return made


def test_it_exports_one_row_per_license_with_a_header(login, world, licenses):
    rows = export(login(world.license_admin))
    assert rows[0][:5] == ["slc", "product", "version", "customer", "description"]
    assert len(rows) == 1 + len(licenses)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?search=camera",
        "?care_status=expired",
        "?care_status=ending&ordering=care_plus_end",
        "?customer=none",
        "?ordering=-slc",
        "?search=nothing",
    ],
)
def test_the_export_is_exactly_the_filtered_list(login, world, licenses, query):
    client = login(world.license_admin)
    listed = [lic.code for lic in client.get("/licenses/" + query).context["page"].object_list]
    assert [row[0] for row in export(client, query)[1:]] == listed


def test_a_row_shows_the_license(login, world):
    cust = factories.customer(world.org, "Harbour Hotel")
    lic = factories.registered(
        world.org,
        cust=cust,
        description="Lobby",
        care_ends_on=TODAY - timedelta(1),
        care_premium_ends_on=TODAY + timedelta(200),
    )
    header, row = export(login(world.license_admin))
    assert dict(zip(header, row, strict=True)) == {
        "slc": lic.code, "product": "Corporate", "version": "2025 R1",
        "customer": "Harbour Hotel", "description": "Lobby", "groups": "", "visible_to": "",
        "devices_used": "0", "devices_total": "10",
        "care_plus_ends_on": str(TODAY - timedelta(1)), "care_plus_status": "Expired",
        "care_premium_ends_on": str(TODAY + timedelta(200)), "care_premium_status": "Active",
        "expires_on": "",
        "registered_at": lic.registered_at.astimezone(UTC).isoformat(timespec="seconds"),
    }  # fmt: skip


def test_a_license_without_customer_has_an_empty_customer(login, world):
    # Empty, not "Unspecified": an import reads an empty customer as none.
    factories.registered(world.org)
    header, row = export(login(world.license_admin))
    assert row[header.index("customer")] == ""
    assert row[header.index("care_plus_status")] == "No Care"
    assert row[header.index("care_premium_status")] == "No Care"


def test_the_export_filters_by_care_tier(login, world):
    plus = factories.registered(world.org, care_ends_on=TODAY + timedelta(10))
    premium = factories.registered(
        world.org, care_level="Premium", care_ends_on=TODAY + timedelta(20)
    )
    factories.registered(world.other_org, care_level="Premium", care_ends_on=TODAY)
    client = login(world.license_admin)
    assert [r[0] for r in export(client, "?care_status=ending")[1:]] == [premium.code, plus.code]
    header, *only = export(client, "?care_status=ending&care_tier=premium")
    assert [r[0] for r in only] == [premium.code]
    care = {k: v for k, v in zip(header, only[0], strict=True) if k.startswith("care_")}
    assert care == {
        "care_plus_ends_on": "",
        "care_plus_status": "No Care",
        "care_premium_ends_on": str(TODAY + timedelta(20)),
        "care_premium_status": "Ends within 90 days",
    }


def test_a_license_user_exports_only_granted_licenses(login, world, licenses):
    LicenseGrant.objects.create(license=licenses[0], user=world.license_user)
    rows = export(login(world.license_user))
    assert [row[0] for row in rows[1:]] == [licenses[0].code]


@pytest.mark.parametrize("danger", ['=HYPERLINK("http://x")', "+1", "-1+1", "@SUM(A1)"])
def test_spreadsheet_formulas_are_defused(login, world, danger):
    factories.registered(world.org, cust=factories.customer(world.org, danger), description=danger)
    header, row = export(login(world.license_admin))
    assert row[header.index("customer")] == "'" + danger
    assert row[header.index("description")] == "'" + danger


@pytest.mark.parametrize(
    "ordering",
    ["", "slc", "-registered", "customer", "-customer", "care_plus_end", "-care_premium_end"],
)
def test_an_export_of_many_chunks_has_every_row_once_in_the_lists_order(
    login, world, monkeypatch, ordering
):
    # Chunks of 3 over 14 licenses with shared sort keys and empty ones (no customer, no
    # Care): each chunk starts right after the last row of the one before.
    from licensedesk.licenses import export as csv_export

    monkeypatch.setattr(csv_export, "CHUNK", 3)
    customers = [factories.customer(world.org, name) for name in ("Zeta", "Alpha")]
    for i in range(14):
        factories.registered(
            world.org,
            cust=customers[i % 2] if i % 3 else None,
            care_ends_on=TODAY + timedelta(i % 2) if i % 4 else None,
            care_premium_ends_on=TODAY + timedelta(i % 3) if i % 5 else None,
        )
    factories.registered(world.other_org)
    client = login(world.license_admin)
    listed = [
        lic.code for lic in client.get(f"/licenses/?ordering={ordering}&size=100").context["page"]
    ]
    assert len(listed) == 14
    assert [row[0] for row in export(client, f"?ordering={ordering}")[1:]] == listed
