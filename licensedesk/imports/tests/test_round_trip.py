"""Export → edit → re-import: the edits are applied and nothing else changes. The Licenses
export carries `groups` and `visible_to`, so the round trip covers them too."""

import csv
import io

import pytest

from licensedesk.groups.models import LicenseGroup, Membership
from licensedesk.imports.tests.helpers import run, state
from licensedesk.licenses.models import LicenseGrant
from licensedesk.licenses.tests import factories


@pytest.fixture
def licenses(world):
    hotel = factories.customer(world.org, "Harbour Hotel")
    clinic = factories.customer(world.org, "Olaf Clinic")
    north = LicenseGroup.objects.create(organization=world.org, name="North")
    south = LicenseGroup.objects.create(organization=world.org, name="South")
    made = [
        factories.registered(world.org, cust=hotel, description="Lobby"),
        factories.registered(world.org, cust=clinic, description="=SUM(A1:A2) is no formula"),
        factories.registered(world.org, description="No customer"),
        factories.registered(world.org, cust=hotel, description="Line one\nline two"),
    ]
    Membership.objects.create(group=north, license=made[0])
    Membership.objects.create(group=south, license=made[0])
    Membership.objects.create(group=south, license=made[1])
    # A list item that would start a formula, after another (the export quotes each item).
    for name in ("0", "=SUM(1)"):
        group = LicenseGroup.objects.create(organization=world.org, name=name)
        Membership.objects.create(group=group, license=made[1])
    LicenseGrant.objects.create(license=made[0], user=world.license_user)
    return made


def exported(client) -> list[list[str]]:
    r = client.get("/licenses/export.csv")
    assert r.status_code == 200
    return list(csv.reader(io.StringIO(b"".join(r.streaming_content).decode())))


def as_csv(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def test_the_export_as_it_is_reimports_as_unchanged(login, world, licenses):
    codes = [lic.code for lic in licenses]
    before = state(codes)
    outcome = run(world.license_admin, as_csv(exported(login(world.license_admin))))
    assert outcome.report(dry_run=False)["unchanged"] == len(licenses)
    assert outcome.plan.errors == []
    assert state(codes) == before


def test_export_edit_reimport_applies_the_edits_and_nothing_else(login, world, licenses):
    codes = [lic.code for lic in licenses]
    rows = exported(login(world.license_admin))
    header = [name.lower().replace(" ", "_") for name in rows[0]]
    column = {name: header.index(name) for name in ("slc", "customer", "description")}
    column |= {"groups": header.index("groups"), "visible_to": header.index("visible_to")}
    before = state(codes)
    assert run(world.license_admin, as_csv(rows)).report(dry_run=False)["unchanged"] == 4

    by_code = {row[0]: row for row in rows[1:]}
    edited = {codes[0], codes[1], codes[2]}
    by_code[codes[0]][column["description"]] = "Lobby and bar"
    by_code[codes[0]][column["visible_to"]] = ""
    by_code[codes[1]][column["customer"]] = "harbour hotel"
    by_code[codes[1]][column["groups"]] = "South; West"
    by_code[codes[2]][column["visible_to"]] = world.license_user.email
    outcome = run(world.license_admin, as_csv(rows))
    assert outcome.report(dry_run=False)["updated"] == 3
    assert outcome.report(dry_run=False)["unchanged"] == 1

    after = state(codes)
    assert after[codes[0]] == before[codes[0]] | {"description": "Lobby and bar", "visible_to": []}
    assert after[codes[1]] == before[codes[1]] | {
        "customer": "Harbour Hotel",
        "groups": ["South", "West"],
    }
    assert after[codes[2]] == before[codes[2]] | {"visible_to": [world.license_user.email]}
    for code in set(codes) - edited:
        assert after[code] == before[code]
