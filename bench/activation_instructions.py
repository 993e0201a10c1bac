"""CPU instructions of the web side of a small activation (10 devices), counted by valgrind's
callgrind: the same count for the same code whatever else the machine is doing, so two versions
of the code can be compared on this noisy machine without alternating timed runs. Run by hand,
never by the test suite (needs Debian's `valgrind`, and ld_bench_act from bench/activation.py
--setup):

    .venv/bin/python bench/activation_instructions.py [--activations 60]
    PYTHONPATH=/path/to/other/checkout .venv/bin/python bench/activation_instructions.py

It starts itself under callgrind with counting off, makes fresh SLCs and License Admins with
tokens (bench/activation.py's fixtures), sends 40 activations through Django's test Client to
warm up, then counts only the measured activations (POST /api/v1/licenses/{slc}/activations,
full middleware and django-ninja, PostgreSQL's own work not included) and prints the
instructions per activation. Repeated runs of the same code agree within 0.1 % when nothing
else runs, within 1 % while PostgreSQL is busy (the driver then waits, and polls, longer).
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ld_bench_act"
WARM_UP = 40


def measured(activations: int, marker: Path) -> None:
    """In the process under callgrind: warm up, tell the parent, wait, activate, tell it."""
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "licensedesk.settings")
    os.environ.setdefault("LICENSEDESK_DATA_DIR", tempfile.mkdtemp(prefix="ld-bench-instr-"))
    import django

    django.setup()
    import activation as bench
    from django.test import Client
    from inprocess import allow_test_client

    allow_test_client()
    total = WARM_UP + activations
    codes, users = bench.make_fixtures(8, -(-total // bench.PER_USER))
    requests = []
    for i in range(total):
        slc = codes[1 + i % 7]
        token = users[i // bench.PER_USER][1]
        requests.append((f"/api/v1/licenses/{slc}/activations", bench.make_body(slc, 10), token))
    client = Client()

    def send(part):
        for path, body, token in part:
            response = client.post(
                path, body, content_type="application/xml", HTTP_AUTHORIZATION=f"Bearer {token}"
            )
            assert response.status_code == 201, (response.status_code, response.content[:300])

    send(requests[:WARM_UP])
    (marker / "ready").touch()
    while not (marker / "go").exists():
        time.sleep(0.05)
    send(requests[WARM_UP:])
    (marker / "done").touch()


def wait_for(path: Path, process: subprocess.Popen) -> None:
    while not path.exists():
        if process.poll() is not None:
            sys.exit(f"the measured process ended early (exit {process.returncode})")
        time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--activations", type=int, default=60)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        measured(args.activations, Path(args.child))
        return

    marker = Path(tempfile.mkdtemp(prefix="ld-bench-instr-"))
    out = marker / "callgrind.out"
    command = ["valgrind", "--tool=callgrind", "--instr-atstart=no"]
    command += [f"--callgrind-out-file={out}", sys.executable, __file__]
    command += ["--activations", str(args.activations), "--child", str(marker)]
    log = (marker / "valgrind.log").open("w")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        wait_for(marker / "ready", process)
        control = ["callgrind_control", "-i"]
        subprocess.run([*control, "on", str(process.pid)], check=True, capture_output=True)  # noqa: S603
        (marker / "go").touch()
        wait_for(marker / "done", process)
        subprocess.run([*control, "off", str(process.pid)], check=True, capture_output=True)  # noqa: S603
        process.wait(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    totals = [line for line in out.read_text().splitlines() if line.startswith("totals:")]
    instructions = int(totals[0].split()[1])
    print(
        f"{instructions / args.activations / 1e6:.2f} M instructions per activation "
        f"({args.activations} activations; web side only; log in {marker})"
    )


if __name__ == "__main__":
    main()
