"""Benchmark of Care reminders and notifications (issue 6): the due scan over a million
licenses, and a worker sending email through a local SMTP server.

Run by hand, never by the test suite:

    psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE ld_bench_care'
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/ld_bench_care
    .venv/bin/licensedesk migrate
    .venv/bin/python bench/care_scan.py

Options: --no-seed (reuse the seeded data), --emails N (how many to send, default 2000),
--explain (print EXPLAIN ANALYZE of the SELECT of the scan's biggest INSERT … SELECT).

What it seeds (set-based SQL; it empties the tables first, so it can run again):

* 2,000 companies, each with a License Admin and a License User (granted 10% of the
  company's licenses), 5 license groups holding 14% of the licenses;
* 1,000,000 registered licenses, 500 a company, Care ends spread evenly over
  today − 400 … today + 800 days (about 830 a day), 10% without Care;
* 3 Care reminders a company: the admin's on all licenses (90/30/7/0 days), the License
  User's on all their licenses (30/7), the admin's on one group (60);
* 2 notification profiles a company: "Care desk" for all licenses (Care ending 90/30/7/0
  and Care ended, the admin and an extra address), "Group desk" for one group (14 days,
  the License User).

Then it times: the first scan (a worker that was down: 4 days of catch-up due at once), the
next day's scan (a normal day), a repeated scan (nothing new: the exactly-once check), and
`send_due` sending emails to an aiosmtpd server in this process.
"""

import argparse
import logging
import os
import sys
import time
from datetime import timedelta

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ld_bench_care")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "licensedesk.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

N_ORGS = 2_000
N_LICENSES = 1_000_000
GROUPS_PER_ORG = 5

TABLES = [
    "notifications_delivery",
    "notifications_mute",
    "care_carefiring",
    "care_reminderlead",
    "care_carereminder",
    "notifications_profilelead",
    "notifications_notificationprofile_groups",
    "notifications_notificationprofile_customers",
    "notifications_notificationprofile_users",
    "notifications_notificationprofile",
    "license_groups_membership",
    "license_groups_licensegroup",
    "licenses_licensegrant",
    "licenses_license_addons",
    "care_careperiod",
    "licenses_license",
    "customers_customer",
    "accounts_user",
    "accounts_organization",
    "catalog_productversion",
    "catalog_product",
    "outbox_job",
]

# org(i) of license i; admin of org o has id 2o - 1, its License User 2o.
ORG = f"(1 + i % {N_ORGS})"
H = "((hashint8extended(i::bigint, {k}) & 2147483647)::int)"


