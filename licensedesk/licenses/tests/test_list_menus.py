"""The Licenses page's menus (products, groups, License Users to grant to, the chosen
customer) offer only what the viewer may choose, and are read whole however long they are."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import make_user
from licensedesk.accounts.models import Role
from licensedesk.catalog.models import Product
from licensedesk.groups.models import LicenseGroup
from licensedesk.groups.tests.factories import group
from licensedesk.licenses.tests import factories


@pytest.fixture
def scene(world):
    corporate = factories.product("C01", "Corporate")
    factories.product("E01", "Expert")
    factories.product("L01", "LPR add-on", kind=Product.Kind.ADDON)
    hotel = factories.customer(world.org, "Harbour Hotel")
    theirs = factories.customer(world.other_org, "Contoso Customer")
    lic = factories.registered(
        world.org,
        cust=hotel,
        prod=corporate,
        care_ends_on=date.today() + timedelta(days=200),
        grant_to=[world.license_user],
    )
    ours = LicenseGroup.objects.create(organization=world.org, name="North", created_by=None)
    mine = LicenseGroup.objects.create(
        organization=world.org, name="lina's", created_by=world.license_user
    )
    LicenseGroup.objects.create(organization=world.other_org, name="Contoso group")
    return {"lic": lic, "hotel": hotel, "theirs": theirs, "ours": ours, "mine": mine}


def context_of(client, query=""):
    response = client.get("/licenses/" + query)
    assert response.status_code == 200
    return response.context


def test_the_product_menu_offers_the_editions_in_name_order(login, world, scene):
    ctx = context_of(login(world.license_admin))
    assert [p.name for p in ctx["products"]] == ["Corporate", "Expert"]
    assert b'value="E01"' in login(world.license_admin).get("/licenses/").content


def test_the_group_menus_offer_our_groups_and_a_license_user_edits_only_their_own(
    login, world, scene
):
    admin = context_of(login(world.license_admin))
    assert [g.name for g in admin["groups"]] == ["lina's", "North"]
    assert [g.name for g in admin["editable_groups"]] == ["lina's", "North"]
    user = context_of(login(world.license_user))
    assert [g.name for g in user["groups"]] == ["lina's", "North"]
    assert [g.name for g in user["editable_groups"]] == ["lina's"]


def test_only_a_license_admin_is_offered_our_active_license_users_to_grant_to(login, world, scene):
    make_user(world.org, "zed@northwind.example", Role.LICENSE_USER, last_name="Aaberg")
    make_user(world.org, "gone@northwind.example", Role.LICENSE_USER, is_active=False)
    admin = context_of(login(world.license_admin))
    assert [u.email for u in admin["license_users"]] == [
        "zed@northwind.example",  # Aaberg sorts before Tester
        "lina@northwind.example",
    ]
    assert str(admin["license_users"][1]) == "Lina Tester"
    assert context_of(login(world.license_user))["license_users"] == []


def test_the_chosen_customer_is_offered_only_when_the_viewer_may_see_it(login, world, scene):
    hotel, theirs = scene["hotel"], scene["theirs"]
    admin = login(world.license_admin)
    assert [c.name for c in context_of(admin, f"?customer={hotel.pk}")["customers"]] == [
        "Harbour Hotel"
    ]
    assert context_of(admin, f"?customer={theirs.pk}")["customers"] == []
    assert context_of(admin, "?customer=none")["customers"] == []
    # A License User sees the customers of their granted licenses, no others.
    lonely = factories.customer(world.org, "Lonely Customer")
    user = login(world.license_user)
    assert [c.name for c in context_of(user, f"?customer={hotel.pk}")["customers"]] == [
        "Harbour Hotel"
    ]
    assert context_of(user, f"?customer={lonely.pk}")["customers"] == []


def test_a_search_by_a_product_name_fragment_finds_its_licenses_case_forgiven(login, world, scene):
    expert = Product.objects.get(code="E01")
    other = factories.registered(world.org, prod=expert, description="Gate")
    page = context_of(login(world.license_admin), "?search=eXPer")["page"]
    assert [lic.code for lic in page.object_list] == [other.code]


QUERIES = ["", "?search=harbour", "?search=M01", "?care_status=active", "?customer=HOTEL"]


def more_of_everything(world, scene, n):
    """n more licenses that every listing of QUERIES shows, in n more groups, beside n more
    editions and License Users: longer pages and longer menus."""
    made = [
        factories.registered(
            world.org,
            cust=scene["hotel"],
            care_ends_on=date.today() + timedelta(days=200),
            grant_to=[world.license_user],
        )
        for _ in range(n)
    ]
    for i in range(n):
        factories.product(f"X{n:x}{i:x}", f"Edition {n}-{i}")
        make_user(world.org, f"user{n}-{i}@northwind.example", Role.LICENSE_USER)
        group(world.org, f"Group {n}-{i}", licenses=made + [scene["lic"]])


@pytest.mark.parametrize("who", ["license_admin", "license_user"])
@pytest.mark.parametrize("query", QUERIES)
def test_every_listing_takes_the_same_queries_for_a_short_list_or_a_long_one(
    login, world, scene, who, query
):
    # The menus come in one go and the rows with their groups a page at a time: more rows,
    # groups, editions or License Users never mean more queries.
    client = login(getattr(world, who))
    url = "/licenses/" + query.replace("HOTEL", str(scene["hotel"].pk))
    client.get(url)  # the first request of a session may touch the session

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        assert scene["lic"].code in response.content.decode()
        return len(ctx.captured_queries), len(response.context["page"])

    few, short = queries()
    more_of_everything(world, scene, 12)
    many, long = queries()
    assert long == short + 12
    assert many == few
