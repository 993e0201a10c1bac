"""Benchmark of installation monitoring on PostgreSQL (issue 7). Run by hand, never by the
test suite:

    .venv/bin/python bench/monitoring.py --setup     # first time: makes ld_bench_mon
    .venv/bin/python bench/monitoring.py [--requests 10000] [--concurrency 8] [--profile]
    .venv/bin/python bench/monitoring.py --database ld_bench_mon_2 --port 8093   # beside it

--setup drops and re-creates the database ld_bench_mon (psql -h 127.0.0.1 -U postgres) and
runs `licensedesk migrate` with DATABASE_URL pointing at it. Every run then empties the
monitoring tables and seeds, set-based (INSERT … SELECT over generate_series / unnest), one
company with a License Admin, 1,000 registered licenses and 10,000 monitored installations
(10 per license): 85 % Healthy, 8 % Attention, 3 % Critical, 2 % Offline, 2 % Pending, each
with its own monitoring token (secrets made here, digests stored) and a last report a
minute ago, except 500 that have been silent for 10 minutes without being Offline yet.

The load comes from wrk (Debian package `wrk`; bench/httpload.py, bench/replay.lua) when it
is installed, else from a Python thread pool, which costs the machine far more CPU.

(a) Status report throughput through the real HTTP stack: `licensedesk serve --no-worker
    --port 8092 --workers 2 --threads 4` (DATABASE_URL = the bench database,
    LICENSEDESK_DATA_DIR = a temporary directory) in the background; the report bodies and
    tokens are written beforehand, one report per installation in turn so that the 10 s
    minimum gap never applies (with more requests than installations, the second round is
    counted as 429s). A second process (this script's `load` subcommand: a thread pool of
    keep-alive http.client connections on loopback, stopping after --requests requests or
    60 s) drives the load. Each installation reports in four rounds, 10 s apart (see
    bench_http), each right after as many GET /healthz (a do-nothing view): on a machine
    other work shares, a round's rate is compared with the /healthz rate just before it.
    Reported per run: requests/s, p50/p95 latency, server CPU per request; then how many of
    the accepted reports are in the database a second later (they are stored in batches
    behind the answers), and per round the ratio to /healthz. Targets: >= 1,000 reports/s
    and >= half the /healthz rate. The SQL of a token's first report, stored before its
    answer, is shown from the test Client.
(b) offline.detect_offline() over the 10,000 installations (500 of them turn Offline), in a
    transaction rolled back after each run: p50/max of --reps runs. Target: <= 1 s.
(c) The Installations page (/installations/) of the License Admin through Django's test
    Client: server time p50/p95 of --reps requests and the query count. Target p95 <= 50 ms.

The machine's load average is printed with the figures (other benchmarks may be running).
"""

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from httpload import loadavg, ms, pct, postgres_cpu, run_load, tree_cpu, wait_for

DB_NAME = "ld_bench_mon"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
LICENSEDESK = str(Path(sys.executable).parent / "licensedesk")
PORT = 8092
INSTALLATIONS = 10_000
PER_LICENSE = 10
SILENT = 500
ROUNDS = 4


def _use(database: str, port: int) -> None:
    """Run on this database and port, so that two benchmarks can run side by side."""
    global DB_NAME, DATABASE_URL, PORT
    DB_NAME, PORT = database, port
    DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"


def setup_database() -> None:
    def run(*command, **options):
        subprocess.run(command, check=True, **options)  # noqa: S603 - fixed commands

    psql = ("psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c")
    run(*psql, f"DROP DATABASE IF EXISTS {DB_NAME}")
    run(*psql, f"CREATE DATABASE {DB_NAME}")
    run(LICENSEDESK, "migrate", "-v", "0", env={**os.environ, "DATABASE_URL": DATABASE_URL})