def steps():
    yield "empty the tables", [f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"]
    yield (
        "catalog, companies, users",
        [
            "INSERT INTO catalog_product (id, code, name, kind) VALUES (1, 'C01', 'Corporate', "
            "'edition')",
            "INSERT INTO catalog_productversion (id, product_id, code, name) VALUES "
            "(1, 1, '251', '2025 R1')",
            f"""INSERT INTO accounts_organization (id, name, slug, country, is_active, created_at,
                    require_2fa_for_admins)
                SELECT o, 'Partner ' || o, 'partner-' || o, 'Denmark', true, now(), false
                FROM generate_series(1, {N_ORGS}) o""",
            f"""INSERT INTO accounts_user (id, password, is_superuser, first_name, last_name,
                    is_staff, is_active, date_joined, email, role, is_company_admin, phone,
                    job_title, organization_id)
                SELECT 2 * o - 2 + k, '!', false, 'User', o::text, false, true, now(),
                       CASE k WHEN 1 THEN 'admin' ELSE 'user' END || '@p' || o || '.example',
                       CASE k WHEN 1 THEN 'license_admin' ELSE 'license_user' END,
                       k = 1, '', '', o
                FROM generate_series(1, {N_ORGS}) o, generate_series(1, 2) k""",
        ],
    )
    yield (
        "1,000,000 licenses",
        [
            "SET session_replication_role = replica",
            f"""INSERT INTO licenses_license (id, code, product_id, version_id, sequence,
                    device_licenses, devices_used, care_plus_ends_on, sold_to_id,
                    issued_at, organization_id, customer_id, description, registered_by_id,
                    registered_at)
                SELECT i, 'M01-C01-251-' || i || '-BENCH', 1, 1, i, 16, 0,
                       CASE WHEN {H.format(k=1)} % 10 = 0 THEN NULL
                            ELSE current_date - 400 + {H.format(k=2)} % 1200 END,
                       {ORG}, now(), {ORG}, NULL, '', 2 * {ORG} - 1, now()
                FROM generate_series(1, {N_LICENSES}) i""",
            f"""INSERT INTO licenses_licensegrant (license_id, user_id, granted_by_id,
                    created_at)
                SELECT i, 2 * {ORG}, 2 * {ORG} - 1, now()
                FROM generate_series(10, {N_LICENSES}, 10) i""",
            f"""INSERT INTO license_groups_licensegroup (id, organization_id, name, description,
                    created_by_id, created_at, updated_at)
                SELECT {GROUPS_PER_ORG} * (o - 1) + g, o, 'Group ' || g, 'Sites ' || g,
                       2 * o - 1, now(), now()
                FROM generate_series(1, {N_ORGS}) o, generate_series(1, {GROUPS_PER_ORG}) g""",
            f"""INSERT INTO license_groups_membership (group_id, license_id, added_at)
                SELECT {GROUPS_PER_ORG} * ({ORG} - 1) + 1 + (i / 7) % {GROUPS_PER_ORG}, i, now()
                FROM generate_series(7, {N_LICENSES}, 7) i""",
            "SET session_replication_role = DEFAULT",
        ],
    )
    yield (
        "reminders and profiles",
        [
            # reminder 3o-2: admin, all, 90/30/7/0; 3o-1: License User, all, 30/7;
            # 3o: admin, group 1 of the company, 60.
            f"""INSERT INTO care_carereminder (id, organization_id, owner_id, scope, group_id,
                    lead_times, notify_me, extra_emails, muted, created_at)
                SELECT 3 * o - 3 + k, o, CASE k WHEN 2 THEN 2 * o ELSE 2 * o - 1 END,
                       CASE k WHEN 3 THEN 'group' ELSE 'all' END,
                       CASE k WHEN 3 THEN {GROUPS_PER_ORG} * (o - 1) + 1 END,
                       CASE k WHEN 1 THEN '[90, 30, 7, 0]' WHEN 2 THEN '[30, 7]'
                              ELSE '[60]' END::jsonb,
                       true, '[]'::jsonb, false, now()
                FROM generate_series(1, {N_ORGS}) o, generate_series(1, 3) k""",
            """INSERT INTO care_reminderlead (reminder_id, days)
                SELECT r.id, d::int FROM care_carereminder r,
                       jsonb_array_elements_text(r.lead_times) d""",
            # profile 2o-1: "Care desk", all; 2o: "Group desk", group 2 of the company.
            f"""INSERT INTO notifications_notificationprofile (id, organization_id, name,
                    description, scope, events, lead_times, extra_emails, email_enabled,
                    webhook_url, webhook_secret, muted, created_by_id, created_at)
                SELECT 2 * o - 2 + k, o, CASE k WHEN 1 THEN 'Care desk' ELSE 'Group desk' END,
                       '', CASE k WHEN 1 THEN 'all' ELSE 'groups' END,
                       CASE k WHEN 1 THEN '["care_ending", "care_ended"]'
                              ELSE '["care_ending"]' END::jsonb,
                       CASE k WHEN 1 THEN '[90, 30, 7, 0]' ELSE '[14]' END::jsonb,
                       CASE k WHEN 1 THEN jsonb_build_array('desk@p' || o || '.example')
                              ELSE '[]'::jsonb END,
                       true, '', md5(o::text), false, 2 * o - 1, now()
                FROM generate_series(1, {N_ORGS}) o, generate_series(1, 2) k""",
            """INSERT INTO notifications_profilelead (profile_id, days)
                SELECT p.id, d::int FROM notifications_notificationprofile p,
                       jsonb_array_elements_text(p.lead_times) d
                UNION ALL SELECT p.id, -1 FROM notifications_notificationprofile p
                WHERE p.events ? 'care_ended'""",
            f"""INSERT INTO notifications_notificationprofile_groups (notificationprofile_id,
                    licensegroup_id)
                SELECT 2 * o, {GROUPS_PER_ORG} * (o - 1) + 2 FROM generate_series(1, {N_ORGS}) o""",
            f"""INSERT INTO notifications_notificationprofile_users (notificationprofile_id,
                    user_id)
                SELECT 2 * o - 2 + k, 2 * o - 2 + k
                FROM generate_series(1, {N_ORGS}) o, generate_series(1, 2) k""",
        ],
    )
    yield (
        "identity sequences",
        [
            f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT max(id) FROM {t}))"
            for t in [
                "accounts_organization",
                "accounts_user",
                "licenses_license",
                "license_groups_licensegroup",
                "care_carereminder",
                "notifications_notificationprofile",
            ]
        ],
    )


