"""licensedesk-client: play a customer's VMS installation against licensedesk.

licensedesk-client make-lrq --slc SLC --devices 10 [-o request.lrq]
licensedesk-client verify FILE.lic --jwks jwks.json|URL
licensedesk-client activate --server URL --token T --lrq request.lrq [-o activated.lic]
"""

import argparse
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from licensedesk_client import jws
from licensedesk_client import lrq as lrq_writer


def _http_url(url: str) -> str:
    if not url.startswith(("http://", "https://")):
        raise SystemExit("error: the server URL must start with http:// or https://")
    return url


def _load_jwks(source: str) -> dict:
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=30) as response:  # noqa: S310 - http(s) only
            text = response.read()
    else:
        text = Path(source).read_bytes()
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ValueError(f"{source} is not a JWKS: it is not JSON.") from exc


def cmd_make_lrq(args) -> int:
    devices = (
        lrq_writer.read_devices_csv(args.devices_file)
        if args.devices_file
        else lrq_writer.sample_devices(args.devices, seed=args.seed)
    )
    data = lrq_writer.make_lrq(
        args.slc,
        devices,
        installation_id=args.installation_id,
        hostname=args.hostname,
        product_version=args.product_version,
        request_id=args.request_id,
    )
    if args.output == "-":
        sys.stdout.buffer.write(data)
    else:
        Path(args.output).write_bytes(data)
        print(f"wrote {args.output}: {len(devices)} device(s) for {args.slc}", file=sys.stderr)
    return 0


def cmd_verify(args) -> int:
    try:
        jwks = _load_jwks(args.jwks)
        # A license file is ASCII; anything else fails verify's base64url check.
        token = Path(args.file).read_bytes().decode("ascii", errors="replace")
        header, payload = jws.verify(token, jwks)
    except jws.VerificationError as exc:
        print(f"INVALID: {exc}", file=sys.stderr)
        return 1
    except (OSError, ValueError, urllib.error.URLError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    kid = header.get("kid")
    print(f"VALID {payload['type']} license file for {payload.get('slc')} (key {kid})")
    print(json.dumps(payload, indent=2))
    return 0


def cmd_activate(args) -> int:
    data = Path(args.lrq).read_bytes()
    slc = urllib.parse.quote(args.slc or _slc_of(data))
    url = _http_url(args.server.rstrip("/") + f"/api/v1/licenses/{slc}/activations")
    request = urllib.request.Request(  # noqa: S310 - _http_url allows http(s) only
        url,
        data=data,
        method="POST",
        headers={
            "Authorization": f"Bearer {args.token}",
            "Content-Type": "application/xml",
            "Idempotency-Key": args.idempotency_key or str(uuid.uuid4()),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            body = response.read().decode()
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode(errors="replace")
        print(f"error: HTTP {exc.code}: {detail}", file=sys.stderr)
        return 1
    except urllib.error.URLError as exc:
        print(f"error: {exc.reason}", file=sys.stderr)
        return 2
    Path(args.output).write_text(body)
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


def cmd_monitor(args) -> int:
    from licensedesk_client import monitor

    simulator = monitor.Simulator(args.simulate, seed=args.seed) if args.simulate else None
    sent = 0
    while args.count is None or sent < args.count:
        if simulator is not None and simulator.silent:
            print(
                "the simulated installation went silent (it will show as Offline)", file=sys.stderr
            )
            return 0
        report = simulator.report() if simulator else monitor.real_report()
        try:
            status = monitor.send(args.server, args.token, args.installation, report)
        except (OSError, ValueError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = None
        state = "accepted" if status == 202 else f"refused (HTTP {status}, after retries)"
        print(f"{monitor._now()} report {sent + 1}: {state}", file=sys.stderr)
        if status in (401, 404):
            return 1  # a wrong token or installation won't get better by retrying
        sent += 1
        if args.count is None or sent < args.count:
            time.sleep(args.interval)
    return 0


def _slc_of(data: bytes) -> str:
    import xml.etree.ElementTree as ET  # noqa: S405 - our own request file, just written

    return (ET.fromstring(data).findtext("SLC") or "").strip()  # noqa: S314


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="licensedesk-client",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="command", required=True)

    m = sub.add_parser("make-lrq", help="write a license request file")
    m.add_argument("--slc", required=True)
    group = m.add_mutually_exclusive_group(required=True)
    group.add_argument("--devices", type=int, help="make up this many cameras")
    group.add_argument("--devices-file", help="CSV with a header: hardwareId,mac,name,…")
    m.add_argument("--seed", default="cam", help="prefix of made-up hardware ids")
    m.add_argument("--installation-id")
    m.add_argument("--request-id")
    m.add_argument("--hostname", default="vms01.example.local")
    m.add_argument("--product-version", default="25.1")
    m.add_argument("-o", "--output", default="request.lrq", help="file, or - for stdout")
    m.set_defaults(func=cmd_make_lrq)

    v = sub.add_parser("verify", help="check a license file's signature and content")
    v.add_argument("file")
    v.add_argument("--jwks", required=True, help="jwks.json file or its URL")
    v.set_defaults(func=cmd_verify)

    a = sub.add_parser("activate", help="activate online through the API")
    a.add_argument("--server", required=True)
    a.add_argument("--token", required=True)
    a.add_argument("--lrq", required=True)
    a.add_argument("--slc", help="default: the SLC in the request file")
    a.add_argument("--idempotency-key")
    a.add_argument("-o", "--output", default="activated.lic")
    a.set_defaults(func=cmd_activate)
    mon = sub.add_parser("monitor", help="send status reports (real or simulated)")
    mon.add_argument("--server", required=True)
    mon.add_argument("--token", required=True)
    mon.add_argument("--installation", required=True, type=int)
    mon.add_argument("--interval", type=float, default=60, help="seconds between reports")
    mon.add_argument(
        "--simulate",
        choices=["healthy", "flaky", "dying", "grace", "swaps"],
        help="grace: devices enter grace and its end nears a day per report; "
        "swaps: device changes use up those allowed without activation",
    )
    mon.add_argument("--count", type=int, help="stop after this many reports")
    mon.add_argument("--seed", type=int, help="random seed of the simulation")
    mon.set_defaults(func=cmd_monitor)
    return p


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)
