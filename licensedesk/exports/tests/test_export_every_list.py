"""Every list's export, in every format: spreadsheet formulas defused, the same rows in each
format, the list's filters and order honoured."""

import pytest

from licensedesk.exports.tests.conftest import (
    FORMATS,
    body_of,
    company,
    installation,
    read,
    xlsx_cells,
)

# name: (web address, a column that names the row, the columns that show the company's text)
LISTS = {
    "licenses": ("/licenses/export", "slc", ["customer", "description", "groups"]),
    "customers": ("/customers/export", "name", ["name"]),
    "groups": ("/groups/export", "slc", ["group"]),
    "installations": ("/installations/export", "uuid", ["hostname", "customer"]),
    "activations": ("/licenses/{slc}/activations/export", "id", ["hostname"]),
    "activity": ("/activity/export", "id", ["target"]),
}
DANGERS = ['=HYPERLINK("http://x")', "+1", "-1+1", "@SUM(A1)"]


def export(client, name, made, fmt, **params):
    path = LISTS[name][0].format(slc=made.license.code)
    return client.get(path, {"format": fmt, **params})


@pytest.mark.parametrize("danger", DANGERS)
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", LISTS)
def test_no_cell_runs_as_a_formula(login, world, name, fmt, danger):
    made = company(world, world.org, danger)
    response = export(login(world.company_admin), name, made, fmt)
    columns = LISTS[name][2]
    if fmt == "xlsx":
        # Text cells with Excel's leading apostrophe: shown and re-imported as they are.
        rows = xlsx_cells(body_of(response, fmt))
        cells = [row[c] for row in rows for c in columns if row[c].value == danger]
        assert len(cells) >= len(columns)
        assert all(cell.data_type == "s" and cell.quotePrefix for cell in cells)
        return
    values = [row[c] for row in read(response, fmt) for c in columns]
    if fmt == "csv":
        assert values.count("'" + danger) >= len(columns)
        assert danger not in values
    else:  # JSON is data for programs: the value as it is
        assert values.count(danger) + values.count([danger]) >= len(columns)


@pytest.mark.parametrize("name", LISTS)
def test_every_format_holds_the_same_rows_in_the_same_order(login, world, ours, name):
    client = login(world.company_admin)
    key = LISTS[name][1]
    found = {
        fmt: [str(row[key]) for row in read(export(client, name, ours, fmt), fmt)]
        for fmt in FORMATS
    }
    assert found["csv"], "the export has rows"
    assert found["csv"] == found["json"] == found["xlsx"]


def test_the_licenses_export_has_what_an_import_takes_back(login, world, ours):
    rows = read(login(world.license_admin).get("/licenses/export?format=json"), "json")
    row = next(r for r in rows if r["slc"] == ours.license.code)
    assert row["customer"] == "Harbour Hotel"
    assert row["description"] == "Harbour Hotel"
    assert row["groups"] == ["Harbour Hotel"]
    assert row["visible_to"] == [world.license_user.email]


def test_groups_and_grants_are_separated_by_semicolons(login, world, ours):
    from licensedesk.groups.models import LicenseGroup, Membership
    from licensedesk.licenses.models import LicenseGrant

    second = LicenseGroup.objects.create(organization=world.org, name="Aarhus")
    Membership.objects.create(group=second, license=ours.license)
    other_user = world.license_user.__class__.objects.create_user(
        email="anna@northwind.example", password="x" * 20, organization=world.org,
        role=world.license_user.role,
    )  # fmt: skip
    LicenseGrant.objects.create(license=ours.license, user=other_user)
    rows = read(login(world.license_admin).get("/licenses/export"), "csv")
    row = next(r for r in rows if r["slc"] == ours.license.code)
    assert row["groups"] == "Aarhus;Harbour Hotel"
    assert row["visible_to"] == "anna@northwind.example;lina@northwind.example"


def test_a_customer_search_narrows_the_customers_export(login, world, ours):
    client = login(world.license_admin)
    listed = [c.name for c in client.get("/customers/", {"q": "hidden"}).context["page"]]
    rows = read(client.get("/customers/export", {"q": "hidden", "format": "json"}), "json")
    assert [row["name"] for row in rows] == listed == ["Hidden Harbour Hotel"]
    assert rows[0]["licenses"] == 1


def test_a_group_search_narrows_the_groups_export(login, world, ours):
    from licensedesk.groups.models import LicenseGroup

    LicenseGroup.objects.create(organization=world.org, name="Empty group")
    client = login(world.license_admin)
    rows = read(client.get("/groups/export", {"q": "harbour"}), "csv")
    assert [(r["group"], r["slc"]) for r in rows] == sorted(
        ("Harbour Hotel", lic.code) for lic in (ours.license, ours.hidden)
    )
    rows = read(client.get("/groups/export", {"q": "empty", "format": "json"}), "json")
    assert [(r["group"], r["slc"]) for r in rows] == [("Empty group", None)]


@pytest.mark.parametrize("query", ["", "?ordering=hostname", "?state=unmonitored", "?search=vms"])
def test_the_installations_export_is_the_filtered_list_in_its_order(
    login, world, ours, monkeypatch, query
):
    # Chunks of 2 over installations of every kind of sort key: states of each severity,
    # unmonitored ones (no state, no report), equal host names.
    from licensedesk.exports import chunks

    monkeypatch.setattr(chunks, "CHUNK", 2)
    for i, state in enumerate(["critical", "offline", "healthy", None, None, "healthy", None]):
        installation(ours.license, f"vms{i % 3}", state=state, minutes_ago=i % 2)
    client = login(world.license_admin)
    listed = [str(i.uuid) for i in client.get("/installations/" + query).context["page"]]
    rows = read(client.get("/installations/export" + query), "csv")
    assert [row["uuid"] for row in rows] == listed
    assert len(listed) > 2


def test_the_audit_log_export_is_filtered_like_the_page(login, world, ours):
    client = login(world.company_admin)
    rows = read(client.get("/activity/export", {"action": "customer.", "format": "json"}), "json")
    assert [row["action"] for row in rows] == ["customer.rename"]
    assert rows[0]["changes"] == {"name": ["Harbour Hotel", "Harbour Hotel"]}
    assert rows[0]["actor"] == world.company_admin.email
    assert read(client.get("/activity/export", {"action": "nothing."}), "csv") == []


def test_an_unknown_format_is_refused(login, world):
    response = login(world.license_admin).get("/licenses/export", {"format": "pdf"})
    assert response.status_code == 400
    assert "csv, xlsx or json" in response.content.decode()


def test_the_old_csv_address_still_exports(login, world, ours):
    rows = read(login(world.license_admin).get("/licenses/export.csv"), "csv")
    assert {row["slc"] for row in rows} == {ours.license.code, ours.hidden.code}


def test_no_item_of_a_list_cell_starts_a_formula_where_semicolons_split_cells(login, world, ours):
    from licensedesk.groups.models import LicenseGroup, Membership

    for name in ("0", '=HYPERLINK("http://x")'):
        group = LicenseGroup.objects.create(organization=world.org, name=name)
        Membership.objects.create(group=group, license=ours.license)
    rows = read(login(world.license_admin).get("/licenses/export?format=csv"), "csv")
    cell = next(r for r in rows if r["slc"] == ours.license.code)["groups"]
    items = cell.split(";")
    assert '\'=HYPERLINK("http://x")' in items
    assert not any(item.startswith(("=", "+", "-", "@")) for item in items)
