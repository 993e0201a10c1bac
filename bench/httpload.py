"""The HTTP load generator and measuring helpers shared by the benchmarks that drive a real
`licensedesk serve` (bench/activation.py, bench/monitoring.py). The load runs in a second
process, without Django, on loopback:

    python bench/httpload.py SPEC.json [--concurrency 8] [--seconds 60]
"""

import argparse
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path


def pct(values, p) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def ms(seconds) -> str:
    return f"{seconds * 1000:.1f} ms"


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg()) + f" on {os.cpu_count()} CPUs"


# ---------------------------------------------------------------------------------------
# Load generator: runs in its own process, no Django.


def load(spec_path: str, concurrency: int, max_seconds: float) -> None:
    """Read {"port", "requests": [[method, path, token, body], ...]} and play them with
    `concurrency` keep-alive connections; print one JSON line with the results."""
    import http.client

    spec = json.loads(Path(spec_path).read_text())
    work: queue.Queue = queue.Queue()
    for item in spec["requests"]:
        work.put(item)
    latencies, statuses, lock = [], {}, threading.Lock()
    deadline = time.perf_counter() + max_seconds

    def run():
        conn = http.client.HTTPConnection("127.0.0.1", spec["port"], timeout=60)
        mine, codes = [], {}
        while time.perf_counter() < deadline:
            try:
                method, path, token, body = work.get_nowait()
            except queue.Empty:
                break
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            if body is not None:
                headers["Content-Type"] = spec.get("content_type", "application/json")
            data = body.encode() if body is not None else None
            start = time.perf_counter()
            for attempt in range(2):
                try:
                    conn.request(method, path, body=data, headers=headers)
                    response = conn.getresponse()
                    response.read()
                    break
                except (http.client.HTTPException, OSError):
                    conn.close()  # the server closed the keep-alive connection: reconnect once
                    conn = http.client.HTTPConnection("127.0.0.1", spec["port"], timeout=60)
                    if attempt:
                        raise
            mine.append(time.perf_counter() - start)
            codes[response.status] = codes.get(response.status, 0) + 1
        conn.close()
        with lock:
            latencies.extend(mine)
            for code, n in codes.items():
                statuses[code] = statuses.get(code, 0) + n

    threads = [threading.Thread(target=run) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    print(
        json.dumps(
            {
                "count": len(latencies),
                "seconds": elapsed,
                "rate": len(latencies) / elapsed,
                "p50": pct(latencies, 50),
                "p95": pct(latencies, 95),
                "statuses": statuses,
            }
        )
    )


def wait_for(port: int, process, seconds=60) -> None:
    """Wait until the server answers /healthz, then a little longer: each web process
    listens on its own socket (SO_REUSEPORT), and a process still starting would leave the
    keep-alive connections opened now all to the others."""
    import http.client

    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                time.sleep(3)
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not come up")


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its children (Linux)."""
    ticks = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / ticks
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += times.get(current, 0.0)
        todo.extend(children.get(current, []))
    return total


def _escape(body: str) -> str:
    return body.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")


def postgres_cpu(database: str | None = None) -> float:
    """CPU seconds used so far by this machine's PostgreSQL processes (Linux); with
    `database`, only the backends connected to it (not autovacuum, checkpoints, WAL writing)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            head, tail = (entry / "stat").read_text().rsplit(")", 1)
            command = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if head.endswith("(postgres") and (database is None or f" {database} " in command):
            fields = tail.split()
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def _rates(result: dict) -> dict:
    result["count"] = sum(result["statuses"].values())
    result["ok"] = sum(n for status, n in result["statuses"].items() if str(status)[0] == "2")
    result["rate"] = result["ok"] / result["seconds"]  # only what succeeded counts
    return result


def run_load(
    workdir: Path,
    name: str,
    port: int,
    requests: list,
    concurrency: int,
    seconds: float,
    content_type: str = "application/json",
):
    """Play `requests` ([method, path, token, body]) against 127.0.0.1:`port` from a second
    process, each once; returns {count, ok, seconds, rate, p50, p95, statuses, driver}; the
    rate counts the 2xx answers only.

    The driver is wrk (Debian package `wrk`) with bench/replay.lua when it is installed: it
    costs the machine far less CPU than Python does, leaving the two cores to the server
    and the database. Without it, this script's own thread-pool loader."""
    if shutil.which("wrk"):
        spec = workdir / f"{name}.tsv"
        spec.write_text(
            "".join(
                f"{method}\t{path}\t{token or ''}\t{_escape(body or '')}\n"
                for method, path, token, body in requests
            )
        )
        wrk = subprocess.Popen(
            [
                "wrk",
                "-t",
                "1",  # one list for all connections: no thread idles while another lags
                "-c",
                str(concurrency),
                "-d",
                f"{int(seconds)}s",
                "--timeout",
                "60s",
                "-s",
                str(Path(__file__).with_name("replay.lua")),
                f"http://127.0.0.1:{port}",
                "--",
                str(spec),
                content_type,
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        marker = Path(f"{spec}.done")
        while wrk.poll() is None and not marker.exists():
            time.sleep(0.001)
        time.sleep(0.005)  # the last requests are still being answered
        wrk.send_signal(signal.SIGINT)
        stdout, _ = wrk.communicate()
        marker.unlink(missing_ok=True)
        line = next(x for x in stdout.splitlines() if x.startswith("RESULT "))
        result = json.loads(line.removeprefix("RESULT "))
        # Answers other than 2xx include the few "done" requests sent after the last one.
        ok = result["answered"] - result["not_2xx"]
        result["statuses"] = {"2xx": ok, "other": len(requests) - ok}
        result["count"], result["ok"] = len(requests), ok
        result["rate"] = ok / result["seconds"]
        result["driver"] = "wrk"
        return result
    spec = workdir / f"{name}.json"
    spec.write_text(json.dumps({"port": port, "requests": requests, "content_type": content_type}))
    out = subprocess.run(  # this very script
        [
            sys.executable,
            __file__,
            str(spec),
            "--concurrency",
            str(concurrency),
            "--seconds",
            str(seconds),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    result = _rates(json.loads(out.stdout.strip().splitlines()[-1]))
    result["driver"] = "python"
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("spec")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    load(args.spec, args.concurrency, args.seconds)