def seed():
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for title, statements in steps():
            t = time.perf_counter()
            cursor.execute("BEGIN")
            for sql in statements:
                cursor.execute(sql)
            cursor.execute("COMMIT")
            print(f"  {title:<28} {time.perf_counter() - t:6.1f} s", flush=True)
        t = time.perf_counter()
        cursor.execute("VACUUM (ANALYZE)")
        print(f"  {'vacuum analyze':<28} {time.perf_counter() - t:6.1f} s", flush=True)
    print(f"seeded in {time.perf_counter() - started:.0f} s")


def timed_scan(label, today):
    from licensedesk.care.scan import scan

    t = time.perf_counter()
    result = scan(today=today)
    elapsed = time.perf_counter() - t
    verdict = "OK" if elapsed <= 5 else "TOO SLOW"
    print(
        f"  {label:<36} {elapsed:6.2f} s  fired {result['fired']:>6,}  "
        f"deliveries {result['deliveries']:>6,}  [{verdict}, target ≤ 5 s]",
        flush=True,
    )
    return elapsed, result


def explain(today):
    """EXPLAIN ANALYZE of the reminders and profiles due at the 90-day lead (the SELECT of the
    scan's biggest INSERT … SELECT)."""
    from licensedesk.care import scan as scan_module

    for source, due in (
        ("reminders", scan_module._due_reminders(90, today)),
        ("profiles", scan_module._due_profiles(90, today)),
    ):
        print(f"--- {source} due (lead 90)")
        selected = due.order_by().values("pk", scan_module.LICENSE)
        print(selected.explain(analyze=True, buffers=True))


def send_emails(count):
    from licensedesk.notifications.models import Delivery
    from licensedesk.notifications.sender import send_due
    from licensedesk.notifications.tests.helpers import SmtpSink

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's per-command log
    sink = SmtpSink().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        # Only `count` deliveries are due now; the rest wait.
        due = Delivery.objects.filter(state=Delivery.State.QUEUED, channel="email").order_by("id")
        later = timezone.now() + timedelta(days=1)
        cut = due.values_list("id", flat=True)[count - 1 : count]
        Delivery.objects.filter(state=Delivery.State.QUEUED, id__gt=cut[0]).update(
            next_attempt_at=later
        )
        t = time.perf_counter()
        sent = send_due(limit=count)
        elapsed = time.perf_counter() - t
    finally:
        sink.stop()
    rate = len(sink.messages) / elapsed
    states = dict(
        Delivery.objects.filter(next_attempt_at__lt=later)
        .values_list("state")
        .annotate(n=django.db.models.Count("id"))
        .values_list("state", "n")
    )
    verdict = "OK" if rate >= 50 else "TOO SLOW"
    print(
        f"  send_due({count}): {sent} handled, {len(sink.messages)} received by the SMTP "
        f"server in {elapsed:.1f} s = {rate:.0f} emails/s  [{verdict}, target ≥ 50/s]; "
        f"states {states}",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-seed", action="store_true")
    parser.add_argument("--emails", type=int, default=2000)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("DATABASE_URL must point at a PostgreSQL database")
    if not args.no_seed:
        seed()
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = on")  # as in production: the seed turned it off
        cursor.execute("TRUNCATE care_carefiring, notifications_delivery RESTART IDENTITY")
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE care_plus_ends_on IS NOT NULL) "
            "FROM licenses_license"
        )
        total, with_care = cursor.fetchone()
    print(f"{total:,} licenses, {with_care:,} with Care")
    today = timezone.localdate()
    if args.explain:
        explain(today)
    timed_scan("first scan (4 days of catch-up due)", today)
    timed_scan("next day's scan", today + timedelta(days=1))
    timed_scan("the same day again (nothing new)", today + timedelta(days=1))
    send_emails(args.emails)


if __name__ == "__main__":
    main()
