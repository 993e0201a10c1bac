from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import make_user
from licensedesk.accounts.models import Role
from licensedesk.care import status as care_status
from licensedesk.groups.tests.factories import group
from licensedesk.licenses.models import License, LicenseGrant
from licensedesk.licenses.tests import factories

TODAY = date(2026, 3, 1)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(care_status, "today", lambda: TODAY)


@pytest.fixture
def licenses(world):
    hotel = factories.customer(world.org, "Harbour Hotel")
    airport = factories.customer(world.org, "Airport")
    expert = factories.product("E01", "Expert")
    return {
        "active": factories.registered(
            world.org, cust=hotel, description="Lobby cameras", care_ends_on=TODAY + timedelta(200)
        ),
        "ending": factories.registered(
            world.org, cust=airport, description="Gate", care_ends_on=TODAY + timedelta(30)
        ),
        "expired": factories.registered(
            world.org, description="Car park", care_ends_on=TODAY - timedelta(1), prod=expert
        ),
        "none": factories.registered(world.org, cust=hotel, description="Kitchen"),
    }


def codes_of(client, query=""):
    r = client.get("/licenses/" + query)
    assert r.status_code == 200
    return [lic.code for lic in r.context["page"].object_list]


def api_codes(client, query=""):
    r = client.get("/api/v1/licenses" + query)
    assert r.status_code == 200
    return [item["slc"] for item in r.json()["items"]]


def test_a_license_admin_sees_every_license_of_the_company(login, world, licenses):
    factories.registered(world.other_org)
    assert sorted(codes_of(login(world.license_admin))) == sorted(
        lic.code for lic in licenses.values()
    )


def test_a_license_user_sees_only_granted_licenses(login, world, licenses):
    LicenseGrant.objects.create(license=licenses["ending"], user=world.license_user)
    assert codes_of(login(world.license_user)) == [licenses["ending"].code]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?search=lobby", ["active"]),
        ("?search=harbour", ["active", "none"]),
        ("?search=expert", ["expired"]),
        ("?search=  car   park ", ["expired"]),
        ("?customer=none", ["expired"]),
        ("?product=E01", ["expired"]),
        ("?care_status=active", ["active"]),
        ("?care_status=ending", ["ending"]),
        ("?care_status=expired", ["expired"]),
        ("?care_status=none", ["none"]),
        ("?care_status=bogus", ["active", "ending", "expired", "none"]),
        ("?search=nothing-like-this", []),
    ],
)
def test_it_searches_and_filters(login, api, world, licenses, query, expected):
    want = sorted(licenses[k].code for k in expected)
    assert sorted(codes_of(login(world.license_admin), query)) == want
    assert sorted(api_codes(api(world.license_admin), query)) == want


def test_it_searches_by_part_of_the_slc_in_any_case(login, world, licenses):
    code = licenses["ending"].code
    assert codes_of(login(world.license_admin), f"?search={code[-6:].lower()}") == [code]


def test_it_filters_by_customer_id(login, api, world, licenses):
    hotel = licenses["active"].customer
    want = sorted([licenses["active"].code, licenses["none"].code])
    assert sorted(codes_of(login(world.license_admin), f"?customer={hotel.pk}")) == want
    assert sorted(api_codes(api(world.license_admin), f"?customer={hotel.pk}")) == want


def test_it_orders_by_care_end_and_reverse(login, world, licenses):
    client = login(world.license_admin)
    with_care = [licenses[k].code for k in ("expired", "ending", "active")]
    assert [c for c in codes_of(client, "?ordering=care_plus_end") if c in with_care] == with_care
    assert [c for c in codes_of(client, "?ordering=-care_plus_end") if c in with_care] == with_care[
        ::-1
    ]


def test_it_orders_by_customer_name(api, world, licenses):
    codes = api_codes(api(world.license_admin), "?ordering=customer&customer=")
    named = [c for c in codes if c != licenses["expired"].code]
    assert named[0] == licenses["ending"].code  # Airport before Harbour Hotel


def test_an_unknown_ordering_falls_back_to_newest_first(login, world, licenses):
    codes = codes_of(login(world.license_admin), "?ordering=password")
    assert len(codes) == 4


def test_it_paginates(login, world):
    for _ in range(30):
        factories.registered(world.org)
    client = login(world.license_admin)
    first = codes_of(client, "?size=25")
    second = codes_of(client, "?size=25&page=2")
    assert (len(first), len(second)) == (25, 5)
    assert not set(first) & set(second)
    assert len(codes_of(client, "?size=7")) == 30  # unknown sizes fall back to 50


