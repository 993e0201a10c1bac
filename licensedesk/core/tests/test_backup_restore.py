"""`licensedesk backup` writes one archive (0600) with the database and the signing keys;
`licensedesk restore` brings both back into an empty database elsewhere: the same licenses,
activations and audit events, and license files issued before still verify."""

import json
import sqlite3
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from licensedesk.activation import services as activation
from licensedesk.activation import signing
from licensedesk.activation.tests.factories import activatable
from licensedesk.audit.models import AuditEvent
from licensedesk.core import backup as archive
from licensedesk.licenses.models import License
from licensedesk_client import jws
from licensedesk_client.lrq import make_lrq, sample_devices


@pytest.fixture
def keys(monkeypatch, tmp_path):
    path = tmp_path / "keys" / "signing_keys.json"
    monkeypatch.setenv("LICENSEDESK_SIGNING_KEYS_FILE", str(path))
    return path


@pytest.fixture
def elsewhere(tmp_path):
    """An empty database of the same kind as the test's, and a way to read it."""
    if connection.vendor == "sqlite":
        name = tmp_path / "restored.sqlite3"
        settings_dict = {**connection.settings_dict, "NAME": str(name)}
        yield settings_dict, lambda sql: sqlite3.connect(name).execute(sql).fetchall()
        return
    name = f"ld_restore_{uuid.uuid4().hex[:8]}"
    params = connection.settings_dict
    admin = {"host": params["HOST"], "port": params["PORT"], "user": params["USER"]}
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:

        def read(sql):
            with psycopg.connect(dbname=name, **admin) as conn:
                return conn.execute(sql).fetchall()

        yield {**params, "NAME": name}, read
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_elsewhere_has_the_same_data_and_keys(world, keys, tmp_path, elsewhere):
    lic = activatable(world.org, devices=5)
    body = make_lrq(lic.code, sample_devices(3))
    done, _ = activation.activate(world.license_admin, lic.code, body)
    jwks = signing.jwks()
    file = tmp_path / "licensedesk.backup"

    call_command("backup", str(file))

    assert file.stat().st_mode & 0o777 == 0o600
    settings_dict, read = elsewhere
    restored_keys = tmp_path / "restored" / "signing_keys.json"
    manifest = archive.restore(file, settings_dict, keys=restored_keys)
    assert manifest["keys"] and manifest["database"] == connection.vendor
    codes = sorted(License.objects.values_list("code", flat=True))
    assert sorted(c for (c,) in read("SELECT code FROM licenses_license")) == codes
    restored = [uuid.UUID(str(r)) for (r,) in read("SELECT request_id FROM activation_activation")]
    assert restored == [uuid.UUID(str(done.request_id))]
    assert len(read("SELECT id FROM audit_auditevent")) == AuditEvent.objects.count()
    assert restored_keys.stat().st_mode & 0o777 == 0o600
    assert json.loads(restored_keys.read_text()) == json.loads(keys.read_text())
    restored_public = {
        "keys": [
            {"kty": "OKP", "crv": "Ed25519", "x": k["x"], "kid": k["kid"]}
            for k in json.loads(restored_keys.read_text())["keys"]
        ]
    }
    _, payload = jws.verify(done.license_file, restored_public)
    assert payload["slc"] == lic.code
    assert [k["kid"] for k in jwks["keys"]] == [k["kid"] for k in restored_public["keys"]]


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty(world, keys, tmp_path):
    file = tmp_path / "licensedesk.backup"
    call_command("backup", str(file))
    with pytest.raises(CommandError, match="empty database"):
        call_command("restore", str(file))


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_to_overwrite_other_signing_keys(world, keys, tmp_path, elsewhere):
    signing.sign({"any": "payload"})  # makes the keys
    file = tmp_path / "licensedesk.backup"
    call_command("backup", str(file))
    other = tmp_path / "other_keys.json"
    other.write_text('{"keys": [], "active": null}')
    with pytest.raises(Exception, match="different signing keys"):
        archive.restore(file, elsewhere[0], keys=other)
    assert other.read_text() == '{"keys": [], "active": null}'


def test_the_archive_says_it_holds_private_keys(transactional_db, keys, tmp_path, capsys):
    signing.sign({"any": "payload"})
    call_command("backup", str(tmp_path / "b.tar.gz"))
    assert "private signing keys" in capsys.readouterr().out
    assert Path(tmp_path / "b.tar.gz").exists()
