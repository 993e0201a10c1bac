"""Benchmark of the Licenses page and its CSV export on PostgreSQL (issue 3).

Run by hand against the database made by bench/seed_licenses.py, never by the test suite:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ld_bench \\
        .venv/bin/python bench/licenses_list.py [--reps 50]

For the License Admin and the License User of the big company, and for each scenario (first
page, customer-name fragment, SLC fragment, Care-status filter, and searches of several words
that match across fields: a product as displayed, customer and description words, a group and
a product, a word that matches nothing) as the page opens (50 rows) and at page sizes 25 and
100, it
requests the page through Django's test Client and measures the server time (the time
around `client.get`: middleware, session, views, queries, template), its p50/p95, and the
number of queries. Then it runs the very SQL Django sent for that request with psycopg
directly (same queries, same parameters, same order) so the overhead over the database
shows. Last, in a fresh process, the CSV export of the 100,000 licenses: total time,
growth of the peak RSS and the tracemalloc peak, against a 10x smaller export, to show the
memory does not grow with the number of rows.

"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ld_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "licensedesk.settings")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from inprocess import allow_test_client, templates_recorded  # noqa: E402

from licensedesk.accounts.models import User  # noqa: E402

ADMIN_EMAIL = "admin@northwind.example"
USER_EMAIL = "user@northwind.example"
SIZES = (None, 25, 100)  # None: the page as it opens (no size parameter: 50 rows)


def scenarios():
    """(label, GET parameters). The SLC fragment is 5 characters of the random part of a
    license both users may see; the customer fragment matches 125 of the 5,000 customers."""
    from licensedesk.licenses.models import License

    code = License.objects.filter(organization_id=1, grants__user__email=USER_EMAIL).values_list(
        "code", flat=True
    )[0]
    return [
        ("first page", {}),
        ("customer 'bluewat'", {"search": "bluewat"}),
        (f"SLC '{code[-6:-1].lower()}'", {"search": code[-6:-1].lower()}),
        ("Care: ends within 90 days", {"care_status": "ending"}),
        # Care tiers (issue 18): either tier's filter narrowed to one; sorted by a tier's end.
        ("Care Plus ends within 90 days", {"care_status": "ending", "care_tier": "plus"}),
        ("Care Premium expired", {"care_status": "expired", "care_tier": "premium"}),
        ("by Care Plus end", {"ordering": "care_plus_end"}),
        ("by Care Premium end, last first", {"ordering": "-care_premium_end"}),
        # Several words, each matching somewhere (issue 17): product and version as the list
        # shows them; customer and description; group, product and customer; no match.
        ("'Corporate 2025 R2'", {"search": "Corporate 2025 R2"}),
        ("'bluewater hospital cameras'", {"search": "bluewater hospital cameras"}),
        ("'region oslo expert lobby'", {"search": "region oslo expert lobby"}),
        ("'corporate zzzz'", {"search": "corporate zzzz"}),
    ]


PG_SETTINGS: list[str] = []


def apply_pg_settings(pairs):
    """SET name = value on Django's connection (now and on reconnect) and the raw one."""
    from django.db.backends.signals import connection_created

    for pair in pairs:
        name, _, value = pair.partition("=")
        PG_SETTINGS.append(f"SET {name.strip()} = '{value.strip()}'")

    def on_connect(sender, connection, **kwargs):
        with connection.cursor() as c:
            for sql in PG_SETTINGS:
                c.execute(sql)

    connection_created.connect(on_connect, weak=False)
    if connection.connection is not None:
        on_connect(None, connection)


def raw_connect():
    raw = psycopg.connect(dsn(), autocommit=True)
    for sql in PG_SETTINGS:
        raw.execute(sql)
    return raw


