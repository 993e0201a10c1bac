"""Benchmark of license groups on PostgreSQL (issue 4).

Run by hand, never by the test suite (pytest only collects `licensedesk/`):

    psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE ld_bench_groups'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ld_bench_groups .venv/bin/licensedesk migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ld_bench_groups \\
        .venv/bin/python bench/groups.py [--reps 20] [--reseed]

The first run seeds one company ("Bench Groups") with 100,000 registered licenses in one
set-based INSERT … SELECT FROM generate_series (a few seconds), 2,000 customers, a License
Admin and a License User granted 5,000 of the licenses; later runs reuse them (--reseed
starts over). Then it measures the server time (around the test Client's call: middleware,
session, view, queries, template or JSON) as the License Admin, logged in with force_login:

* creating a group of 10,000 licenses with POST /api/v1/license-groups (a list of SLCs);
* the same through the UI form (POST /groups/new/, the picker's one `add` field);
* opening the page of that 10,000-license group (as the admin and as the License User);
* the picker's search, GET /api/v1/licenses?search=<fragment>&limit=20, for an SLC
  fragment, a customer-name fragment, a description word and a product name.

Each is repeated (created groups are deleted between repetitions, untimed) and reported as
p50/p95 with the number of SQL queries and the time spent in them, against the targets:
create ≤ 200 ms, group page ≤ 200 ms, picker search p95 ≤ 50 ms.
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ld_bench_groups")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "licensedesk.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from inprocess import allow_test_client  # noqa: E402

from licensedesk.accounts.models import Organization, Role, User  # noqa: E402
from licensedesk.groups.models import LicenseGroup, Membership  # noqa: E402
from licensedesk.licenses.models import License  # noqa: E402

N_LICENSES = 100_000
GROUP_SIZE = 10_000
N_CUSTOMERS = 2_000
USER_GRANTS = 5_000
ORG_SLUG = "bench-groups"
ADMIN_EMAIL = "admin@bench-groups.example"
USER_EMAIL = "user@bench-groups.example"
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # licensedesk.licenses.codes.ALPHABET
TARGETS = {"create": 200, "page": 200, "search": 50}  # ms; search is judged on p95


def r(k: int) -> str:
    """A deterministic pseudo-random non-negative int of row i, stream k (SQL)."""
    return f"((hashint8extended(i::bigint, {k}) & 2147483647)::int)"


def seed(reseed: bool) -> Organization:
    from licensedesk.catalog.models import Product, ProductVersion

    org = Organization.objects.filter(slug=ORG_SLUG).first()
    if org and not reseed and License.objects.filter(organization=org).count() == N_LICENSES:
        return org
    started = time.perf_counter()
    org = org or Organization.objects.create(name="Bench Groups", slug=ORG_SLUG, country="DK")
    with connection.cursor() as cur:  # plain SQL: no cascade through apps in the making
        for sql in (
            f"DELETE FROM {Membership._meta.db_table} WHERE group_id IN (SELECT id "  # noqa: S608
            f"FROM {LicenseGroup._meta.db_table} WHERE organization_id = %s)",
            f"DELETE FROM {LicenseGroup._meta.db_table} WHERE organization_id = %s",  # noqa: S608
            "DELETE FROM licenses_licensegrant WHERE license_id IN "
            "(SELECT id FROM licenses_license WHERE organization_id = %s)",
            "DELETE FROM licenses_license WHERE organization_id = %s",
            "DELETE FROM customers_customer WHERE organization_id = %s",
        ):
            cur.execute(sql, [org.pk])
    User.objects.get_or_create(
        email=ADMIN_EMAIL, defaults={"organization": org, "role": Role.LICENSE_ADMIN}
    )
    user = User.objects.get_or_create(
        email=USER_EMAIL, defaults={"organization": org, "role": Role.LICENSE_USER}
    )[0]
    editions = [("C01", "Corporate"), ("E01", "Expert"), ("P01", "Professional+")]
    versions = []
    for code, name in editions:
        product = Product.objects.get_or_create(code=code, defaults={"name": name})[0]
        versions.append(
            ProductVersion.objects.get_or_create(
                product=product, code="251", defaults={"name": "2025 R1"}
            )[0]
        )
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO customers_customer (organization_id, name, created_at) "
            "SELECT %s, 'Customer ' || i || ' ' || (ARRAY['Harbour','Summit','Oakfield',"
            "'Granite','Nordic'])[1 + i %% 5], now() FROM generate_series(1, %s) i",
            [org.pk, N_CUSTOMERS],
        )
        cur.execute("SELECT min(id) FROM customers_customer WHERE organization_id = %s", [org.pk])
        first_customer = cur.fetchone()[0]
        # Random part: 6 symbols of the SLC alphabet; the sequence keeps codes unique.
        random_part = " || ".join(
            f"substr('{ALPHABET}', 1 + ({r(k)} %% 32), 1)" for k in range(1, 7)
        )
        version_ids = "ARRAY[" + ",".join(str(v.pk) for v in versions) + "]"
        product_ids = "ARRAY[" + ",".join(str(v.product_id) for v in versions) + "]"
        product_codes = "ARRAY[" + ",".join(f"'{c}'" for c, _ in editions) + "]"
        cur.execute(
            f"""
            INSERT INTO licenses_license (
                code, product_id, version_id, sequence, device_licenses, devices_used,
                care_plus_ends_on, issued_at, organization_id, customer_id,
                description, registered_by_id, registered_at)
            SELECT
                'M01-' || ({product_codes})[1 + i %% 3] || '-251-' || lpad(i::text, 6, '0')
                    || '-' || {random_part},
                ({product_ids})[1 + i %% 3], ({version_ids})[1 + i %% 3], i,
                10 + {r(7)} %% 90, {r(8)} %% 10,
                current_date + ({r(9)} %% 1000 - 300), now(), %s,
                CASE WHEN i %% 20 = 0 THEN NULL ELSE %s + {r(10)} %% %s END,
                CASE WHEN i %% 10 < 7 THEN 'Site ' || i || ' cameras, floor ' || (i %% 12)
                     ELSE '' END,
                NULL, now() - (i || ' minutes')::interval
            FROM generate_series(1, %s) i
            """,  # noqa: S608 (built from constants, never from input)
            [org.pk, first_customer, N_CUSTOMERS, N_LICENSES],
        )
        cur.execute(
            "INSERT INTO licenses_licensegrant (license_id, user_id, created_at) "
            "SELECT id, %s, now() FROM licenses_license WHERE organization_id = %s "
            "ORDER BY id LIMIT %s",
            [user.pk, org.pk, USER_GRANTS],
        )
    refresh_search_documents(org)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(f"seeded {N_LICENSES:,} licenses in {time.perf_counter() - started:.1f} s")
    return org


def refresh_search_documents(org):
    """Each license's search document, as the application keeps it (if this code has them)."""
    try:
        from licensedesk.licenses import search
    except ImportError:  # code from before search documents
        return
    search.refresh(License.objects.filter(organization=org))


