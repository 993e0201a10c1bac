"""One archive that brings a licensedesk back: the database and the license-file signing
keys, without which every license file issued so far could no longer be verified against a
new key, nor new ones signed with the old. The archive holds private keys: it is made 0600."""

import io
import json
import os
import tarfile
import tempfile
from pathlib import Path

from django.utils import timezone

from licensedesk.activation.signing import keys_path
from licensedesk.core import database
from licensedesk.core.errors import ServiceError

KEYS = "signing_keys.json"
MANIFEST = "manifest.json"


def backup(archive: Path) -> dict:
    """Write the archive; returns its manifest."""
    vendor = database.kind()
    manifest = {
        "format": 1,
        "database": vendor,
        "created": timezone.now().isoformat(),
        "keys": keys_path().exists(),
    }
    archive = Path(archive)
    with tempfile.TemporaryDirectory() as work:
        dumped = Path(work) / f"database.{database.SUFFIX[vendor]}"
        database.dump(dumped)
        fd = os.open(archive, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)  # also when it replaces an older file
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode())
            tar.add(dumped, arcname=dumped.name)
            if manifest["keys"]:
                tar.add(keys_path(), arcname=KEYS)
    return manifest


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def restore(archive: Path, settings_dict: dict | None = None, keys: Path | None = None) -> dict:
    """Load the archive into an empty database (by default the configured one) and put the
    signing keys back; refuses a database with tables and keys that differ from the archive's."""
    keys = keys or keys_path()
    with tempfile.TemporaryDirectory() as work, tarfile.open(archive, mode="r:gz") as tar:
        tar.extractall(work, filter="data")
        manifest = json.loads((Path(work) / MANIFEST).read_text())
        here = database.kind(settings_dict)
        if manifest["database"] != here:
            raise ServiceError(
                f"This backup is of a {manifest['database']} database; this licensedesk runs "
                f"on {here}.",
                code="wrong_database",
            )
        if settings_dict is None and not database.is_empty():
            raise ServiceError(
                "restore needs an empty database (no tables): create a new one and point "
                "licensedesk at it.",
                code="database_not_empty",
            )
        saved_keys = Path(work) / KEYS
        if manifest["keys"] and keys.exists() and keys.read_bytes() != saved_keys.read_bytes():
            raise ServiceError(
                f"A different signing keys file exists at {keys}: move it away first.",
                code="keys_exist",
            )
        database.load(
            Path(work) / f"database.{database.SUFFIX[manifest['database']]}", settings_dict
        )
        if manifest["keys"] and not keys.exists():
            keys.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(keys, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(saved_keys.read_bytes())
    return manifest