def test_the_api_list_takes_limit_and_offset(api, world, licenses):
    r = api(world.license_admin).get("/api/v1/licenses?limit=2&offset=1&ordering=slc")
    body = r.json()
    assert body["count"] == 4
    assert [i["slc"] for i in body["items"]] == sorted(lic.code for lic in licenses.values())[1:3]


def test_the_api_describes_a_license(api, world, licenses):
    lic = licenses["ending"]
    [item] = api(world.license_admin).get(f"/api/v1/licenses?search={lic.code}").json()["items"]
    assert item["slc"] == lic.code
    assert item["product"] == {"code": "C01", "name": "Corporate"}
    assert item["customer"]["name"] == "Airport"
    assert item["care"] == {
        "plus": {
            "level": "Plus",
            "ends_on": str(lic.care_plus_ends_on),
            "status": "ending",
            "starts_on": None,  # said only of Care that has not started yet
        },
        "premium": None,
    }
    assert item["device_licenses"] == {"total": 10, "used": 0}


def count_queries(client, url):
    client.get(url)  # the first request of a session may touch the session or token
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def make_licenses(world, n):
    customers = [
        factories.Customer.objects.get_or_create(organization=world.org, name=f"Customer {i}")[0]
        for i in range(3)
    ]
    for i in range(n):
        factories.registered(
            world.org,
            cust=customers[i % 3],
            care_ends_on=TODAY + timedelta(i),
            grant_to=[world.license_user],
        )


@pytest.mark.parametrize("who", ["license_admin", "license_user"])
def test_the_licenses_page_takes_the_same_queries_whatever_its_size(login, world, who):
    client = login(getattr(world, who))
    make_licenses(world, 5)
    few = count_queries(client, "/licenses/?size=100")
    make_licenses(world, 55)
    many = count_queries(client, "/licenses/?size=100")
    assert many == few


def test_the_api_list_takes_the_same_queries_whatever_its_size(api, world):
    client = api(world.license_admin)
    make_licenses(world, 5)
    few = count_queries(client, "/api/v1/licenses?limit=100")
    make_licenses(world, 55)
    assert count_queries(client, "/api/v1/licenses?limit=100") == few


def add_to_the_menus(world, n):
    """n more editions, License Users to grant to, and groups holding every license."""
    licenses = list(License.objects.filter(organization=world.org))
    for i in range(n):
        factories.product(f"X{n:x}{i:x}", f"Edition {n}-{i}")
        make_user(world.org, f"user{n}-{i}@northwind.example", Role.LICENSE_USER)
        group(world.org, f"Group {n}-{i}", licenses=licenses)


@pytest.mark.parametrize("who", ["license_admin", "license_user"])
def test_a_long_list_with_long_menus_takes_the_queries_of_a_short_one(login, world, who):
    # The rows' groups and each menu (editions, groups, and for a License Admin the License
    # Users to grant to) are read for the whole page at once, never row by row or item by item.
    client = login(getattr(world, who))
    make_licenses(world, 5)
    add_to_the_menus(world, 2)
    few = count_queries(client, "/licenses/?size=100")
    make_licenses(world, 55)
    add_to_the_menus(world, 12)
    assert count_queries(client, "/licenses/?size=100") == few


# A page is read after a count (a License Admin's whole list) or counted in the pass that
# sorts it (a License User's listing, searches): both must show the same.
@pytest.mark.parametrize(
    "who, query", [("license_admin", ""), ("license_user", ""), ("license_admin", "?search=M01")]
)
def test_a_row_shows_and_escapes_everything_it_lists(login, api, world, who, query):
    from licensedesk.groups.models import LicenseGroup, Membership

    cust = factories.customer(world.org, name="Harbour <Hotel>")
    lic = factories.registered(
        world.org,
        cust=cust,
        description="<script>alert(1)</script>" + "x" * 100,
        care_ends_on=TODAY + timedelta(30),
        grant_to=[world.license_user],
    )
    group = LicenseGroup.objects.create(organization=world.org, name="North & South")
    other = LicenseGroup.objects.create(organization=world.org, name="Alpha")
    Membership.objects.create(group=group, license=lic)
    Membership.objects.create(group=other, license=lic)
    unspecified = factories.registered(world.org, grant_to=[world.license_user])

    user = getattr(world, who)
    html = login(user).get("/licenses/" + query).content.decode()
    groups = [
        g["name"]
        for i in api(user).get("/api/v1/licenses" + query).json()["items"]
        if i["slc"] == lic.code
        for g in i["groups"]
    ]
    assert groups == ["Alpha", "North & South"]
    assert f'class="badge">Alpha</a> <a href="/groups/{group.pk}/"' in html

    assert f'<a href="/licenses/{lic.code}/"><code>{lic.code}</code></a>' in html
    assert f'<a href="/customers/{cust.pk}/">Harbour &lt;Hotel&gt;</a>' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    shown = "&lt;script&gt;alert(1)&lt;/script&gt;" + "x" * (79 - 25) + "…<"
    assert shown in html  # the description is cut at 80 characters
    assert f'<a href="/groups/{group.pk}/" class="badge">North &amp; South</a>' in html
    plus = f'<td class="nowrap" data-label="Care Plus">{(TODAY + timedelta(30)).isoformat()} '
    assert plus + '<span class="badge warn">Ends within 90 days</span></td>' in html
    no_premium = '<td class="nowrap" data-label="Care Premium"><span class="badge muted">No Care'
    assert no_premium in html
    assert f'href="/licenses/{unspecified.code}/"' in html
    assert '<span class="muted">Unspecified</span>' in html