def measure(call, reps, before=None, after=None):
    """(server times in ms, queries per call, SQL ms per call) of `call` over `reps`."""
    times, sql = [], []
    queries = 0
    for _ in range(reps):
        if before:
            before()
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = call()
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code < 400, (response.status_code, response.content[:300])
        queries = len(ctx.captured_queries)
        sql.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
        if after:
            after(response)
    return times, queries, statistics.median(sql)


def pct(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def report(rows):
    print(
        f"\n{'scenario':<44} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} "
        f"{'SQL ms':>8}  target   verdict"
    )
    for label, kind, (times, queries, sql_ms) in rows:
        p50, p95 = pct(times, 50), pct(times, 95)
        judged = p95 if kind == "search" else p50
        target = TARGETS[kind]
        verdict = "met" if judged <= target else "MISSED"
        print(
            f"{label:<44} {p50:8.1f} {p95:8.1f} {queries:8d} {sql_ms:8.1f}  "
            f"{'p95' if kind == 'search' else 'p50'}≤{target:<4} {verdict}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()
    allow_test_client()
    org = seed(args.reseed)
    LicenseGroup.objects.filter(organization=org).delete()
    admin = User.objects.get(email=ADMIN_EMAIL)
    user = User.objects.get(email=USER_EMAIL)
    as_admin, as_user = Client(), Client()
    as_admin.force_login(admin)
    as_user.force_login(user)
    # 10,000 licenses spread over the company, half of them granted to the License User.
    ids = list(
        License.objects.filter(organization=org).order_by("id").values_list("code", flat=True)
    )
    codes = ids[USER_GRANTS // 2 : USER_GRANTS // 2 + GROUP_SIZE]
    reps = args.reps
    rows = []

    def delete_groups(_response=None):
        LicenseGroup.objects.filter(organization=org).delete()
        # This machine's PostgreSQL runs without autovacuum: the next create would insert
        # beside every deleted membership so far (860,000 after a run: +40 ms a create).
        # Production vacuums a table soon after 10,000 deletes; so does the benchmark.
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {Membership._meta.db_table}")

    counter = iter(range(10**6))
    api_body = lambda: {"name": f"API group {next(counter)}", "licenses": codes}  # noqa: E731
    rows.append(
        (
            "create 10k group: POST /api/v1/license-groups",
            "create",
            measure(
                lambda: as_admin.post(
                    "/api/v1/license-groups", api_body(), content_type="application/json"
                ),
                reps,
                after=delete_groups,
            ),
        )
    )
    joined = " ".join(codes)
    rows.append(
        (
            "create 10k group: POST /groups/new/ (form)",
            "create",
            measure(
                lambda: as_admin.post(
                    "/groups/new/", {"name": f"Form group {next(counter)}", "add": joined}
                ),
                reps,
                after=delete_groups,
            ),
        )
    )
    as_admin.post("/api/v1/license-groups", api_body(), content_type="application/json")
    grp = LicenseGroup.objects.get(organization=org)
    rows.append(
        (
            "group page (10k), License Admin",
            "page",
            measure(lambda: as_admin.get(f"/groups/{grp.pk}/"), reps * 2),
        )
    )
    rows.append(
        (
            "group page (10k), License User (5k granted)",
            "page",
            measure(lambda: as_user.get(f"/groups/{grp.pk}/"), reps * 2),
        )
    )
    rows.append(
        (
            "groups list, License User",
            "page",
            measure(lambda: as_user.get("/groups/"), reps * 2),
        )
    )
    slc_fragment = codes[1234][-6:-1].lower()
    for label, fragment in (
        (f"picker search SLC '{slc_fragment}'", slc_fragment),
        ("picker search customer 'customer 17'", "customer 17"),
        ("picker search description 'floor 7'", "floor 7"),
        ("picker search product 'expert'", "expert"),
        ("picker search no match 'zzzz'", "zzzz"),
    ):
        for who, client in (("admin", as_admin), ("user", as_user)):
            rows.append(
                (
                    f"{label}, {who}",
                    "search",
                    measure(
                        lambda c=client, f=fragment: c.get(
                            "/api/v1/licenses", {"search": f, "limit": 20}
                        ),
                        reps * 2,
                    ),
                )
            )
    delete_groups()
    report(rows)


if __name__ == "__main__":
    main()
