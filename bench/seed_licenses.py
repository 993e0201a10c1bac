"""Seed a dedicated PostgreSQL database for the Licenses page benchmark (issue 3).

Run by hand, never by the test suite:

    psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE ld_bench'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ld_bench .venv/bin/licensedesk migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ld_bench .venv/bin/python bench/seed_licenses.py

Everything is set-based SQL (INSERT … SELECT … FROM generate_series), so the million
licenses take a minute or two, not the ORM's hours. The script empties the seeded tables
first, so it can be run again. What it makes:

* 6 VMS editions with 9 versions each, 4 add-ons;
* 2,000 partner companies; company 1 ("Northwind Security") is the big one;
* users: admin@northwind.example (License Admin, company admin),
  user@northwind.example (License User with 2,000 grants), 20 more License Users of
  Northwind with 2,000 grants each, and one License Admin per other company;
* 5,000 customers of Northwind, 5 of every other company;
* 20 license groups of Northwind ("Region Aarhus" … "Region Toronto"), 4,000 licenses each
  (every license of Northwind but a fifth is in one of them);
* 1,000,000 registered licenses, 100,000 of them Northwind's (every tenth id, so they are
  spread over the table as they would be in real life), codes in the real SLC format
  (M01-C01-251-0042-7K3QF9), Care Plus and Care Premium ends each spread over
  "none / expired / ending / active" (Premium on half of the licenses),
  descriptions on 70% of them, customer "Unspecified" on 5% (Northwind) or 10% (others);
* each license's search document (`licenses.search`), filled here in SQL: the seed's text
  is plain ASCII, which `lower()` folds as the application's Python does.
"""

import os
import sys
import time

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ld_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "licensedesk.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

N_COMPANIES = 2_000
N_LICENSES = 1_000_000
BIG_CUSTOMERS = 5_000
OTHER_CUSTOMERS = 5
GRANTS_PER_USER = 2_000
EXTRA_LICENSE_USERS = 20
N_GROUPS = 20
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # licensedesk.licenses.codes.ALPHABET

# r(k): a deterministic pseudo-random non-negative int for row i, stream k.
R = "((hashint8extended(i::bigint, {k}) & 2147483647)::int)"


def r(k: int) -> str:
    return R.format(k=k)


EDITIONS = [
    ("C01", "Corporate"),
    ("E01", "Expert"),
    ("P01", "Professional+"),
    ("X01", "Express+"),
    ("H01", "Husky NVR"),
    ("G01", "Essential+"),
]
ADDONS = [("L01", "LPR"), ("A01", "Access"), ("T01", "Transact"), ("I01", "Interconnect")]
VERSIONS = [
    ("231", "2023 R1"),
    ("232", "2023 R2"),
    ("233", "2023 R3"),
    ("241", "2024 R1"),
    ("242", "2024 R2"),
    ("243", "2024 R3"),
    ("251", "2025 R1"),
    ("252", "2025 R2"),
    ("253", "2025 R3"),
]

CUSTOMER_PREFIXES = [
    "Bluewater", "Northgate", "Silverline", "Redwood", "Harbor", "Summit", "Oakfield",
    "Riverside", "Granite", "Lakeside", "Westbrook", "Eastwood", "Kingsway", "Brightstone",
    "Meadow", "Ironbridge", "Clearview", "Highland", "Stonehill", "Pinecrest", "Sunrise",
    "Maplewood", "Crescent", "Fairview", "Goldcoast", "Hillcrest", "Larkspur", "Mariner",
    "Nordic", "Oceanic", "Pioneer", "Queensbury", "Rosewood", "Seaview", "Thornbury",
    "Unity", "Valley", "Windmill", "Yellowstone", "Zenith",
]  # fmt: skip
CUSTOMER_SECTORS = [
    "Hospital", "Logistics", "Retail", "Airport", "University", "Casino", "Harbour",
    "Municipality", "Bank", "Stadium", "Hotel", "School", "Prison", "Railway", "Mall",
    "Factory", "Police", "Museum", "Clinic", "Warehouse", "Parking", "Energy", "Water",
    "Campus", "Transit",
]  # fmt: skip
CITIES = [
    "Aarhus", "Berlin", "Chicago", "Dublin", "Espoo", "Frankfurt", "Gothenburg", "Hamburg",
    "Izmir", "Jakarta", "Krakow", "Lyon", "Madrid", "Nantes", "Oslo", "Porto", "Quebec",
    "Rotterdam", "Seville", "Toronto",
]  # fmt: skip
PLACES = [
    "Main entrance", "Warehouse", "Server room", "Parking lot", "Head office", "Loading dock",
    "Reception", "Store", "Production hall", "Perimeter", "Lobby", "Gate", "Yard", "Depot",
]  # fmt: skip
THINGS = ["NVR", "recording server", "cameras", "failover server", "archive", "mobile server"]
COUNTRIES = ["Denmark", "Germany", "United States", "Ireland", "Finland", "France", "Spain"]


