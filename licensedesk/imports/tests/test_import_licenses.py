import pytest

from licensedesk.access import Forbidden
from licensedesk.audit.models import AuditEvent
from licensedesk.customers.models import Customer
from licensedesk.groups.models import LicenseGroup, Membership
from licensedesk.imports.tests.helpers import csv_bytes, dry_run, run, state, xlsx_bytes
from licensedesk.licenses.models import License, LicenseGrant
from licensedesk.licenses.services import UNAVAILABLE
from licensedesk.licenses.tests import factories
from licensedesk.outbox.models import Job


@pytest.fixture
def codes(world):
    """Three unregistered codes and one license the company has."""
    free = [lic.code for lic in factories.issue(count=3)]
    hotel = factories.customer(world.org, "Harbour Hotel")
    ours = factories.registered(world.org, cust=hotel, description="Lobby")
    return free, ours


def test_a_dry_run_says_what_each_row_would_do_and_changes_nothing(world, codes):
    free, ours = codes
    before = state([*free, ours.code])
    content = csv_bytes(
        [
            [free[0], "New Customer", "Gate", "North; South", world.license_user.email],
            [free[1], "harbour hotel", "", "", ""],
            [ours.code, "Harbour Hotel", "Lobby", "", ""],
            [free[2].lower(), "", "", "", ""],
        ]
    )
    plan = dry_run(world.license_admin, content)
    assert plan.summary() == {
        "rows": 4,
        "registered": 3,
        "updated": 0,
        "unchanged": 1,
        "errors": [],
    }
    first = plan.rows[0]
    assert first.changes == {
        "customer": [None, "New Customer"],
        "description": ["", "Gate"],
        "groups": {"added": ["North", "South"], "removed": []},
        "visible_to": {"granted": [world.license_user.email], "revoked": []},
    }
    assert state([*free, ours.code]) == before
    assert not Customer.objects.filter(name="New Customer").exists()
    assert not LicenseGroup.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="license.").exists()


def test_it_registers_and_updates_and_leaves_the_rest(world, codes):
    free, ours = codes
    content = csv_bytes(
        [
            [free[0], "New Customer", "Gate", "North;South", world.license_user.email],
            [free[1], "HARBOUR HOTEL", "", "", ""],
            [ours.code, "Harbour Hotel", "Lobby and bar", "North", ""],
        ]
    )
    outcome = run(world.license_admin, content)
    assert outcome.applied
    assert outcome.report(dry_run=False) == {
        "rows": 3,
        "registered": 2,
        "updated": 1,
        "unchanged": 0,
        "errors": [],
        "dry_run": False,
        "applied": True,
    }
    after = state([*free, ours.code])
    assert after[free[0]] == {
        "organization": world.org.pk,
        "customer": "New Customer",
        "description": "Gate",
        "groups": ["North", "South"],
        "visible_to": [world.license_user.email],
        "registered_by": world.license_admin.pk,
    }
    # Customers are matched whatever their case.
    assert after[free[1]]["customer"] == "Harbour Hotel"
    hotels = Customer.objects.filter(organization=world.org, name__iexact="harbour hotel")
    assert hotels.count() == 1
    assert after[ours.code]["description"] == "Lobby and bar"
    assert after[ours.code]["groups"] == ["North"]
    assert after[free[2]]["organization"] is None
    # Registered licenses are found by search like any other.
    assert "gate" in License.objects.get(code=free[0]).search_document
    # The registrations are announced to notification profiles like single ones.
    fanouts = Job.objects.filter(kind="notifications.fanout")
    assert {j.payload["license_id"] for j in fanouts} == set(
        License.objects.filter(code__in=free[:2]).values_list("pk", flat=True)
    )


def test_a_second_import_of_the_same_file_changes_nothing(world, codes):
    free, _ = codes
    content = csv_bytes([[free[0], "New Customer", "Gate", "North", world.license_user.email]])
    run(world.license_admin, content)
    before = state(free)
    events = AuditEvent.objects.count()
    outcome = run(world.license_admin, content)
    assert outcome.report(dry_run=False)["unchanged"] == 1
    assert state(free) == before
    assert AuditEvent.objects.count() == events + 1  # the import's own event only


def test_a_row_is_the_whole_truth_and_an_empty_cell_clears(world, codes):
    _, ours = codes
    north = LicenseGroup.objects.create(organization=world.org, name="North")
    Membership.objects.create(group=north, license=ours)
    LicenseGrant.objects.create(license=ours, user=world.license_user)
    run(world.license_admin, csv_bytes([[ours.code, "", "", "", ""]]))
    assert state([ours.code])[ours.code] | {"registered_by": None} == {
        "organization": world.org.pk,
        "customer": None,
        "description": "",
        "groups": [],
        "visible_to": [],
        "registered_by": None,
    }


def test_a_column_missing_from_the_file_keeps_what_is_there(world, codes):
    _, ours = codes
    north = LicenseGroup.objects.create(organization=world.org, name="North")
    Membership.objects.create(group=north, license=ours)
    LicenseGrant.objects.create(license=ours, user=world.license_user)
    run(world.license_admin, csv_bytes([[ours.code, "Changed"]], header=["SLC", "Description"]))
    after = state([ours.code])[ours.code]
    assert after["description"] == "Changed"
    assert after["customer"] == "Harbour Hotel"
    assert after["groups"] == ["North"]
    assert after["visible_to"] == [world.license_user.email]


