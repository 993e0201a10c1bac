"""Benchmark of the list exports on PostgreSQL (issue 19): the Licenses export of 100,000
rows in CSV, XLSX and JSON, its time and the memory it adds.

Run by hand against the database made by bench/seed_licenses.py, never by the test suite:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ld_bench \\
        .venv/bin/python bench/exports.py

For each format, in a fresh process (so that the peak RSS starts low), the License Admin of
the big company (100,000 licenses) exports the licenses whose Care ends within 90 days
(about 8,000), then all of them, through Django's test Client, reading the streamed answer
as a browser would: total time, time to the first byte, size, the growth of the process's
peak RSS, then both again under tracemalloc for its peak. Memory that does not grow with
the rows is the property to keep: the 100,000-row export should add no more than the small
one did.
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

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from inprocess import allow_test_client  # noqa: E402

from licensedesk.accounts.models import User  # noqa: E402

ADMIN_EMAIL = "admin@northwind.example"
FORMATS = ("csv", "xlsx", "json")
SMALL = {"care_status": "ending"}


def rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def export_once(client, params, fmt, trace) -> dict:
    if trace:
        tracemalloc.start()
        tracemalloc.reset_peak()
    rss0 = rss_kb()
    t = time.perf_counter()
    response = client.get(reverse("licenses:export"), {**params, "format": fmt})
    assert response.status_code == 200, response.status_code
    first = None
    size = 0
    for piece in response.streaming_content:
        if first is None:
            first = time.perf_counter() - t
        size += len(piece)
    response.close()  # as the server does: closes (and so deletes) the XLSX's temporary file
    total = time.perf_counter() - t
    peak = None
    if trace:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return {
        "bytes": size,
        "seconds": total,
        "first_byte_ms": (first or 0) * 1000,
        "rss_growth_kb": rss_kb() - rss0,
        "tracemalloc_peak_kb": peak // 1024 if peak is not None else None,
    }


def run_child(fmt: str) -> None:
    """Child process: print JSON figures of one format's exports."""
    client = Client()
    client.force_login(User.objects.get(email=ADMIN_EMAIL))
    client.get(reverse("licenses:list"), {"size": "25"})  # warm up imports and templates
    export_once(client, {"search": "no such license"}, fmt, trace=False)  # and the writer
    from licensedesk.licenses import export, queries

    user = User.objects.get(email=ADMIN_EMAIL)
    out = {
        "format": fmt,
        "rss_start_kb": rss_kb(),
        "rows_small": queries.find_licenses(user, SMALL).count(),
        "rows_all": queries.find_licenses(user, {}).count(),
        "chunk": export.CHUNK,
    }
    out["small"] = export_once(client, SMALL, fmt, trace=False)
    out["all"] = export_once(client, {}, fmt, trace=False)
    out["small_traced"] = export_once(client, SMALL, fmt, trace=True)
    out["all_traced"] = export_once(client, {}, fmt, trace=True)
    print(json.dumps(out))


def table(results) -> str:
    lines = [
        "| Format | Export | Rows | Size | Total time | First byte | Peak RSS growth "
        "| tracemalloc peak |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    for e in results:
        for key, label in (("small", "Care ends within 90 days"), ("all", "all licenses")):
            run, traced = e[key], e[key + "_traced"]
            lines.append(
                f"| {e['format'].upper()} | {label} | {e['rows_' + key]:,} "
                f"| {run['bytes'] / 1e6:.1f} MB | {run['seconds']:.2f} s "
                f"| {run['first_byte_ms']:.0f} ms | {run['rss_growth_kb'] / 1024:.1f} MB "
                f"| {traced['tracemalloc_peak_kb'] / 1024:.1f} MB |"
            )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("DATABASE_URL must point at the PostgreSQL database of bench/seed_licenses.py")
    allow_test_client()
    if args.child:
        run_child(args.child)
        return
    with connection.cursor() as c:
        c.execute("SELECT version()")
        pg_version = c.fetchone()[0].split(" on ")[0]
    print(
        f"# Exports benchmark: {pg_version}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}\n",
        flush=True,
    )
    results = []
    for fmt in args.formats.split(","):
        child = subprocess.run(
            [sys.executable, __file__, "--child", fmt], capture_output=True, text=True, check=True
        )
        results.append(json.loads(child.stdout.strip().splitlines()[-1]))
        start = results[-1]["rss_start_kb"] / 1024
        print(f"{fmt}: done (fresh process, start RSS {start:.0f} MB)", file=sys.stderr)
    print(table(results))


if __name__ == "__main__":
    main()