def seed() -> tuple:
    """The company, its License Admin, licenses and monitored installations; returns
    (admin, [(installation_id, token)])."""
    from django.db import connection

    from licensedesk.accounts.models import Organization, Role, User
    from licensedesk.catalog.models import Product, ProductVersion
    from licensedesk.monitoring.tokens import TOKEN_PREFIX, digest

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE monitoring_report, monitoring_statechange, monitoring_hourlystat, "
            "monitoring_latestreport, "
            "monitoring_health, monitoring_thresholds, activation_installation, "
            "licenses_license CASCADE"
        )
    org, _ = Organization.objects.get_or_create(
        slug="harbour", defaults={"name": "Harbour Security", "country": "DK"}
    )
    admin = User.objects.filter(email="admin@harbour.example").first()
    if admin is None:
        admin = User.objects.create_user(
            email="admin@harbour.example",
            password=secrets.token_urlsafe(16),
            organization=org,
            role=Role.LICENSE_ADMIN,
            first_name="Hanne",
            last_name="Admin",
        )
    product = Product.objects.get_or_create(code="C01", defaults={"name": "Corporate"})[0]
    version = ProductVersion.objects.get_or_create(
        product=product, code="251", defaults={"name": "2025 R1"}
    )[0]
    tokens = [TOKEN_PREFIX + secrets.token_urlsafe(32) for _ in range(INSTALLATIONS)]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO licenses_license (code, product_id, version_id, sequence,
                device_licenses, devices_used, sold_to_id, issued_at,
                organization_id, description, registered_at)
            SELECT 'M01-C01-251-' || lpad(s::text, 4, '0') || '-BENCH' || s, %s, %s, s, 100, 0,
                   %s, now(), %s, '', now()
            FROM generate_series(1, %s) s
            """,
            [product.pk, version.pk, org.pk, org.pk, INSTALLATIONS // PER_LICENSE],
        )
        cursor.execute(
            """
            INSERT INTO activation_installation (license_id, uuid, hostname, product_version,
                devices_active, created_at)
            SELECT l.id, md5(l.id::text || '-' || k)::uuid,
                   'vms-' || l.sequence || '-' || k || '.harbour.example', '25.1', 48, now()
            FROM licenses_license l CROSS JOIN generate_series(1, %s) k
            WHERE l.organization_id = %s
            ORDER BY l.id, k
            """,
            [PER_LICENSE, org.pk],
        )
        cursor.execute(
            "SELECT id FROM activation_installation i WHERE license_id IN "
            "(SELECT id FROM licenses_license WHERE organization_id = %s) ORDER BY id",
            [org.pk],
        )
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            """
            INSERT INTO monitoring_health (installation_id, organization_id, token_digest,
                token_prefix, enabled, state, severity, state_since, alerted_state, reasons,
                last_report_at, product_version, hostname, created_at, license_id,
                grace_expired_alerted, changes_used_up_alerted)
            SELECT t.id, %s, t.digest, left(t.digest, 10), true, st.state, st.severity,
                   now() - interval '1 day', st.state, '[]'::jsonb,
                   CASE WHEN st.state = 'pending' THEN NULL
                        WHEN st.state = 'offline' THEN now() - interval '1 hour'
                        WHEN t.n %% 20 = 7 THEN now() - interval '10 minutes'  -- silent
                        ELSE now() - interval '60 seconds' - (t.n %% 50) * interval '1 second'
                   END,
                   '25.1', i.hostname, now(), i.license_id, 0, false
            FROM unnest(%s::bigint[], %s::text[]) WITH ORDINALITY AS t(id, digest, n)
            JOIN activation_installation i ON i.id = t.id
            CROSS JOIN LATERAL (SELECT CASE
                WHEN t.n %% 100 < 85 THEN 'healthy' WHEN t.n %% 100 < 93 THEN 'attention'
                WHEN t.n %% 100 < 96 THEN 'critical' WHEN t.n %% 100 < 98 THEN 'offline'
                ELSE 'pending' END AS state) s0
            CROSS JOIN LATERAL (SELECT s0.state, CASE s0.state WHEN 'critical' THEN 0
                WHEN 'offline' THEN 1 WHEN 'attention' THEN 2 WHEN 'pending' THEN 4
                ELSE 5 END AS severity) st
            """,
            [org.pk, ids, [digest(t) for t in tokens]],
        )
        cursor.execute(  # the latest report as in steady state
            "INSERT INTO monitoring_latestreport (health_id, report) SELECT id, %s::jsonb "
            "FROM monitoring_health WHERE state <> 'pending'",
            [report_body(0)],
        )
        cursor.execute("ANALYZE")
    return admin, list(zip(ids, tokens, strict=True))


def report_body(i: int) -> str:
    from datetime import UTC, datetime

    offline = i % 7
    return json.dumps(
        {
            "sent_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "product_version": "25.1",
            "hostname": f"vms-{i}.harbour.example",
            "uptime_s": 86400 + i,
            "host": {"cpu_pct": 20 + i % 70, "memory_pct": 40.0, "disk_pct": 50.0},
            "servers": [
                {"name": "Management Server", "role": "management", "state": "running"},
                {
                    "name": "Recording Server 1",
                    "role": "recording",
                    "state": "running",
                    "storage_used_gb": 3000.0 + i % 900,
                    "storage_free_gb": 1000.0,
                },
            ],
            "devices": {"total": 48, "online": 48 - offline, "offline": offline},
            "offline_devices": [f"Camera {k + 1}" for k in range(offline)],
            "errors": [],
        }
    )


def report_queries(installation_id: int, token: str) -> list[str]:
    """The SQL statements of one report, through the test Client, stored before the answer
    (LICENSEDESK_REPORT_FLUSH_MS=0), so that the batch statement is among them: the first
    report of a token (its lookup, the company's thresholds, the batch of one)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    with (
        override_settings(LICENSEDESK_REPORT_FLUSH_SECONDS=0),
        CaptureQueriesContext(connection) as captured,
    ):
        response = Client(HTTP_HOST="localhost").post(
            f"/api/v1/installations/{installation_id}/status",
            report_body(installation_id),
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 202, response.content
    return [q["sql"] for q in captured.captured_queries]


def bench_http(pairs, args) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="ld_bench_mon_"))
    n = min(args.requests, 20_000)
    reports = [
        ["POST", f"/api/v1/installations/{iid}/status", token, report_body(iid)]
        for k in range(n)
        for iid, token in [pairs[k % len(pairs)]]
    ]
    health = [["GET", "/healthz", None, None] for _ in range(n)]
    environment = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "LICENSEDESK_DATA_DIR": str(workdir / "data"),
    }
    log = (workdir / "serve.log").open("w")
    server = subprocess.Popen(  # noqa: S603
        [LICENSEDESK, "serve", "--no-worker", "--port", str(PORT)]
        + ["--workers", str(args.workers), "--threads", str(args.threads)],
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    results = {}
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM monitoring_report")
        before = cursor.fetchone()[0]
    try:
        wait_for(PORT, server)
        from licensedesk.monitoring import writer

        # Each installation reports ROUNDS times, MIN_REPORT_GAP apart, each round after
        # /healthz; the first round is the first report of every token to its process.
        for k in range(1, ROUNDS + 1):
            if k > 1:
                time.sleep(writer.MIN_REPORT_GAP.total_seconds())  # each may report again
            for name, requests in ((f"healthz {k}", health), (f"reports {k}", reports)):
                results[name] = load_round(workdir, server, name, requests, args)
        # The reports are stored behind the answers (licensedesk/monitoring/writer.py): a
        # moment later, every accepted report must be in the database.
        time.sleep(1)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM monitoring_report")
            results["stored"] = cursor.fetchone()[0] - before
        connection.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    return results


def load_round(workdir, server, name, requests, args) -> dict:
    cpu, db_cpu, backends = tree_cpu(server.pid), postgres_cpu(), postgres_cpu(DB_NAME)
    load_avg = loadavg()
    result = run_load(workdir, name, PORT, requests, args.concurrency, 60)
    result["cpu"] = (tree_cpu(server.pid) - cpu) / result["count"]
    result["db_cpu"] = (postgres_cpu() - db_cpu) / result["count"]
    result["backend_cpu"] = (postgres_cpu(DB_NAME) - backends) / result["count"]
    result["load"] = load_avg
    return result


def bench_detect_offline(reps: int) -> list[float]:
    from django.db import transaction

    from licensedesk.monitoring import offline

    times, changed = [], 0
    for _ in range(reps):
        with transaction.atomic():
            start = time.perf_counter()
            changed = offline.detect_offline()
            times.append(time.perf_counter() - start)
            transaction.set_rollback(True)
    print(f"    (each run turned {changed} installations Offline, rolled back)")
    return times


def bench_page(admin, reps: int, profile: bool) -> tuple[list[float], int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="localhost")
    client.force_login(admin)
    for _ in range(3):  # warm up
        assert client.get("/installations/").status_code == 200
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        response = client.get("/installations/")
        times.append(time.perf_counter() - start)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as captured:
        client.get("/installations/")
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        client.get("/installations/")
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
        for q in captured.captured_queries:
            print(f"{q['time']}s  {q['sql'][:300]}")
    return times, len(captured.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--setup", action="store_true", help="(re)create the database first")
    parser.add_argument("--requests", type=int, default=INSTALLATIONS)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="web processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per web process")
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--database", default=DB_NAME, help="another benchmark's database")
    parser.add_argument("--port", type=int, default=PORT)
    args = parser.parse_args()
    _use(args.database, args.port)

    if args.setup:
        setup_database()
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "licensedesk.settings")
    os.environ.setdefault("LICENSEDESK_DATA_DIR", tempfile.mkdtemp(prefix="ld_bench_mon_data_"))
    import django

    django.setup()
    from django.db import connection
    from inprocess import allow_test_client

    import licensedesk

    print(f"code: {Path(licensedesk.__file__).parent} (PYTHONPATH picks another tree)")

    allow_test_client()
    started = time.perf_counter()
    admin, pairs = seed()
    print(f"seeded {len(pairs):,} monitored installations in {time.perf_counter() - started:.1f} s")
    print(f"load average before: {loadavg()}")

    print("\n(b) detect_offline over 10,000 monitored installations")
    times = bench_detect_offline(max(5, args.reps // 3))
    print(f"    p50 {ms(statistics.median(times))}  max {ms(max(times))}  load {loadavg()}")
    print(f"    target <= 1 s: {'MET' if max(times) <= 1 else 'MISSED'}")

    # (b) left a dead row beside every health row it changed (500 a run, 6,500 here), which the
    # page walks past; this machine's PostgreSQL has autovacuum off, production's vacuums a
    # table soon after such churn (docs/deploy.md), and so does the benchmark.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE monitoring_health")

    print("\n(c) Installations page, License Admin, 10,000 installations, test Client")
    times, queries = bench_page(admin, args.reps, args.profile)
    print(
        f"    p50 {ms(statistics.median(times))}  p95 {ms(pct(times, 95))}  "
        f"{queries} queries  load {loadavg()}"
    )
    print(f"    target p95 <= 50 ms: {'MET' if pct(times, 95) <= 0.05 else 'MISSED'}")

    sql = report_queries(*pairs[-1])
    print(f"\nthe first report of a token = {len(sql)} SQL statements (later ones: the batch):")
    for statement in sql:
        print(f"    {statement[:140]}")
    connection.close()
    if args.skip_http:
        return

    print(
        f"\n(a) HTTP: licensedesk serve --workers {args.workers} --threads {args.threads}, "
        f"{args.concurrency} connections from another process"
    )
    results = bench_http(pairs[:-1], args)
    stored = results.pop("stored")
    for name, r in results.items():
        print(
            f"    {name:16} {r['count']:6,} in {r['seconds']:5.1f} s = {r['rate']:7.0f}/s  "
            f"p50 {ms(r['p50'])}  p95 {ms(r['p95'])}  CPU/request: server {ms(r['cpu'])}, "
            f"PostgreSQL {ms(r['db_cpu'])} (backends {ms(r['backend_cpu'])})  "
            f"statuses {r['statuses']}  load driver {r['driver']}  "
            f"load before {r['load']}"
        )
    accepted = sum(r["statuses"].get("2xx", 0) for n, r in results.items() if "reports" in n)
    print(f"    stored a second after the load: {stored:,} reports of {accepted:,} accepted")
    for k in range(1, ROUNDS + 1):
        rate, floor = results[f"reports {k}"]["rate"], results[f"healthz {k}"]["rate"]
        print(
            f"    round {k}: {rate:.0f} reports/s, {floor:.0f} /healthz/s, ratio {rate / floor:.2f}"
            f"; >= 1,000 reports/s: {'MET' if rate >= 1000 else 'MISSED'}"
            f"; >= half of /healthz: {'MET' if rate >= floor / 2 else 'MISSED'}"
        )
    print(f"load average after: {loadavg()}")


if __name__ == "__main__":
    main()