def test_names_and_addresses_are_matched_whatever_their_case(world, codes):
    free, _ = codes
    LicenseGroup.objects.create(organization=world.org, name="North")
    email = world.license_user.email.upper()
    run(world.license_admin, csv_bytes([[free[0], "HARBOUR hotel", "", "north; NORTH", email]]))
    after = state([free[0]])[free[0]]
    assert after["customer"] == "Harbour Hotel"
    assert after["groups"] == ["North"]
    assert after["visible_to"] == [world.license_user.email]
    assert LicenseGroup.objects.count() == 1


def test_xlsx_files_are_read_like_csv(world, codes):
    free, _ = codes
    content = xlsx_bytes([[free[0], "Xlsx Customer", "From Excel", "Sheet group", ""]])
    run(world.license_admin, content)
    after = state([free[0]])[free[0]]
    assert (after["customer"], after["description"], after["groups"]) == (
        "Xlsx Customer",
        "From Excel",
        ["Sheet group"],
    )


def test_every_registration_and_update_is_audited_with_one_event_for_the_import(world, codes):
    free, ours = codes
    content = csv_bytes(
        [[free[0], "", "Gate", "", ""], [ours.code, "Harbour Hotel", "Bar", "", ""]]
    )
    run(world.license_admin, content, filename="take-over.csv")
    register = AuditEvent.objects.get(action="license.register")
    assert register.target_label == free[0]
    assert register.changes["description"] == ["", "Gate"]
    assert register.changes["import"] == "take-over.csv"
    update = AuditEvent.objects.get(action="license.update")
    assert update.changes["description"] == ["Lobby", "Bar"]
    event = AuditEvent.objects.get(action="license.import")
    assert event.organization == world.org
    assert event.actor == world.license_admin
    assert event.changes == {
        "file": "take-over.csv",
        "rows": 2,
        "registered": 1,
        "updated": 1,
        "unchanged": 0,
        "errors": 0,
        "partial": False,
    }


def test_one_bad_row_and_nothing_is_imported(world, codes):
    free, ours = codes
    before = state([*free, ours.code])
    content = csv_bytes(
        [
            [free[0], "New Customer", "Gate", "North", ""],
            [ours.code, "Harbour Hotel", "Changed", "", ""],
            ["M01-C01-251-99-ZZZZZZ", "", "", "", ""],
        ]
    )
    outcome = run(world.license_admin, content)
    assert not outcome.applied
    report = outcome.report(dry_run=False)
    assert (report["registered"], report["updated"], report["applied"]) == (0, 0, False)
    assert report["errors"] == [{"row": 4, "column": "slc", "message": UNAVAILABLE}]
    assert state([*free, ours.code]) == before
    assert not Customer.objects.filter(name="New Customer").exists()
    assert not LicenseGroup.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="license.").exists()


def test_partial_mode_imports_the_valid_rows_only(world, codes):
    free, _ = codes
    content = csv_bytes(
        [
            [free[0], "", "Good", "", ""],
            ["not a code", "", "Bad", "", ""],
            [free[1], "", "Bad user", "", "nobody@northwind.example"],
        ]
    )
    outcome = run(world.license_admin, content, partial=True)
    assert outcome.applied
    report = outcome.report(dry_run=False)
    assert report["registered"] == 1
    assert [(e["row"], e["column"]) for e in report["errors"]] == [(3, "slc"), (4, "visible_to")]
    after = state(free)
    assert after[free[0]]["organization"] == world.org.pk
    assert after[free[1]]["organization"] is None
    assert AuditEvent.objects.get(action="license.import").changes["errors"] == 2


def test_errors_name_their_row_and_column(world, codes):
    free, ours = codes
    content = csv_bytes(
        [
            [free[0], "", "", "", ""],
            [free[0], "", "", "", ""],
            [free[1], "x" * 201, "", "", ""],
            [free[2], "", "d" * 501, "", ""],
            [ours.code, "Bell\x07 Corp", "", "", ""],
            ["M01-C01", "", "", "", ""],
            [ours.code.lower() + "x", "", "", "g" * 101, ""],
            ["", "Only a customer", "", "", ""],
            [ours.code, "", "", "", world.license_admin.email],
        ]
    )
    errors = dry_run(world.license_admin, content).errors
    found = [(e.row, e.column) for e in errors]
    assert found == [
        (2, "slc"),
        (3, "slc"),
        (4, "customer"),
        (5, "description"),
        (6, "customer"),
        (7, "slc"),
        (8, "slc"),
        (8, "groups"),
        (9, "slc"),
        (10, "visible_to"),
    ]
    messages = {(e.row, e.column): e.message for e in errors}
    assert "rows 2, 3" in messages[(2, "slc")]
    assert "too long" in messages[(4, "customer")]
    assert "too long" in messages[(5, "description")]
    assert "control characters" in messages[(6, "customer")]
    assert "not an active License User" in messages[(10, "visible_to")]


def test_a_license_user_cannot_import(world, codes):
    free, _ = codes
    with pytest.raises(Forbidden):
        run(world.license_user, csv_bytes([[free[0], "", "", "", ""]]))
    with pytest.raises(Forbidden):
        dry_run(world.license_user, csv_bytes([[free[0], "", "", "", ""]]))
    assert License.objects.get(code=free[0]).organization_id is None
