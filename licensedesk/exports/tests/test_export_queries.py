"""Exports read a fixed number of queries a chunk of rows, whatever the rows hold: what a row
shows (groups, grants, health, counts) comes with its chunk, never one row at a time."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from licensedesk.audit.services import record
from licensedesk.exports import chunks
from licensedesk.exports.tests.conftest import activation, company, installation, read
from licensedesk.groups.models import LicenseGroup, Membership
from licensedesk.licenses import export as license_export
from licensedesk.licenses.models import LicenseGrant
from licensedesk.licenses.tests import factories


def queries_of(client, path, fmt="csv") -> int:
    read(client.get(path, {"format": fmt}), fmt)  # the session's once-a-while writes first
    with CaptureQueriesContext(connection) as captured:
        read(client.get(path, {"format": fmt}), fmt)
    return len(captured)


def add_licenses(world, n):
    group = LicenseGroup.objects.get_or_create(organization=world.org, name="Region")[0]
    for _ in range(n):
        i = LicenseGroup.objects.count() + Membership.objects.count()
        lic = factories.registered(
            world.org, cust=factories.customer(world.org, f"Customer {i}"),
            grant_to=[world.license_user],
        )  # fmt: skip
        Membership.objects.create(group=group, license=lic)
        inst = installation(lic, f"vms{i}", state="healthy" if i % 2 else None)
        activation(inst)
        record("license.register", actor=world.company_admin, target=lic)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_the_licenses_export_reads_the_same_queries_a_chunk_whatever_its_rows(
    login, world, monkeypatch, fmt
):
    # Licenses with their product, version and customer, their groups and their grants are
    # read a chunk at a time: two chunks of one license cost what two chunks of four do,
    # with or without grants.
    client = login(world.license_admin)
    add_licenses(world, 2)
    monkeypatch.setattr(license_export, "CHUNK", 1)
    few = queries_of(client, "/licenses/export", fmt)
    add_licenses(world, 6)
    LicenseGrant.objects.filter(user=world.license_user).delete()
    monkeypatch.setattr(license_export, "CHUNK", 4)
    assert queries_of(client, "/licenses/export", fmt) == few


@pytest.mark.parametrize(
    "path", ["/customers/export", "/groups/export", "/installations/export", "/activity/export"]
)
def test_other_exports_read_the_same_queries_for_few_rows_or_many(login, world, path):
    client = login(world.company_admin)
    add_licenses(world, 2)
    few = queries_of(client, path)
    add_licenses(world, 8)
    assert queries_of(client, path) == few


def test_an_activations_export_reads_the_same_queries_for_few_rows_or_many(login, world):
    made = company(world, world.org, "Harbour Hotel")
    client = login(world.license_admin)
    path = f"/licenses/{made.license.code}/activations/export"
    few = queries_of(client, path)
    for _ in range(8):
        activation(installation(made.license, "vms"))
    assert queries_of(client, path) == few


@pytest.mark.parametrize("path", ["/customers/export", "/groups/export", "/activity/export"])
def test_long_exports_are_read_in_chunks_that_follow_each_other(login, world, monkeypatch, path):
    # Chunks of 2: every row once, in the order of one single read.
    client = login(world.company_admin)
    add_licenses(world, 5)
    for i in range(3):
        LicenseGroup.objects.create(organization=world.org, name=f"Empty {i}")
    whole = read(client.get(path), "csv")
    monkeypatch.setattr(chunks, "CHUNK", 2)
    assert read(client.get(path), "csv") == whole
    assert len(whole) > 4
