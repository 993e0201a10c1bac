"""In-process CPU of status reports, apart from the HTTP stack and the database server: what a
web process spends to check a report (parse, validate, derive its state) and to store a batch
of them (writer.store_reports). Run by hand on PostgreSQL, never by the test suite:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/DB .venv/bin/licensedesk migrate
    DATABASE_URL=… .venv/bin/python bench/report_batch_cpu.py [--batch 100] [--rounds 30]

It empties the database's monitoring rows of its own company ("bench-batch-cpu"), seeds
--batch monitored installations, then per round builds one report per installation and
stores them as one batch, the clock 11 s further each round (the 10 s gap never refuses
one). Variants: reports without `licenses` (what main stores), with `licenses` that stay the
same (the steady state), and with `licenses` whose counts change every round (each batch then
writes them). Printed: median CPU (time.process_time) per report to check, and per batch to
store, over --rounds rounds after two warm-up rounds. The code under test is the one
imported: run it from another tree (PYTHONPATH) to compare with it; a tree whose reports
know no `licenses` measures the first variant only.
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "licensedesk.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from licensedesk.accounts.models import Organization, Role, User  # noqa: E402
from licensedesk.licenses.models import License  # noqa: E402
from licensedesk.licenses.tests import factories  # noqa: E402
from licensedesk.monitoring import tokens, writer  # noqa: E402
from licensedesk.monitoring.models import Installation  # noqa: E402
from licensedesk.monitoring.reports import StatusReport, derive_state  # noqa: E402
from licensedesk.monitoring.tests.helpers import report  # noqa: E402
from licensedesk.monitoring.thresholds import thresholds_for  # noqa: E402

SLUG = "bench-batch-cpu"


def clean() -> None:
    """Remove what an earlier run seeded (licenses and users are protected from a cascade)."""
    Installation.objects.filter(license__organization__slug=SLUG).delete()
    License.objects.filter(organization__slug=SLUG).delete()
    User.objects.filter(organization__slug=SLUG).delete()
    Organization.objects.filter(slug=SLUG).delete()


def seed(n: int) -> list[tokens.Reporter]:
    clean()
    with transaction.atomic():
        org = Organization.objects.create(slug=SLUG, name="Bench batch CPU")
        admin = User.objects.create_user(
            email=f"admin@{SLUG}.example",
            password="bench-batch-cpu-2026",
            organization=org,
            role=Role.LICENSE_ADMIN,
        )
        found = []
        for i in range(n):
            lic = factories.registered(org)
            inst = Installation.objects.create(
                license=lic, uuid=f"00000000-0000-4000-8000-{i:012d}", hostname=f"vms{i}"
            )
            found.append(tokens.reporter_for(tokens.issue_token(admin, inst)))
    return found


def body(variant: str, round_no: int) -> bytes:
    data = report(sent_at=datetime.now(UTC).isoformat())
    if variant != "without licenses":
        in_grace = 3 if variant == "licenses steady" else 1 + round_no % 3
        data["licenses"] = {
            "activated": 90,
            "in_grace": in_grace,
            "grace_expired": 0,
            "not_licensed": 7,
            "grace_ends_at": "2030-01-01T00:00:00Z",
            "changes_without_activation": {"used": 2, "allowed": 10},
        }
    return json.dumps(data).encode()


def run(variant: str, reporters, rounds: int, start: datetime) -> tuple[float, float]:
    check, store = [], []
    for r in range(rounds + 2):
        now = start + timedelta(seconds=11 * r)
        raw = body(variant, r)
        began = time.process_time()
        entries = []
        for reporter in reporters:
            parsed = StatusReport.model_validate_json(raw)
            state, reasons = derive_state(parsed, thresholds_for(reporter.organization_id))
            entries.append(writer.PendingReport.of(reporter, parsed, state, reasons, now))
        checked = time.process_time()
        outcomes = writer.store_reports(entries)
        stored = time.process_time()
        assert all(o == writer.WRITTEN for o, _ in outcomes), outcomes[:3]
        if r >= 2:
            check.append((checked - began) / len(reporters))
            store.append(stored - checked)
    return statistics.median(check), statistics.median(store)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    reporters = seed(args.batch)
    knows_licenses = "licenses" in StatusReport.model_fields
    variants = ["without licenses"]
    if knows_licenses:
        variants += ["licenses steady", "licenses changing"]
    start = datetime.now(UTC) - timedelta(days=1)
    for n, variant in enumerate(variants):
        at = start + timedelta(seconds=11 * (args.rounds + 3) * n)
        check, store = run(variant, reporters, args.rounds, at)
        print(
            f"{variant:18} check {check * 1e6:7.0f} µs/report   "
            f"store {store * 1e3:6.2f} ms/batch of {args.batch} "
            f"({store / args.batch * 1e6:5.0f} µs/report)   load {os.getloadavg()[0]:.1f}"
        )
    clean()


if __name__ == "__main__":
    main()
