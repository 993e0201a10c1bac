"""Licenses ready to activate, and license request files (.lrq) good and bad."""

import uuid
from datetime import UTC, datetime

from licensedesk.licenses.models import License
from licensedesk.licenses.tests import factories
from licensedesk_client import lrq as lrq_writer

INSTALLATION = "6f1c2a4e-0d3b-4c5a-9e8f-1a2b3c4d5e6f"
REQUEST = "0b7f6f0e-7d0c-4f43-9a57-3c1e2d4b5a69"


def activatable(org, *, devices=10, expires_on=None, grant_to=()) -> License:
    """A license registered by `org` with `devices` device licenses."""
    lic = factories.registered(org, grant_to=grant_to)
    License.objects.filter(pk=lic.pk).update(device_licenses=devices, expires_on=expires_on)
    lic.refresh_from_db()
    return lic


def hardware_ids(count, seed="cam") -> list[str]:
    return [f"{seed}-{i:06d}" for i in range(count)]


def lrq(slc, devices=(), *, installation=INSTALLATION, request_id=None, hostname="vms01") -> bytes:
    """A license request listing `devices` (hardware ids, or a count of made-up cameras)."""
    ids = hardware_ids(devices) if isinstance(devices, int) else list(devices)
    return lrq_writer.make_lrq(
        slc,
        [{"hardwareId": hid, "name": f"Camera {hid}"} for hid in ids],
        installation_id=installation,
        hostname=hostname,
        request_id=request_id or str(uuid.uuid4()),
        created=datetime(2025, 3, 1, 12, 0, tzinfo=UTC),
    )


def raw_lrq(
    slc="M01-C01-251-01-7K3QF9",
    *,
    root="LicenseRequest",
    version="1",
    installation=f'<Installation id="{INSTALLATION}" hostname="vms01"/>',
    request=f'<Request id="{REQUEST}" created="2025-03-01T12:00:00Z"/>',
    devices='<Device hardwareId="cam-1"/><Device hardwareId="cam-2"/>',
    prolog="",
) -> bytes:
    """A hand-written .lrq, each part replaceable to make a bad one."""
    slc_element = f"<SLC>{slc}</SLC>" if slc is not None else ""
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n{prolog}'
        f'<{root} version="{version}">{slc_element}{installation}{request}'
        f"<Devices>{devices}</Devices></{root}>"
    ).encode()


def sized_lrq(size: int, slc="M01-C01-251-01-7K3QF9") -> bytes:
    """A well-formed .lrq padded with an XML comment to exactly `size` bytes."""
    bare = raw_lrq(slc)
    data = raw_lrq(slc, prolog="<!--" + "x" * (size - len(bare) - 8) + "-->\n")
    assert len(data) == size
    return data


def verify_with_joserfc(token: str, jwks: dict) -> tuple[dict, dict]:
    """(header, payload) of a license file, checked by an independent JOSE library."""
    import json
    import warnings

    from joserfc import jws
    from joserfc.jwk import KeySet

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # RFC 9864 deprecates the name "EdDSA", not Ed25519
        obj = jws.deserialize_compact(token, KeySet.import_key_set(jwks), algorithms=["EdDSA"])
    return obj.headers(), json.loads(obj.payload)
