"""Benchmark of the license import (issue 19) on PostgreSQL, against the database made by
bench/seed_licenses.py (1,000,000 licenses, 100,000 of them Northwind's). Run by hand,
never by the test suite:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ld_bench \\
        .venv/bin/python bench/imports.py [--rows 10000] [--format csv|xlsx]

Each run issues `rows / 2` new unregistered codes (so it can run again), then makes a file
of `rows` rows: half of them register those codes, half update licenses Northwind has (new
descriptions; customers among its 5,000 and a few new ones; one or two of its 20 groups; a
License User or nobody in `visible_to`). As Northwind's License Admin it measures, each
in a fresh process (its peak RSS is then the phase's own):

* read: the file read into rows (tablib/openpyxl);
* dry run: read and checked, nothing written (what the API's dry_run=true does);
* import: read, checked again under locks and applied, committed (dry_run=false);

with the wall time, the number of SQL queries (no per-row queries: it does not grow with
the rows but by a few per 1,000-2,000 rows), the growth of the peak RSS over the process's
baseline (Django loaded, connected) and, in another fresh process of the same phase (the
import on a new file), the tracemalloc peak: the memory the phase's Python objects took.
"""

import argparse
import io
import json
import os
import random
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
from django.test.utils import CaptureQueriesContext  # noqa: E402

from licensedesk.accounts.models import User  # noqa: E402
from licensedesk.imports import reading, services  # noqa: E402

ADMIN_EMAIL = "admin@northwind.example"
FILE = "/tmp/licensedesk-bench-import.{format}"


def make_file(rows: int, fmt: str) -> str:
    """Issue rows/2 fresh codes and write the file; returns its path."""
    import tablib
    from django.utils import timezone

    from licensedesk.catalog.models import Product, ProductVersion
    from licensedesk.customers.models import Customer
    from licensedesk.groups.models import LicenseGroup
    from licensedesk.licenses import codes
    from licensedesk.licenses.models import License

    product = Product.objects.get(code="C01")
    version = ProductVersion.objects.get(product=product, code="251")
    new = rows // 2
    stamp = int(time.time())
    fresh = [
        License(
            code=codes.make_code("M01", "C01", "251", 900_000 + i % 99_999),
            product=product,
            version=version,
            sequence=900_000 + i % 99_999,
            device_licenses=8,
        )
        for i in range(new)
    ]
    License.objects.bulk_create(fresh, batch_size=2000)
    ours = list(
        License.objects.filter(organization_id=1)
        .order_by("?")
        .values_list("code", flat=True)[: rows - new]
    )
    customers = list(Customer.objects.filter(organization_id=1).values_list("name", flat=True))
    groups = list(LicenseGroup.objects.filter(organization_id=1).values_list("name", flat=True))
    users = list(
        User.objects.filter(organization_id=1, role="license_user").values_list("email", flat=True)
    )
    rng = random.Random(stamp)
    data = tablib.Dataset(headers=list(reading.COLUMNS))
    for i, code in enumerate([lic.code for lic in fresh] + ours):
        customer = rng.choice(customers) if i % 50 else f"Bench customer {stamp} {i % 7}"
        data.append(
            [
                code,
                customer,
                f"Bench run {stamp}, row {i}",
                "; ".join(rng.sample(groups, 1 + i % 2)),
                rng.choice(users) if i % 3 == 0 else "",
            ]
        )
    path = FILE.format(format=fmt)
    content = data.export(fmt)
    with open(path, "wb") as out:
        out.write(content.encode() if isinstance(content, str) else content)
    print(f"{timezone.now():%Y-%m-%d %H:%M} file: {rows:,} rows, {os.path.getsize(path):,} bytes")
    return path


def phase(name: str, path: str, memory: bool = False) -> dict:
    """Run one phase in this process and measure it (`memory`: its tracemalloc peak)."""
    admin = User.objects.get(email=ADMIN_EMAIL)
    connection.ensure_connection()
    with open(path, "rb") as f:
        content = f.read()
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if memory:
        tracemalloc.start()
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        if name == "read":
            sheet = reading.read(content)
            report = {"rows": len(sheet.rows)}
        elif name == "dry run":
            sheet = reading.read(content)
            report = services.Outcome(services.dry_run(admin, sheet)).report(dry_run=True)
        else:
            sheet = reading.read(content)
            outcome = services.charged(
                admin,
                sheet,
                lambda: services.import_sheet(
                    admin, sheet, partial=False, filename=os.path.basename(path)
                ),
            )
            report = outcome.report(dry_run=False)
        seconds = time.perf_counter() - start
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - baseline
    if memory:
        peak = tracemalloc.get_traced_memory()[1]
        return {"phase": name, "tracemalloc_peak_mb": round(peak / 2**20, 1)}
    counts = {k: report[k] for k in ("rows", "registered", "updated", "unchanged") if k in report}
    counts["errors"] = len(report.get("errors", []))
    return {
        "phase": name,
        "seconds": round(seconds, 2),
        "queries": len(queries),
        "peak_rss_growth_mb": round(grown / 1024, 1),
        **counts,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--memory", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, args.file, args.memory)))
        return
    from licensedesk.licenses.models import License

    total = License.objects.count()
    print(f"database: {total:,} licenses; PostgreSQL {connection.pg_version}")
    path = make_file(args.rows, args.format)
    for name in ("read", "dry run", "import"):
        print(json.dumps(run_phase(name, path)))
    path = make_file(args.rows, args.format)  # new codes: the import registers them again
    for name in ("read", "dry run", "import"):
        print(json.dumps(run_phase(name, path, "--memory")))


def run_phase(name: str, path: str, *extra: str) -> dict:
    command = [sys.executable, __file__, "--phase", name, "--file", path, *extra]
    out = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    sys.stdout = io.TextIOWrapper(sys.stdout.buffer, line_buffering=True)
    main()