@pytest.mark.parametrize("ordering", ["customer", "-product", "care_plus_end", "-devices", "slc"])
@pytest.mark.parametrize("who", ["license_admin", "license_user"])
def test_pages_cut_before_their_details_are_joined_keep_the_order_and_the_rules(
    login, api, world, who, ordering
):
    # Pages are cut on the bare licenses, then loaded with product, version and customer:
    # walking the pages must give the whole listing in its order, each license once, and
    # only what the viewer may see.
    customers = [factories.customer(world.org, name) for name in ("Zeta", "Alpha", "Mid")]
    expert = factories.product("E01", "Expert")
    for i in range(33):
        factories.registered(
            world.org,
            cust=customers[i % 3] if i % 4 else None,
            prod=expert if i % 2 else None,
            care_ends_on=TODAY + timedelta(i % 5),
            grant_to=[world.license_user] if i % 3 else [],
        )
    factories.registered(world.other_org, grant_to=[world.outsider_user])
    user = getattr(world, who)
    client = login(user)
    whole = codes_of(client, f"?ordering={ordering}&size=100")
    assert len(whole) == (33 if who == "license_admin" else 22)
    # in the order the ORM sorts the company's licenses in
    from licensedesk.licenses.queries import ordering_of

    in_order = list(
        License.objects.filter(organization=world.org)
        .order_by(*ordering_of(ordering))
        .values_list("code", flat=True)
    )
    assert whole == [code for code in in_order if code in set(whole)]
    pages = range(1, 2 + (len(whole) - 1) // 25)
    walked = [c for n in pages for c in codes_of(client, f"?ordering={ordering}&size=25&page={n}")]
    assert walked == whole
    by_api = [
        c
        for offset in (0, 10, 20, 30)
        for c in api_codes(api(user), f"?ordering={ordering}&limit=10&offset={offset}")
    ]
    assert by_api == whole
    row = client.get(f"/licenses/?ordering={ordering}&size=10&page=2").context["page"][0]
    assert row.product.name in ("Corporate", "Expert") and row.version.name == "2025 R1"


@pytest.mark.parametrize("who, query", [("license_user", ""), ("license_admin", "search=M01")])
def test_a_listing_counted_while_sorted_gives_the_same_pages_and_totals(
    login, api, world, who, query
):
    # A License User's listing and a search count their matches in the query that sorts
    # them: the totals, the pages and a page past the end must be what a count gives.
    for i in range(30):
        factories.registered(world.org, grant_to=[world.license_user] if i % 10 else [])
    factories.registered(world.other_org, grant_to=[world.outsider_user])
    user = getattr(world, who)
    expected = 27 if who == "license_user" else 30
    client = login(user)
    pages = [client.get(f"/licenses/?{query}&size=25&page={n}").context["page"] for n in (1, 2)]
    assert [p.paginator.count for p in pages] == [expected, expected]
    assert [len(p) for p in pages] == [25, expected - 25]
    beyond = client.get(f"/licenses/?{query}&size=25&page=99").context["page"]
    assert beyond.number == 2 and [x.code for x in beyond] == [x.code for x in pages[1]]
    body = api(user).get(f"/api/v1/licenses?{query}&limit=10&offset=20").json()
    assert body["count"] == expected
    assert [i["slc"] for i in body["items"]] == codes_of(client, f"?{query}&size=100")[20:30]
    empty = api(user).get(f"/api/v1/licenses?{query}&limit=10&offset=500").json()
    assert (empty["count"], empty["items"]) == (expected, [])
    assert codes_of(client, f"?{query}&customer=none&product=X99") == []


def test_a_long_listing_is_counted_only_as_far_as_needed(login, world, monkeypatch):
    # A License Admin's whole list is counted up to a cap (or up to the page asked for):
    # the page says "more than", and Next still leads to every license.
    from licensedesk.licenses.pages import LicensePaginator

    monkeypatch.setattr(LicensePaginator, "COUNT_CAP", 5)
    for _ in range(30):
        factories.registered(world.org)
    client = login(world.license_admin)
    first = client.get("/licenses/?size=25")
    assert "Page 1 · more than 25 in all" in first.content.decode()
    assert first.context["page"].has_next() and len(first.context["page"]) == 25
    second = client.get("/licenses/?size=25&page=2")
    assert "Page 2 of 2 · 30 in all" in second.content.decode()
    walked = [x.code for x in first.context["page"]] + [x.code for x in second.context["page"]]
    assert sorted(walked) == sorted(codes_of(client, "?size=100"))
    assert len(set(walked)) == 30
    # a search is counted whole, in the query that sorts it
    assert "30 in all" in client.get("/licenses/?size=25&search=M01").content.decode()


@pytest.mark.parametrize("search", ["Harbour", "lobby", "M01", "Expert", "nothing-like-it"])
def test_a_license_users_search_finds_what_an_admins_finds_among_their_grants(
    login, world, licenses, search
):
    for name in ("active", "expired", "none"):
        LicenseGrant.objects.create(license=licenses[name], user=world.license_user)
    factories.registered(world.other_org, description="Lobby", grant_to=[world.outsider_user])
    granted = {licenses[n].code for n in ("active", "expired", "none")}
    everything = codes_of(login(world.license_admin), f"?search={search}")
    mine = codes_of(login(world.license_user), f"?search={search}")
    assert mine == [code for code in everything if code in granted]


@pytest.mark.parametrize("search", ["nothing-like-it", "M01"])
@pytest.mark.parametrize("who", ["license_admin", "license_user"])
def test_a_search_is_counted_in_the_pass_that_finds_it(login, api, world, monkeypatch, who, search):
    # The matches come with their total, even when there are none: the licenses are never
    # counted again apart.
    from django.db.models import QuerySet

    mine = factories.registered(world.org, grant_to=[world.license_user])
    client = login(getattr(world, who))
    counted = []
    count = QuerySet.count

    def noting_count(self):
        counted.append(self.model)
        return count(self)

    monkeypatch.setattr(QuerySet, "count", noting_count)
    response = client.get(f"/licenses/?search={search}")
    monkeypatch.undo()
    assert License not in counted
    expected = [mine.code] if search == "M01" else []
    assert [lic.code for lic in response.context["page"]] == expected
    assert response.context["page"].paginator.count == len(expected)
    if not expected:
        assert "No licenses match." in response.content.decode()
        body = api(getattr(world, who)).get(f"/api/v1/licenses?search={search}").json()
        assert body == {"items": [], "count": 0, "count_capped": False}


@pytest.mark.parametrize(
    "query",
    [
        "search=Harbour",
        "search=M01&ordering=customer",
        "search=M01&ordering=-care_plus_end&care_status=active",
        "search=expert&ordering=product",
        "search=lobby&customer=none",
        "search=Harbour&ordering=-slc",
    ],
)
def test_an_admins_search_pages_list_what_the_query_finds(login, api, world, query):
    # A License Admin's search pages, counted in the pass that sorts them, must list exactly,
    # and in the order, what find_licenses finds; a license two fields match once.
    from django.http import QueryDict

    from licensedesk.licenses.queries import find_licenses

    harbour = factories.customer(world.org, "Harbour Hotel")
    expert = factories.product("E01", "Expert")
    for i in range(36):
        factories.registered(
            world.org,
            cust=harbour if i % 3 else None,
            description="Lobby of Harbour Hotel" if i % 2 else "",  # two columns match
            prod=expert if i % 4 == 0 else None,
            care_ends_on=TODAY + timedelta(days=100 + i % 3) if i % 5 else None,
        )
    factories.registered(world.other_org, description="Harbour Lobby")
    expected = [lic.code for lic in find_licenses(world.license_admin, QueryDict(query))]
    assert expected  # every case finds something
    client = login(world.license_admin)
    assert codes_of(client, f"?{query}&size=100") == expected
    assert len(set(expected)) == len(expected)
    pages = range(1, 2 + (len(expected) - 1) // 25)
    paged = [c for n in pages for c in codes_of(client, f"?{query}&size=25&page={n}")]
    assert paged == expected
    body = api(world.license_admin).get(f"/api/v1/licenses?{query}&limit=5&offset=2").json()
    assert body["count"] == len(expected)
    assert [i["slc"] for i in body["items"]] == expected[2:7]
