"""Benchmark of the vendor's back office at scale (issue 17, item 9): the licenses
changelist in /backoffice/ with 1,000,000 licenses, as vendor staff use it all day. Run by
hand, never by the test suite, on a database seeded by bench/seed_licenses.py (search
documents filled, i.e. migrated to licenses 0005 or later):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ld_bench .venv/bin/python bench/backoffice.py

Each scenario is the changelist page served in this process through Django's test Client
(see inprocess.py), timed over --reps requests after two warm-ups: p50/p95 server time and
the number of queries. A staff user with a confirmed TOTP device is made (or reused) and its
session marked as having passed the second factor, as the back office requires.
Target (issue 17): p95 <= 100 ms for SLC, customer and partner searches.
"""

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ld_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "licensedesk.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from inprocess import allow_test_client  # noqa: E402

from licensedesk.accounts.models import Organization, User  # noqa: E402
from licensedesk.core.testing import backoffice_client  # noqa: E402
from licensedesk.licenses.models import License  # noqa: E402

LIST = "/backoffice/licenses/license/"


def staff_client():
    staff = User.objects.filter(email="bench-staff@vendor.example").first()
    if staff is None:
        staff = User.objects.create_superuser(email="bench-staff@vendor.example", password=None)
    return backoffice_client(staff)


def scenarios():
    northwind = License.objects.filter(organization__name="Northwind Security").order_by("id")
    some = northwind.select_related("customer").exclude(customer=None)[5000]
    other = Organization.objects.exclude(name="Northwind Security").order_by("id")[500]
    return [
        ("first page", {}),
        ("SLC, full", {"q": some.code}),
        ("SLC, last 6 characters", {"q": some.code[-6:].lower()}),
        ("customer name", {"q": some.customer.name}),
        ("partner name", {"q": other.name}),
        ("partner, big (Northwind)", {"q": "Northwind"}),
        ("customer + product words", {"q": f"{some.customer.name} {some.product.name}"}),
    ]


def measure(client, params, reps):
    for _ in range(2):
        assert client.get(LIST, params).status_code == 200
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        response = client.get(LIST, params)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(LIST, params)
    return times, len(queries.captured_queries)


def pct(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=30)
    args = parser.parse_args()
    allow_test_client()
    client = staff_client()
    print(f"{License.objects.count():,} licenses; load {os.getloadavg()[0]:.1f}")
    print(f"{'scenario':<28} {'p50':>8} {'p95':>8} queries")
    for name, params in scenarios():
        times, queries = measure(client, params, args.reps)
        p50, p95 = statistics.median(times) * 1000, pct(times, 95) * 1000
        verdict = "" if name == "first page" else ("met" if p95 <= 100 else "MISSED")
        print(f"{name:<28} {p50:7.1f}  {p95:7.1f}  {queries:>3}  {verdict}")


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(__file__))
    main()