def pct(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def ms(seconds):
    return seconds * 1000


def dsn():
    db = settings.DATABASES["default"]
    return psycopg.conninfo.make_conninfo(
        dbname=db["NAME"],
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
    )


def client_for(email):
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def measure_page(client, params, reps):
    url = reverse("licenses:list")
    for _ in range(2):  # warm up: caches, the once-a-minute session write
        response = client.get(url, params)
        assert response.status_code == 200, response.status_code
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        response = client.get(url, params)
        times.append(time.perf_counter() - t)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as ctx, templates_recorded():
        response = client.get(url, params)
    page = response.context["page"]
    more_than = getattr(page.paginator, "more_than", None)
    count = f"more than {more_than:,}" if more_than else f"{page.paginator.count:,}"
    return times, [q["sql"] for q in ctx.captured_queries], count, len(page)


def measure_raw(raw, sqls, reps):
    """The same statements with psycopg, no ORM, no template: the database's share."""
    for _ in range(2):
        for sql in sqls:
            raw.execute(sql).fetchall()
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        for sql in sqls:
            raw.execute(sql).fetchall()
        times.append(time.perf_counter() - t)
    return times


def is_license_query(sql):
    return '"licenses_license"' in sql.split(" FROM ", 1)[-1][:40]


def run_pages(reps, show_sql, only=""):
    rows = []
    raw = raw_connect()
    for label, params in scenarios():
        if only not in label:
            continue
        for who, email in (("License Admin", ADMIN_EMAIL), ("License User", USER_EMAIL)):
            client = client_for(email)
            for size in SIZES:
                p = {**params, "size": str(size)} if size else dict(params)
                times, sqls, count, shown = measure_page(client, p, reps)
                raw_all = measure_raw(raw, sqls, reps)
                license_sqls = [s for s in sqls if is_license_query(s)]
                raw_lic = measure_raw(raw, license_sqls, reps)
                row = {
                    "scenario": label,
                    "user": who,
                    "size": size or "50 (default)",
                    "matches": count,
                    "shown": shown,
                    "p50": ms(pct(times, 50)),
                    "p95": ms(pct(times, 95)),
                    "queries": len(sqls),
                    "license_queries": len(license_sqls),
                    "raw_p50": ms(pct(raw_all, 50)),
                    "raw_p95": ms(pct(raw_all, 95)),
                    "raw_lic_p50": ms(pct(raw_lic, 50)),
                    "raw_lic_p95": ms(pct(raw_lic, 95)),
                }
                rows.append(row)
                print(
                    f"  {label:<28} {who:<13} size {size or 50:>3}: p50 {row['p50']:6.1f} ms, "
                    f"p95 {row['p95']:6.1f} ms, {len(sqls)} queries, raw SQL p95 "
                    f"{row['raw_p95']:6.1f} ms ({count} matches)",
                    file=sys.stderr,
                    flush=True,
                )
                if show_sql:
                    for sql in sqls:
                        print(f"    {sql}", file=sys.stderr)
    raw.close()
    return rows


def page_table(rows):
    out = [
        "| Scenario | User | Size | Matches | Server p50 | Server p95 | Queries "
        "| Raw SQL p50 | Raw SQL p95 | of which licenses p95 | Overhead p95 |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in rows:
        flag = "" if r["p95"] <= 50 else " ✗"
        out.append(
            f"| {r['scenario']} | {r['user']} | {r['size']} | {r['matches']} "
            f"| {r['p50']:.1f} ms | **{r['p95']:.1f} ms**{flag} | {r['queries']} "
            f"({r['license_queries']} on licenses) | {r['raw_p50']:.1f} ms "
            f"| {r['raw_p95']:.1f} ms | {r['raw_lic_p95']:.1f} ms "
            f"| {r['p95'] - r['raw_p95']:.1f} ms |"
        )
    return "\n".join(out)


# ---------------------------------------------------------------------------------------
# CSV export, in a fresh process so the peak RSS starts low.


def export_once(client, params, trace):
    url = reverse("licenses:export")
    if trace:
        tracemalloc.start()
        tracemalloc.reset_peak()
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    response = client.get(url, params)
    first = None
    size = lines = 0
    for chunk in response.streaming_content:
        if first is None:
            first = time.perf_counter() - t
        size += len(chunk)
        lines += chunk.count(b"\n")
    total = time.perf_counter() - t
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak = None
    if trace:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return {
        "rows": lines - 1,
        "bytes": size,
        "seconds": total,
        "first_byte_ms": ms(first or 0),
        "rss_growth_kb": rss1 - rss0,
        "tracemalloc_peak_kb": peak // 1024 if peak is not None else None,
    }


def run_export():
    """Child process: print JSON figures of the exports."""
    client = client_for(ADMIN_EMAIL)
    client.get(reverse("licenses:list"), {"size": "25"})  # warm up imports and templates
    small = {"care_status": "ending"}
    out = {"rss_start_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}
    out["small"] = export_once(client, small, trace=False)
    out["all"] = export_once(client, {}, trace=False)
    out["rss_end_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out["small_traced"] = export_once(client, small, trace=True)
    out["all_traced"] = export_once(client, {}, trace=True)
    # The database's share, roughly: the listing's query in one pass (a server-side cursor),
    # beside the export's chunks that each start after the last row of the one before.
    from licensedesk.licenses import queries

    user = User.objects.get(email=ADMIN_EMAIL)
    qs = queries.with_list_details(user, queries.find_licenses(user, {}))
    sql, params = qs.query.sql_with_params()
    with raw_connect() as raw:
        t = time.perf_counter()
        with raw.cursor(name="export", withhold=True) as cur:
            cur.execute(sql, params)
            n = 0
            while batch := cur.fetchmany(2000):
                n += len(batch)
        out["raw"] = {"rows": n, "seconds": time.perf_counter() - t}
    print(json.dumps(out))


def export_table(e):
    lines = [
        "| Export | Rows | Size | Total time | First byte | Peak RSS growth | tracemalloc peak |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for key, label in (("small", "Care ends within 90 days"), ("all", "all licenses")):
        run, traced = e[key], e[key + "_traced"]
        lines.append(
            f"| {label} | {run['rows']:,} | {run['bytes'] / 1e6:.1f} MB | {run['seconds']:.2f} s "
            f"| {run['first_byte_ms']:.0f} ms | {run['rss_growth_kb'] / 1024:.1f} MB "
            f"| {traced['tracemalloc_peak_kb'] / 1024:.1f} MB |"
        )
    raw = e["raw"]
    lines.append(
        f"| raw SQL, same query, server-side cursor | {raw['rows']:,} | | "
        f"{raw['seconds']:.2f} s | | | |"
    )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=50)
    parser.add_argument(
        "--pg-set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a PostgreSQL setting for both connections, e.g. jit=off (repeatable)",
    )
    parser.add_argument("--show-sql", action="store_true")
    parser.add_argument(
        "--only", default="", help="run only the scenarios whose label contains this text"
    )
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument("--export-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("DATABASE_URL must point at the PostgreSQL database of bench/seed_licenses.py")

    allow_test_client()
    apply_pg_settings(args.pg_set)

    if args.export_child:
        run_export()
        return

    with connection.cursor() as c:
        c.execute("SELECT version()")
        pg_version = c.fetchone()[0].split(" on ")[0]
    import licensedesk

    print(
        f"# Licenses page benchmark: {pg_version}, {os.cpu_count()} CPUs, PostgreSQL settings "
        f"{', '.join(args.pg_set) or 'default'}, {args.reps} requests per row, "
        f"load average {os.getloadavg()[0]:.1f}, code {os.path.dirname(licensedesk.__file__)}\n",
        flush=True,
    )
    rows = run_pages(args.reps, args.show_sql, args.only)
    print(page_table(rows))
    sizes = {}
    for r in rows:
        sizes.setdefault((r["scenario"], r["user"]), set()).add(r["queries"])
    same = all(len(v) == 1 for v in sizes.values())
    print(f"\nQuery count the same at every page size in every scenario: {same}")
    if not args.skip_export:
        child = subprocess.run(
            [sys.executable, __file__, "--export-child"] + [f"--pg-set={p}" for p in args.pg_set],
            capture_output=True,
            text=True,
            check=True,
        )
        e = json.loads(child.stdout.strip().splitlines()[-1])
        start = e["rss_start_kb"] / 1024
        print(f"\nCSV export (License Admin), fresh process, start RSS {start:.0f} MB")
        print(export_table(e))


if __name__ == "__main__":
    main()
