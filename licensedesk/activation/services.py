"""License files and device activation.

Device licenses are a quota per SLC shared by all its installations; each distinct device
(hardware id) active on an installation uses one. A license request lists an installation's
complete set: devices not listed any more are released, devices listed again keep their
activation, new devices are activated in the request's order while the quota lasts."""

import hashlib
import json
from datetime import UTC

from django.conf import settings
from django.db import IntegrityError, connection, connections, router, transaction
from django.utils import timezone

from licensedesk.activation import lrq as lrq_format
from licensedesk.activation import signing
from licensedesk.activation.models import Activation, ActiveDevice, IdempotencyKey
from licensedesk.audit import services as audit
from licensedesk.care.status import today
from licensedesk.core import plans, rows
from licensedesk.core.errors import Conflict, ServiceError
from licensedesk.licenses.models import License
from licensedesk.monitoring.models import Installation
from licensedesk.notifications import events
from licensedesk.notifications.services import event_job


def _iso(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_ADDONS = (
    "SELECT p.code FROM catalog_product p JOIN licenses_license_addons x "
    "ON x.product_id = p.id WHERE x.license_id = {} ORDER BY p.kind, p.name"
)


def _addon_codes(license_id: int) -> list[str]:
    return [code for (code,) in rows.fetch_all(_ADDONS.format("%s"), [license_id])]


def license_payload(lic: License, kind: str, addons=None) -> dict:
    """What every license file states about its license (`addons`: its add-ons' codes, if
    the caller has them)."""
    return {
        "type": kind,
        "issuer": getattr(settings, "LICENSEDESK_ISSUER", "M01"),
        "slc": lic.code,
        "product": {"code": lic.product.code, "name": lic.product.name},
        "version": {"code": lic.version.code, "name": lic.version.name},
        "addons": _addon_codes(lic.pk) if addons is None else addons,
        "deviceLicenses": {"total": lic.device_licenses, "activated": lic.devices_used},
        "care": (
            {"level": lic.care_level, "endsOn": lic.care_ends_on.isoformat()}
            if lic.care_ends_on
            else None
        ),
        "expiresOn": lic.expires_on.isoformat() if lic.expires_on else None,
        "licensee": lic.organization.name if lic.organization_id else None,
        "customer": lic.customer.name if lic.customer_id else None,
        "issuedAt": _iso(timezone.now()),
    }


def initial_license_file(lic: License, user=None, request=None) -> str:
    """The license file a new installation is installed with."""
    audit.record("license.download", request=request, actor=user, target=lic)
    return signing.sign(license_payload(lic, "initial"))


def _check_can_activate(lic: License, request_slc: str) -> None:
    if request_slc != lic.code:
        raise ServiceError(
            f"This license request is for {request_slc or 'another license'}, not for "
            f"{lic.code}. Upload it on the license it was made for.",
            code="slc_mismatch",
            field="lrq",
        )
    if not lic.is_registered:
        raise ServiceError("This license is not registered.", code="not_registered")
    if lic.expires_on and lic.expires_on < today():
        raise ServiceError(
            f"This license expired on {lic.expires_on:%Y-%m-%d}; it cannot be activated.",
            code="license_expired",
        )


def activate(user, lic: License, data: bytes, *, via="web", idempotency_key=None, request=None):
    """Process a license request for `lic`; returns (activation, replayed). A request already
    processed (same request id and content) returns its first activation and uses nothing."""
    parsed = lrq_format.parse(data)
    _check_can_activate(lic, parsed.slc)
    body_digest = hashlib.sha256(data).hexdigest()
    try:
        return _activate(user, lic, parsed, via, idempotency_key, body_digest, request)
    except IntegrityError as exc:
        # Two identical requests raced: the loser answers with the winner's activation.
        prior = Activation.objects.filter(license=lic, request_id=parsed.request_id).first()
        if prior is not None and prior.request_digest == parsed.digest():
            return prior, True
        raise Conflict(
            "This request was processed at the same moment; send it again.",
            code="concurrent_request",
        ) from exc


MANY_DEVICES = 100  # a statement more pays off above this (the API plans generically anyway)
DEVICE_COLUMNS = ("hardware_id", "mac", "manufacturer", "model", "name", "type")
_INSERT_FEW_DEVICES = (  # the devices as one JSON document: psycopg adapts six lists slower
    "INSERT INTO activation_activedevice (installation_id, activated_at, hardware_id, mac, "
    "manufacturer, model, name, type) SELECT %s, %s, d.hardware_id, d.mac, d.manufacturer, "
    "d.model, d.name, d.type FROM jsonb_to_recordset(%s::jsonb) AS d(hardware_id text, "
    "mac text, manufacturer text, model text, name text, type text)"
)


def _in_one_statement(devices) -> bool:
    """Whether the new devices go in the activation's one statement (`rows.write_together`):
    on PostgreSQL, when they are few; else `_insert_devices` inserts them before it."""
    return connection.vendor == "postgresql" and len(devices) < MANY_DEVICES


def _devices_write(installation, devices, now) -> rows.Write:
    listed = json.dumps([{c: getattr(d, c) for c in DEVICE_COLUMNS} for d in devices])
    return rows.Write(_INSERT_FEW_DEVICES, [installation.pk, now, listed])


def _insert_devices(installation, devices, now) -> None:
    """Insert the newly activated devices. On PostgreSQL with COPY: a request may list tens
    of thousands of devices, and INSERTs with client-side parameter binding take about ten
    times as long; elsewhere with bulk_create."""
    if len(devices) >= MANY_DEVICES:  # their foreign-key checks at COMMIT
        plans.generic_plans_until_commit()
    connection = connections[router.db_for_write(ActiveDevice)]
    if connection.vendor != "postgresql":
        ActiveDevice.objects.bulk_create(
            [
                ActiveDevice(
                    installation=installation,
                    activated_at=now,
                    **{c: getattr(d, c) for c in DEVICE_COLUMNS},
                )
                for d in devices
            ],
            batch_size=2000,
        )
        return
    fields = [ActiveDevice._meta.get_field(c) for c in ("installation", *DEVICE_COLUMNS)]
    columns = ", ".join(
        connection.ops.quote_name(f.column)
        for f in [*fields, ActiveDevice._meta.get_field("activated_at")]
    )
    table = connection.ops.quote_name(ActiveDevice._meta.db_table)
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for d in devices:
            copy.write_row(
                (
                    installation.pk,
                    d.hardware_id,
                    d.mac,
                    d.manufacturer,
                    d.model,
                    d.name,
                    d.type,
                    now,
                )
            )


# The license's row locked, with the activation of a request id and the add-on codes (an
# array on PostgreSQL, a JSON array on SQLite, which locks the whole database anyway).
_LOCK_SELECT = (
    "SELECT l.device_licenses, l.devices_used, (SELECT a.id FROM activation_activation a "
    "WHERE a.license_id = l.id AND a.request_id = %s), {addons} "
    "FROM licenses_license l WHERE l.id = %s{lock}"
)
_LOCK_LICENSE = {
    "postgresql": _LOCK_SELECT.format(
        addons="ARRAY(" + _ADDONS.format("l.id") + ")", lock=" FOR UPDATE OF l"
    ),
    "sqlite": _LOCK_SELECT.format(
        addons="(SELECT json_group_array(code) FROM (" + _ADDONS.format("l.id") + "))",  # noqa: S608 - fixed SQL
        lock="",
    ),
}


def _lock_license(license_id: int, request_id: str) -> tuple[int, int, int | None, list]:
    """The license's counters, its row locked (SQLite locks the whole database already), with
    what an activation needs next in the same round trip: the id of the activation of this
    request id on this license, if there is one, and the license's add-on codes."""
    device_licenses, devices_used, prior_id, addons = rows.fetch_one(
        _LOCK_LICENSE[connection.vendor],
        [rows.db_value(Activation, "request_id", request_id), license_id],
    )
    if isinstance(addons, str):  # SQLite's JSON array
        addons = json.loads(addons)
    return device_licenses, devices_used, prior_id, addons


def _installation(lic, parsed, now) -> tuple[Installation, bool]:
    """The installation of the request on this license, made now if it is new (one upsert;
    the license's row lock keeps two requests of one installation apart), and whether it is
    new: made at `now`, which is later than anything made before the lock was taken."""
    uuid_db = rows.db_value(Installation, "uuid", parsed.installation_id)
    now_db = rows.db_value(Installation, "created_at", now)
    pk, hostname, product_version, devices_active, new = rows.fetch_one(
        "INSERT INTO activation_installation (license_id, uuid, hostname, product_version, "
        "devices_active, created_at) VALUES (%s, %s, %s, %s, 0, %s) "
        "ON CONFLICT (license_id, uuid) DO UPDATE SET license_id = EXCLUDED.license_id "
        "RETURNING id, hostname, product_version, devices_active, created_at = %s",
        [lic.pk, uuid_db, parsed.hostname, parsed.product_version, now_db, now_db],
    )
    installation = Installation(
        pk=pk,
        license=lic,
        uuid=parsed.installation_id,
        hostname=hostname,
        product_version=product_version,
        devices_active=devices_active,
    )
    return installation, bool(new)


def _active_hardware_ids(installation_id: int) -> list[str]:
    found = rows.fetch_all(
        "SELECT hardware_id FROM activation_activedevice WHERE installation_id = %s ORDER BY id",
        [installation_id],
    )
    return [hid for (hid,) in found]


_SAVE_INSTALLATION = (
    "UPDATE activation_installation SET hostname = %s, product_version = %s, "
    "devices_active = %s, last_activation_at = %s WHERE id = %s"
)
_SAVE_LICENSE = "UPDATE licenses_license SET devices_used = %s WHERE id = %s"
_RELEASE = {
    "postgresql": "DELETE FROM activation_activedevice "
    "WHERE installation_id = %s AND hardware_id = ANY(%s)",
    "sqlite": "DELETE FROM activation_activedevice "
    "WHERE installation_id = %s AND hardware_id IN (SELECT value FROM json_each(%s))",
}


def _release_writes(installation, hardware_ids) -> list[rows.Write]:
    if not hardware_ids:
        return []
    ids = hardware_ids if connection.vendor == "postgresql" else json.dumps(hardware_ids)
    return [rows.Write(_RELEASE[connection.vendor], [installation.pk, ids])]


def _count_writes(installation, lic) -> list[rows.Write]:
    """The installation's and the license's counters."""
    return [
        rows.Write(
            _SAVE_INSTALLATION,
            [
                installation.hostname,
                installation.product_version,
                installation.devices_active,
                rows.db_value(Installation, "last_activation_at", installation.last_activation_at),
                installation.pk,
            ],
        ),
        rows.Write(_SAVE_LICENSE, [lic.devices_used, lic.pk]),
    ]


@transaction.atomic
def _activate(user, lic, parsed, via, idempotency_key, body_digest, request):
    if idempotency_key:
        previous = IdempotencyKey.objects.filter(user=user, key=idempotency_key).first()
        if previous is not None:
            if previous.body_digest != body_digest:
                raise ServiceError(
                    "This Idempotency-Key was used with a different request.",
                    code="idempotency_key_reused",
                    status=422,
                )
            return previous.activation, True
    # Lock the license: activations of one SLC run one at a time, so the quota holds. Only
    # the counters are read again under the lock: the rest of `lic` came with the lookup.
    lic.device_licenses, lic.devices_used, prior_id, addons = _lock_license(
        lic.pk, parsed.request_id
    )
    digest = parsed.digest()
    prior = Activation.objects.get(pk=prior_id) if prior_id is not None else None
    if prior is not None:
        if prior.request_digest != digest:
            raise Conflict(
                "This request id was already used with different content.",
                code="request_id_reused",
            )
        return prior, True

    now = timezone.now()
    installation, new = _installation(lic, parsed, now)
    # in the order they were activated; a new installation has none
    active = [] if new else _active_hardware_ids(installation.pk)
    current = set(active)
    listed = {d.hardware_id for d in parsed.devices}
    released = [hid for hid in active if hid not in listed]
    # The license's counter, kept under its row lock: counting its active devices instead
    # would cost a scan of every device of every installation at each activation.
    used_elsewhere = max(0, lic.devices_used - len(current))
    available = max(0, lic.device_licenses - used_elsewhere)
    kept, activated, refused = [], [], []
    for device in parsed.devices:  # devices listed again first: they keep their activation
        if device.hardware_id in current:
            (kept if len(kept) < available else refused).append(device)
    for device in parsed.devices:  # then new devices, in the request's order
        if device.hardware_id not in current:
            (activated if len(kept) + len(activated) < available else refused).append(device)

    gone = released + [d.hardware_id for d in refused if d.hardware_id in current]
    writes = _release_writes(installation, gone)
    if activated and _in_one_statement(activated):
        writes.append(_devices_write(installation, activated, now))
    elif activated:  # many (COPY), or SQLite (bulk_create): before the one statement
        _insert_devices(installation, activated, now)
    installation.hostname = parsed.hostname or installation.hostname
    installation.product_version = parsed.product_version or installation.product_version
    installation.devices_active = len(kept) + len(activated)
    installation.last_activation_at = now
    lic.devices_used = used_elsewhere + installation.devices_active
    writes += _count_writes(installation, lic)

    licensed = {d.hardware_id for d in kept} | {d.hardware_id for d in activated}
    payload = license_payload(lic, "activated", addons)
    payload["installation"] = {
        "id": parsed.installation_id,
        "hostname": parsed.hostname,
        "productVersion": parsed.product_version,
    }
    payload["request"] = {"id": parsed.request_id, "created": _iso(parsed.created)}
    payload["deviceLicenses"]["installation"] = installation.devices_active
    payload["devices"] = [
        {"hardwareId": d.hardware_id, "name": d.name, "activated": d.hardware_id in licensed}
        for d in parsed.devices
    ]
    activation = Activation(
        license=lic,
        installation=installation,
        request_id=parsed.request_id,
        request_digest=digest,
        created_by=user,
        via=via,
        activated=len(activated),
        kept=len(kept),
        released=len(released),
        refused=len(refused),
        devices={
            "activated": [d.hardware_id for d in activated],
            "kept": [d.hardware_id for d in kept],
            "released": released,
            "refused": [d.hardware_id for d in refused],
        },
        license_file=signing.sign(payload),
    )
    summary = {
        "installation": parsed.hostname or parsed.installation_id,
        "activated": len(activated),
        "kept": len(kept),
        "released": len(released),
        "refused": len(refused),
    }
    jobs = [
        event_job(kind, lic, summary)
        for kind, happened in (
            (events.DEVICES_ACTIVATED, activated),
            (events.ACTIVATION_REFUSED, refused),
        )
        if happened
    ]
    audit_event = audit.event(
        "license.activate",
        request=request,
        actor=user,
        target=lic,
        changes={**summary, "installation": parsed.installation_id},
    )
    # Everything this activation writes, in one round trip on PostgreSQL (but many devices).
    rows.save_new(activation, *jobs, audit_event, also=tuple(writes))
    if idempotency_key:
        IdempotencyKey.objects.create(
            user=user, key=idempotency_key, body_digest=body_digest, activation=activation
        )
    return activation, False
