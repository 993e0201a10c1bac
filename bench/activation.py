"""Benchmark of device activation on PostgreSQL (issue 5): license request (.lrq) in, signed
activated license file (.lic) out. Run by hand, never by the test suite:

    .venv/bin/python bench/activation.py --setup          # first time: makes ld_bench_act
    .venv/bin/python bench/activation.py [--reps 10] [--requests 3000] [--profile]

--setup drops and re-creates the database ld_bench_act (psql -h 127.0.0.1 -U postgres), then
runs `licensedesk migrate` and `licensedesk demo` with DATABASE_URL pointing at it. Every run
then issues fresh SLCs sold to Northwind with 1,000,000 device licenses each, registers them
with services.register, and makes License Admins with a personal access token each, one per
40 requests of a run (the upload rate limit is 60 a minute per user, so the load is spread
over users the way many installers of one reseller would spread it).

(a) One .lrq of 10,000 devices -> activated .lic, through the real API view
    (POST /api/v1/licenses/{slc}/activations, raw application/xml) with Django's test Client
    in this process: server time p50/p95 over --reps runs, each a new installation and a new
    request id (so every run activates 10,000 new devices). Target: p95 <= 500 ms. The floor:
    lrq.parse of the same body plus signing.sign of the same payload, which any
    implementation has to do. --profile prints a cProfile of one more run.
(b) Throughput of small activations (10 devices each, distinct installations and request
    ids) through the real HTTP stack: `licensedesk serve --no-worker --port 8091 --workers 2
    --threads 4` is started in the background (DATABASE_URL = the bench database,
    LICENSEDESK_DATA_DIR = a temporary directory, access log to a file), the bodies are
    written beforehand, and a second process drives the load: wrk (Debian package `wrk`,
    with bench/replay.lua, each request once) when installed, else bench/httpload.py's
    thread pool of keep-alive http.client connections on loopback. Reported: requests/s and
    p50/p95 latency, spread over --licenses SLCs and all on one SLC (whose row lock
    serialises activations), and GET /healthz served the same way for comparison. Rails
    (issue 14): >= 200 activations/s and >= 0.07 x /healthz. The server is stopped at the end.
    --skip-http skips (b).
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from httpload import ms, pct, postgres_cpu, run_load, tree_cpu, wait_for

DB_NAME = "ld_bench_act"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
LICENSEDESK = str(Path(sys.executable).parent / "licensedesk")
PORT = 8091
PER_USER = 40  # requests per user and run, under the upload limit of 60 a minute
QUOTA = 1_000_000


def setup_database() -> None:
    def run(*command, **options):
        subprocess.run(command, check=True, **options)  # noqa: S603 - fixed commands

    psql = ("psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c")
    run(*psql, f"DROP DATABASE IF EXISTS {DB_NAME}")
    run(*psql, f"CREATE DATABASE {DB_NAME}")
    environment = {**os.environ, "DATABASE_URL": DATABASE_URL}
    run(LICENSEDESK, "migrate", "-v", "0", env=environment)
    run(LICENSEDESK, "demo", env=environment, stdout=subprocess.DEVNULL)


def make_fixtures(licenses: int, users_needed: int):
    """Fresh SLCs registered by Northwind, and License Admins with tokens."""
    from licensedesk.accounts import tokens
    from licensedesk.accounts.models import Organization, Role, User
    from licensedesk.catalog.models import Product, ProductVersion
    from licensedesk.licenses import issuing, services

    org = Organization.objects.get(slug="northwind")
    admin = User.objects.get(email="licenseadmin@northwind.example")
    product = Product.objects.get(code="C01")
    version = ProductVersion.objects.get(product=product, code="251")
    issued = issuing.issue(
        product=product, version=version, device_licenses=QUOTA, partner=org, count=licenses + 1
    )
    codes = [services.register(admin, lic.code).code for lic in issued]
    run = uuid.uuid4().hex[:8]
    users = []
    for i in range(users_needed):
        user = User.objects.create_user(
            email=f"bench-{run}-{i}@northwind.example",
            password=None,
            organization=org,
            role=Role.LICENSE_ADMIN,
            first_name="Bench",
            last_name=str(i),
        )
        users.append((user, tokens.create_token(user, "bench")[1]))
    return codes, users


def make_body(slc: str, devices: int) -> bytes:
    from licensedesk_client import lrq as lrq_writer

    return lrq_writer.make_lrq(
        slc,
        lrq_writer.sample_devices(devices),
        installation_id=str(uuid.uuid4()),
        hostname="vms.bench.local",
        product_version="25.1",
        request_id=str(uuid.uuid4()),
    )


def bench_big(slc: str, token: str, reps: int, devices: int, profile: bool) -> dict:
    import cProfile
    import pstats

    from django.test import Client

    from licensedesk.activation import lrq, signing
    from licensedesk.activation.models import Activation
    from licensedesk_client import jws

    client = Client()
    path = f"/api/v1/licenses/{slc}/activations"
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def post(body):
        start = time.perf_counter()
        response = client.post(path, body, content_type="application/xml", **headers)
        took = time.perf_counter() - start
        assert response.status_code == 201, (response.status_code, response.content[:300])
        return took, response.content.decode()

    post(make_body(slc, devices))  # warm-up: imports, connection, key file
    bodies = [make_body(slc, devices) for _ in range(reps)]
    server, files = [], []
    for body in bodies:
        took, content = post(body)
        server.append(took)
        files.append(content)
    _, payload = jws.verify(files[-1], signing.jwks())
    assert sum(d["activated"] for d in payload["devices"]) == devices

    parse_times, sign_times = [], []
    for body in bodies:
        start = time.perf_counter()
        lrq.parse(body)
        parse_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        signing.sign(payload)
        sign_times.append(time.perf_counter() - start)
    floor = [p + s for p, s in zip(parse_times, sign_times, strict=True)]

    result = {
        "devices": devices,
        "reps": reps,
        "body_bytes": len(bodies[0]),
        "file_bytes": len(files[-1]),
        "server_p50": pct(server, 50),
        "server_p95": pct(server, 95),
        "parse_p50": statistics.median(parse_times),
        "sign_p50": statistics.median(sign_times),
        "floor_p50": statistics.median(floor),
        "floor_p95": pct(floor, 95),
        "activations": Activation.objects.filter(license__code=slc).count(),
    }
    if profile:
        profiler = cProfile.Profile()
        body = make_body(slc, devices)
        profiler.enable()
        post(body)
        profiler.disable()
        stats = pstats.Stats(profiler).strip_dirs().sort_stats("cumulative")
        print("\ncProfile of one more 10,000-device activation (cumulative, top 35):")
        stats.print_stats(35)
        stats.sort_stats("tottime").print_stats(20)
    return result


def small_floor(slc: str, token: str, runs: int = 500) -> float:
    """p50 of lrq.parse + signing.sign for a 10-device request and its activated file: what
    any implementation of a small activation has to do, the floor beside (b)."""
    from django.test import Client

    from licensedesk.activation import lrq, signing
    from licensedesk_client import jws

    body = make_body(slc, 10)
    response = Client().post(
        f"/api/v1/licenses/{slc}/activations",
        body,
        content_type="application/xml",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 201, response.content[:300]
    _, payload = jws.verify(response.content.decode(), signing.jwks())
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        lrq.parse(body)
        signing.sign(payload)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report_big(big: dict) -> None:
    print(
        f"\n(a) {big['devices']:,}-device .lrq ({big['body_bytes'] / 1e6:.2f} MB) -> activated "
        f".lic ({big['file_bytes'] / 1e6:.2f} MB), {big['reps']} runs, in-process test Client"
    )
    print(f"    server time  p50 {ms(big['server_p50'])}  p95 {ms(big['server_p95'])}")
    print(
        f"    floor        p50 {ms(big['floor_p50'])}  p95 {ms(big['floor_p95'])}  "
        f"(lrq.parse p50 {ms(big['parse_p50'])} + signing.sign p50 {ms(big['sign_p50'])})"
    )
    verdict = "MET" if big["server_p95"] <= 0.5 else "MISSED"
    print(f"    target p95 <= 500 ms: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--setup", action="store_true", help="(re)create ld_bench_act first")
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--devices", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--licenses", type=int, default=8, help="SLCs the load is spread over")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="web processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per web process")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--skip-big", action="store_true", help="only (b)")
    parser.add_argument(
        "--server-pgoptions",
        default="",
        help='diagnostics: PGOPTIONS for the server, e.g. "-c synchronous_commit=off"',
    )
    args = parser.parse_args()

    if args.setup:
        setup_database()
    workdir = Path(tempfile.mkdtemp(prefix="ld-bench-act-"))
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ["LICENSEDESK_DATA_DIR"] = str(workdir / "data")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "licensedesk.settings")
    os.environ.pop("LICENSEDESK_SIGNING_KEYS_FILE", None)
    import django

    django.setup()
    from django.db import connection
    from inprocess import allow_test_client

    allow_test_client()

    per_run = -(-args.requests // PER_USER)
    # users: the big runs, the warm-up (3), two loads, the small floor
    codes, users = make_fixtures(args.licenses, 1 + 3 + 2 * per_run + 1)
    big_slc, spread = codes[0], codes[1:]
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        pg_version = cursor.fetchone()[0].split(" on ")[0]
    print(f"{pg_version}; {os.cpu_count()} CPUs; Python {sys.version.split()[0]}")

    if not args.skip_big:
        report_big(bench_big(big_slc, users[0][1], args.reps, args.devices, args.profile))
    if args.skip_http:
        return

    # (b) The real HTTP API under load.
    floor = small_floor(spread[0], users[-1][1])
    pool = [secret for _, secret in users[1:-1]]

    def activations(slcs, count):
        # Each run has its own users, so no user's token bucket runs dry.
        tokens = [pool.pop() for _ in range(-(-count // PER_USER))]
        return [
            [
                "POST",
                f"/api/v1/licenses/{slcs[i % len(slcs)]}/activations",
                tokens[i % len(tokens)],
                make_body(slcs[i % len(slcs)], 10).decode(),
            ]
            for i in range(count)
        ]

    warmup = activations(spread, 100)
    spread_requests = activations(spread, args.requests)
    one_requests = activations(spread[:1], args.requests)
    health = [["GET", "/healthz", None, None] for _ in range(args.requests)]
    connection.close()

    environment = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "LICENSEDESK_DATA_DIR": str(workdir / "data"),
    }
    if args.server_pgoptions:
        environment["PGOPTIONS"] = args.server_pgoptions
        print(f"\n(diagnostics: the server runs with PGOPTIONS={args.server_pgoptions!r})")
    log = (workdir / "serve.log").open("w")
    server = subprocess.Popen(  # noqa: S603
        [
            LICENSEDESK,
            "serve",
            "--no-worker",
            "--port",
            str(PORT),
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
        ],
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    results = {}
    try:
        wait_for(PORT, server)
        run_load(workdir, "warmup", PORT, warmup, args.concurrency, args.seconds, "application/xml")
        for name, requests in (
            ("GET /healthz", health),
            (f"activations over {len(spread)} SLCs", spread_requests),
            ("activations on one SLC", one_requests),
        ):
            cpu, db_cpu, backends = tree_cpu(server.pid), postgres_cpu(), postgres_cpu(DB_NAME)
            results[name] = run_load(
                workdir, name.split()[0], PORT, requests, args.concurrency, 60, "application/xml"
            )
            results[name]["cpu"] = (tree_cpu(server.pid) - cpu) / results[name]["count"]
            results[name]["db_cpu"] = (postgres_cpu() - db_cpu) / results[name]["count"]
            results[name]["backend_cpu"] = (postgres_cpu(DB_NAME) - backends) / results[name][
                "count"
            ]
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()

    print(
        f"\n(b) through HTTP: licensedesk serve --workers {args.workers} --threads "
        f"{args.threads} (gthread), "
        f"{args.concurrency} keep-alive connections from a second process"
    )
    for name, r in results.items():
        print(
            f"    {name:<28} {r['count']:>5} req in {r['seconds']:5.1f} s  "
            f"{r['rate']:7.1f}/s  p50 {ms(r['p50'])}  p95 {ms(r['p95'])}  "
            f"CPU/req: server {ms(r['cpu'])}, PostgreSQL {ms(r['db_cpu'])} (of which its "
            f"backends {ms(r['backend_cpu'])})  "
            f"statuses {r['statuses']}"
        )
    print(
        f"    floor of a small activation: lrq.parse + signing.sign p50 {ms(floor)} in this "
        f"process (at most {1 / floor:,.0f}/s a core for those two alone)"
    )
    rate = results[f"activations over {len(spread)} SLCs"]["rate"]
    ratio = rate / results["GET /healthz"]["rate"]
    met = rate >= 200 and ratio >= 0.07
    print(f"    rails >= 200/s and >= 0.07 x /healthz: {ratio:.3f} x, {'MET' if met else 'MISSED'}")
    print(f"    (server log: {workdir / 'serve.log'})")


if __name__ == "__main__":
    main()