def sql_array(values) -> str:
    return "ARRAY[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def pick(values, k: int) -> str:
    """SQL for a pseudo-random element of `values` (random stream k)."""
    return f"({sql_array(values)})[1 + {r(k)} % {len(values)}]"


TABLES = [
    "license_groups_membership",
    "license_groups_licensegroup",
    "licenses_licensegrant",
    "licenses_license_addons",
    "care_careperiod",
    "licenses_license",
    "customers_customer",
    "django_session",
    "accounts_personalaccesstoken",
    "audit_auditevent",
    "accounts_user",
    "accounts_organization",
    "catalog_productversion",
    "catalog_product",
]


def steps(with_search_documents=True):
    yield "empty the tables", [f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"]

    products = [(code, name, "edition") for code, name in EDITIONS]
    products += [(code, name, "addon") for code, name in ADDONS]
    yield (
        "products and versions",
        [
            "INSERT INTO catalog_product (id, code, name, kind) VALUES "
            + ", ".join(f"({i}, '{c}', '{n}', '{k}')" for i, (c, n, k) in enumerate(products, 1)),
            # version id = (product id - 1) * 9 + version index
            "INSERT INTO catalog_productversion (id, product_id, code, name) VALUES "
            + ", ".join(
                f"({(p - 1) * len(VERSIONS) + v}, {p}, '{code}', '{name}')"
                for p in range(1, len(EDITIONS) + 1)
                for v, (code, name) in enumerate(VERSIONS, 1)
            ),
        ],
    )

    yield (
        "companies",
        [
            f"""
            INSERT INTO accounts_organization (id, name, slug, country, is_active, created_at,
                require_2fa_for_admins)
            SELECT i,
                   CASE WHEN i = 1 THEN 'Northwind Security'
                        ELSE 'Partner ' || i || ' ' || {pick(CITIES, 1)} END,
                   CASE WHEN i = 1 THEN 'northwind-security' ELSE 'partner-' || i END,
                   {pick(COUNTRIES, 2)}, true, now() - interval '6 years', false
            FROM generate_series(1, {N_COMPANIES}) AS i
            """
        ],
    )

    # Users: 1 = Northwind License Admin, 2 = Northwind License User (the one measured),
    # 3..22 = more Northwind License Users, then one License Admin per other company.
    first_admin = 3 + EXTRA_LICENSE_USERS
    user_cols = (
        "id, password, is_superuser, first_name, last_name, is_staff, is_active, date_joined, "
        "email, role, is_company_admin, phone, job_title, organization_id"
    )
    yield (
        "users",
        [
            f"""
            INSERT INTO accounts_user ({user_cols}) VALUES
              (1, '!', false, 'Ada', 'Admin', false, true, now(), 'admin@northwind.example',
               'license_admin', true, '', '', 1),
              (2, '!', false, 'Ulla', 'User', false, true, now(), 'user@northwind.example',
               'license_user', false, '', '', 1)
            """,
            f"""
            INSERT INTO accounts_user ({user_cols})
            SELECT i, '!', false, 'User', i::text, false, true, now(),
                   'user' || i || '@northwind.example', 'license_user', false, '', '', 1
            FROM generate_series(3, {first_admin - 1}) AS i
            """,
            f"""
            INSERT INTO accounts_user ({user_cols})
            SELECT {first_admin} + o - 2, '!', false, 'Admin', o::text, false, true, now(),
                   'admin@partner-' || o || '.example', 'license_admin', true, '', '', o
            FROM generate_series(2, {N_COMPANIES}) AS o
            """,
        ],
    )

    # Customers: Northwind's ids 1..5000 are distinct "prefix sector city" triples; company o
    # (2..2000) has ids 5000 + (o-2)*5 + 1..5.
    np_, ns = len(CUSTOMER_PREFIXES), len(CUSTOMER_SECTORS)
    yield (
        "customers",
        [
            f"""
            INSERT INTO customers_customer (id, organization_id, name, created_by_id, created_at)
            SELECT i, 1,
                   ({sql_array(CUSTOMER_PREFIXES)})[1 + i % {np_}] || ' '
                   || ({sql_array(CUSTOMER_SECTORS)})[1 + (i / {np_}) % {ns}] || ' '
                   || ({sql_array(CITIES)})[1 + (i / {np_ * ns}) % {len(CITIES)}],
                   1, now() - interval '3 years'
            FROM generate_series(1, {BIG_CUSTOMERS}) AS i
            """,
            f"""
            INSERT INTO customers_customer (id, organization_id, name, created_by_id, created_at)
            SELECT {BIG_CUSTOMERS} + (o - 2) * {OTHER_CUSTOMERS} + c, o,
                   ({sql_array(CUSTOMER_PREFIXES)})[1 + (o + c) % {np_}] || ' '
                   || ({sql_array(CUSTOMER_SECTORS)})[1 + c % {ns}] || ' ' || c,
                   {first_admin} + o - 2, now() - interval '3 years'
            FROM generate_series(2, {N_COMPANIES}) AS o,
                 generate_series(1, {OTHER_CUSTOMERS}) AS c
            """,
        ],
    )

    n_ed, n_ver = len(EDITIONS), len(VERSIONS)
    random6 = " || ".join(f"substr('{ALPHABET}', 1 + {r(20 + k)} % 32, 1)" for k in range(6))
    yield (
        "1,000,000 licenses",
        [
            # Without the secondary indexes (re-created below) and FK triggers (data is
            # consistent by construction), the insert is several times faster.
            "SET session_replication_role = replica",
            f"""
            CREATE TEMP TABLE seed_license ON COMMIT DROP AS
            SELECT i,
                   CASE WHEN i % 10 = 0 THEN 1 ELSE 2 + {r(1)} % {N_COMPANIES - 1} END AS org,
                   1 + {r(2)} % {n_ed} AS product_id,
                   1 + {r(3)} % {n_ver} AS v,
                   {r(4)} AS r4, {r(5)} AS r5, {r(6)} AS r6, {r(7)} AS r7, {r(8)} AS r8,
                   {random6} AS random6
            FROM generate_series(1, {N_LICENSES}) AS i
            """,
            f"""
            INSERT INTO licenses_license (
                id, code, product_id, version_id, sequence, device_licenses, devices_used,
                expires_on, care_plus_ends_on, care_premium_ends_on, sold_to_id, issued_at,
                organization_id,
                customer_id, description, registered_by_id, registered_at)
            SELECT s.i,
                   'M01-' || p.code || '-' || pv.code || '-'
                   || CASE WHEN s.seq < 10 THEN '0' ELSE '' END || s.seq || '-' || s.random6,
                   s.product_id, pv.id, s.seq,
                   8 + s.r4 % 249,
                   (s.r4 / 249) % (9 + s.r4 % 249),
                   CASE WHEN s.r5 % 5 = 0 THEN current_date + (s.r5 % 1500 - 300) END,
                   CASE WHEN s.r6 % 100 < 10 THEN NULL                -- no Care Plus
                        WHEN s.r6 % 100 < 40 THEN current_date - 1 - s.r7 % 1000  -- expired
                        WHEN s.r6 % 100 < 48 THEN current_date + s.r7 % 91      -- ending
                        ELSE current_date + 91 + s.r7 % 1000 END,               -- active
                   CASE WHEN s.r8 % 100 < 50 THEN NULL             -- no Care Premium
                        WHEN s.r8 % 100 < 65 THEN current_date - 1 - s.r5 % 1000  -- expired
                        WHEN s.r8 % 100 < 72 THEN current_date + s.r5 % 91      -- ending
                        ELSE current_date + 91 + s.r5 % 1000 END,               -- active
                   s.org,
                   now() - make_interval(secs => s.r8 % (5 * 365 * 86400)) - interval '30 days',
                   s.org,
                   CASE WHEN s.org = 1 THEN
                            CASE WHEN s.r5 % 20 = 0 THEN NULL ELSE 1 + s.r7 % {BIG_CUSTOMERS} END
                        ELSE CASE WHEN s.r5 % 10 = 0 THEN NULL
                             ELSE {BIG_CUSTOMERS} + (s.org - 2) * {OTHER_CUSTOMERS}
                                  + 1 + s.r7 % {OTHER_CUSTOMERS} END END,
                   CASE WHEN s.r4 % 10 < 3 THEN ''
                        ELSE ({sql_array(PLACES)})[1 + s.r5 % {len(PLACES)}] || ' '
                             || ({sql_array(THINGS)})[1 + s.r6 % {len(THINGS)}] || ' '
                             || (1 + s.r8 % 40)
                             || CASE WHEN s.r8 % 4 = 0
                                     THEN ', PO 45' || lpad((s.r7 % 100000000)::text, 8, '0')
                                     ELSE '' END END,
                   CASE WHEN s.org = 1 THEN 1 ELSE {first_admin} + s.org - 2 END,
                   now() - make_interval(secs => s.r8 % (5 * 365 * 86400))
            FROM (SELECT seed_license.*,
                         row_number() OVER (PARTITION BY product_id, v ORDER BY i) AS seq
                  FROM seed_license) AS s
            JOIN catalog_product p ON p.id = s.product_id
            JOIN catalog_productversion pv ON pv.id = (s.product_id - 1) * {n_ver} + s.v
            """,
        ],
    )

    # Grants: Northwind licenses are ids i with i % 10 = 0; user 2 gets i % 500 = 0 (2,000),
    # users 3..22 get i % 500 = 10, 20, …
    yield (
        "grants",
        [
            f"""
            INSERT INTO licenses_licensegrant (license_id, user_id, granted_by_id, created_at)
            SELECT l.id, u, 1, now()
            FROM generate_series(2, {first_admin - 1}) AS u
            JOIN licenses_license l ON l.id % 500 = (u - 2) * 10
            WHERE l.organization_id = 1
            """
        ],
    )
    assert GRANTS_PER_USER == (N_LICENSES // 10) // 50

    # Groups: Northwind's license i is in group 1 + (i / 10) % 25 if that is 20 or less.
    yield (
        "groups",
        [
            f"""
            INSERT INTO license_groups_licensegroup (id, organization_id, name, description,
                created_by_id, created_at, updated_at)
            SELECT g, 1, 'Region ' || ({sql_array(CITIES)})[g], '', 1, now(), now()
            FROM generate_series(1, {N_GROUPS}) AS g
            """,
            f"""
            INSERT INTO license_groups_membership (group_id, license_id, added_at)
            SELECT 1 + (l.id / 10) % 25, l.id, now() FROM licenses_license l
            WHERE l.organization_id = 1 AND 1 + (l.id / 10) % 25 <= {N_GROUPS}
            """,
        ],
    )

    yield (
        "identity sequences",
        [
            f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT max(id) FROM {t}))"
            for t in [
                "catalog_product",
                "catalog_productversion",
                "accounts_organization",
                "accounts_user",
                "customers_customer",
                "licenses_license",
                "license_groups_licensegroup",
            ]
        ],
    )

    if with_search_documents:  # not in a database migrated by code from before them
        yield "search documents", [SEARCH_DOCUMENTS]


