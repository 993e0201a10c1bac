"""Benchmark of the Dashboard on PostgreSQL (issue 17, item 1).

Run by hand against a database made by bench/seed_licenses.py, never by the test suite:

    psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE ld_bench_dash'
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/ld_bench_dash
    .venv/bin/licensedesk migrate && .venv/bin/python bench/seed_licenses.py
    .venv/bin/python bench/dashboard.py [--reps 100]

Setup (repeatable; it replaces what it added before): 10,000 installations of Northwind
(the company of 100,000 licenses), one on every tenth of its licenses, and 90,000 of the
other companies, each monitored (2 % Critical, 3 % Offline, 5 % Attention, 5 % Pending, the
rest Healthy) and activated once; a plain License Admin (licenseadmin@northwind.example)
and 30 users invited but not active.

Then, for the company administrator (also License Admin), the License Admin and the License
User (2,000 grants, 2,000 of the installations), it requests the Dashboard through Django's
test Client and reports the server time (around `client.get`) p50/p95, the number of
queries, and the p95 of the same SQL run directly with psycopg (the database's share).
"""

import argparse
import os
import sys
import time

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ld_bench_dash")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "licensedesk.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from inprocess import allow_test_client  # noqa: E402
from licenses_list import client_for, measure_raw, ms, pct, raw_connect  # noqa: E402

N_INSTALLATIONS = 10_000  # Northwind's
N_OTHERS = 90_000  # of the other companies, so that Northwind's are a tenth, as its licenses
ROLES = [
    ("company admin + License Admin", "admin@northwind.example"),
    ("License Admin", "licenseadmin@northwind.example"),
    ("License User (2,000 grants)", "user@northwind.example"),
]

# Installation k (1..10,000) sits on Northwind's license 100 * k (its licenses are the ids
# divisible by 10; the License User's those divisible by 500); the others on other
# companies' licenses. Activations are interleaved in time across companies.
SETUP = [
    "TRUNCATE activation_activation, monitoring_health, activation_installation CASCADE",
    "DELETE FROM accounts_user WHERE email LIKE 'invited%@northwind.example' "
    "OR email = 'licenseadmin@northwind.example'",
    f"""
    INSERT INTO activation_installation (uuid, hostname, product_version, devices_active,
        created_at, last_activation_at, license_id)
    SELECT md5('inst' || k)::uuid, 'vms-' || k || '.site.example', '25.1', 8,
           now() - interval '400 days',
           now() - make_interval(mins => (k * 7919) % {N_INSTALLATIONS + N_OTHERS}),
           CASE WHEN k <= {N_INSTALLATIONS} THEN 100 * k
                ELSE 10 * (k - {N_INSTALLATIONS}) - 5 END
    FROM generate_series(1, {N_INSTALLATIONS + N_OTHERS}) AS k
    """,
    """
    INSERT INTO monitoring_health (token_digest, token_prefix, enabled, state, severity,
        state_since, alerted_state, reasons, last_report_at, product_version, hostname,
        created_at, installation_id, organization_id, license_id, grace_expired_alerted,
        changes_used_up_alerted)
    SELECT NULL, '', true, s.state, s.severity, now() - interval '2 hours', s.state, '[]',
           now() - make_interval(secs => i.id % 600), '25.1', i.hostname,
           now() - interval '400 days', i.id, l.organization_id, l.id, 0, false
    FROM activation_installation i
    JOIN licenses_license l ON l.id = i.license_id
    CROSS JOIN LATERAL (SELECT CASE
        WHEN i.id % 100 < 2 THEN 'critical' WHEN i.id % 100 < 5 THEN 'offline'
        WHEN i.id % 100 < 10 THEN 'attention' WHEN i.id % 100 < 15 THEN 'pending'
        ELSE 'healthy' END AS state) AS st
    CROSS JOIN LATERAL (SELECT st.state, CASE st.state WHEN 'critical' THEN 0
        WHEN 'offline' THEN 1 WHEN 'attention' THEN 2 WHEN 'pending' THEN 4 ELSE 5 END
        AS severity) AS s
    """,
    """
    INSERT INTO activation_activation (request_id, request_digest, created_at, via,
        activated, kept, released, refused, devices, license_file, created_by_id,
        license_id, installation_id)
    SELECT md5('req' || i.id)::uuid, md5('req' || i.id) || md5('x'), i.last_activation_at,
           'web', 8, 0, 0, 0, '{}', '<license/>', NULL, i.license_id, i.id
    FROM activation_installation i
    ORDER BY i.last_activation_at  -- ids grow with time, as they do when made one by one
    """,
    """
    INSERT INTO accounts_user (password, is_superuser, first_name, last_name, is_staff,
        is_active, date_joined, email, role, is_company_admin, phone, job_title,
        organization_id)
    SELECT '!', false, 'Invited', k::text, false, true, now(),
           'invited' || k || '@northwind.example', 'license_user', false, '', '', 1
    FROM generate_series(1, 30) AS k
    UNION ALL
    SELECT '!', false, 'Lena', 'Admin', false, true, now(),
           'licenseadmin@northwind.example', 'license_admin', false, '', '', 1
    """,
    "VACUUM (ANALYZE) activation_installation, monitoring_health, activation_activation, "
    "accounts_user",
]


def setup():
    t = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in SETUP:
            cursor.execute(sql)
    took = time.perf_counter() - t
    print(f"setup: {N_INSTALLATIONS:,} + {N_OTHERS:,} installations in {took:.1f} s")


def measure(client, reps):
    for _ in range(3):  # warm up: caches, the once-a-minute session write
        assert client.get("/").status_code == 200
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        response = client.get("/")
        times.append(time.perf_counter() - t)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        client.get("/")
    return times, [q["sql"] for q in ctx.captured_queries]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=100)
    parser.add_argument("--skip-setup", action="store_true")
    parser.add_argument("--show-sql", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("DATABASE_URL must point at the PostgreSQL database of bench/seed_licenses.py")
    allow_test_client()
    if not args.skip_setup:
        setup()
    with connection.cursor() as c:
        c.execute("SELECT version()")
        pg_version = c.fetchone()[0].split(" on ")[0]
    print(
        f"# Dashboard benchmark: {pg_version}, {os.cpu_count()} CPUs, {args.reps} requests "
        f"per role, load average {os.getloadavg()[0]:.1f}\n"
    )
    print("| Role | Server p50 | Server p95 | Queries | Raw SQL p50 | Raw SQL p95 |")
    print("|---|--:|--:|--:|--:|--:|")
    raw = raw_connect()
    for label, email in ROLES:
        times, sqls = measure(client_for(email), args.reps)
        raw_times = measure_raw(raw, sqls, args.reps)
        flag = "" if ms(pct(times, 95)) <= 50 else " ✗"
        print(
            f"| {label} | {ms(pct(times, 50)):.1f} ms | **{ms(pct(times, 95)):.1f} ms**{flag} "
            f"| {len(sqls)} | {ms(pct(raw_times, 50)):.1f} ms | {ms(pct(raw_times, 95)):.1f} ms |",
            flush=True,
        )
        if args.show_sql:
            for sql in sqls:
                print(f"    {sql}", file=sys.stderr)
    raw.close()
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