# What `licenses.search.document` makes of each license, for ASCII text: SLC, product and
# version as the list shows them, customer, description.
SEARCH_DOCUMENTS = """
    UPDATE licenses_license l SET search_document = lower(concat_ws(' ',
        l.code, p.name, v.name,
        (SELECT c.name FROM customers_customer c WHERE c.id = l.customer_id),
        NULLIF(l.description, '')))
    FROM catalog_product p, catalog_productversion v
    WHERE p.id = l.product_id AND v.id = l.version_id
"""


def secondary_indexes(cursor, table):
    """(name, definition) of the indexes of `table` that back no constraint."""
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.tablename = %s AND NOT EXISTS (
            SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
        """,
        [table],
    )
    return cursor.fetchall()


def main():
    if connection.vendor != "postgresql":
        sys.exit("DATABASE_URL must point at a PostgreSQL database")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("SET work_mem = '256MB'")
        indexes = secondary_indexes(cursor, "licenses_license")
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        try:
            cursor.execute(
                "SELECT 1 FROM information_schema.columns WHERE table_name = 'licenses_license' "
                "AND column_name = 'search_document'"
            )
            for title, statements in steps(cursor.fetchone() is not None):
                t = time.perf_counter()
                with connection.cursor() as c:
                    c.execute("BEGIN")
                    try:
                        for sql in statements:
                            c.execute(sql)
                    except Exception:
                        c.execute("ROLLBACK")
                        raise
                    c.execute("COMMIT")
                print(f"{title:<22} {time.perf_counter() - t:6.1f} s", flush=True)
        finally:
            # Put the indexes back even if a step failed.
            cursor.execute("SET session_replication_role = DEFAULT")
            t = time.perf_counter()
            for _, definition in indexes:
                cursor.execute(definition)
            print(f"{'license indexes':<22} {time.perf_counter() - t:6.1f} s", flush=True)
        t = time.perf_counter()
        cursor.execute("VACUUM (ANALYZE)")
        print(f"{'vacuum analyze':<22} {time.perf_counter() - t:6.1f} s", flush=True)
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE organization_id = 1) FROM licenses_license"
        )
        total, big = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM licenses_licensegrant WHERE user_id = 2")
        (grants,) = cursor.fetchone()
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        (size,) = cursor.fetchone()
    print(
        f"done in {time.perf_counter() - started:.0f} s: {total:,} licenses, {big:,} at "
        f"Northwind, {grants:,} granted to user@northwind.example; database {size}"
    )


if __name__ == "__main__":
    main()
