import json
import stat
from io import StringIO

from django.core.management import call_command
from django.test import Client

from licensedesk.activation import signing
from licensedesk.activation.tests.factories import verify_with_joserfc


def _jwks():
    return Client().get("/.well-known/jwks.json").json()


def _initial_file(client, lic):
    return client.get(f"/licenses/{lic.code}/license-file/").content.decode()


def test_the_key_file_is_made_on_first_use_readable_by_the_owner_only(_signing_keys):
    assert not _signing_keys.exists()
    signing.sign({"type": "initial"})
    assert stat.S_IMODE(_signing_keys.stat().st_mode) == 0o600
    keyset = json.loads(_signing_keys.read_text())
    assert keyset["active"] == keyset["keys"][0]["kid"]


def test_the_key_file_defaults_to_the_data_dir_even_before_it_exists(
    monkeypatch, settings, tmp_path
):
    monkeypatch.delenv("LICENSEDESK_SIGNING_KEYS_FILE")
    settings.DATA_DIR = tmp_path / "data"
    signing.sign({"type": "initial"})
    assert [p.name for p in (tmp_path / "data").iterdir()] == ["signing_keys.json"]


def test_the_private_key_is_never_published(db):
    signing.rotate()
    secrets = {k["d"] for k in signing.load_keyset()["keys"]}
    served = Client().get("/.well-known/jwks.json").content.decode()
    assert not any(secret in served for secret in secrets)


def test_files_signed_before_a_rotation_still_verify(world, login, lic, _signing_keys):
    client = login(world.license_admin)
    old_file = _initial_file(client, lic)
    old_kid = _jwks()["keys"][0]["kid"]

    out = StringIO()
    call_command("keys", "rotate", stdout=out)
    new_kid = signing.load_keyset()["active"]
    assert new_kid != old_kid and new_kid in out.getvalue()
    assert stat.S_IMODE(_signing_keys.stat().st_mode) == 0o600

    jwks = _jwks()
    assert [k["kid"] for k in jwks["keys"]] == [old_kid, new_kid]
    header, _ = verify_with_joserfc(old_file, jwks)
    assert header["kid"] == old_kid
    header, _ = verify_with_joserfc(_initial_file(client, lic), jwks)
    assert header["kid"] == new_kid


def test_the_keys_command_lists_keys_and_prints_the_jwks(db):
    first = signing.load_keyset()["active"]
    second = signing.rotate()
    out = StringIO()
    call_command("keys", "list", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(first) and "(signing)" not in lines[0]
    assert lines[1].startswith(second) and lines[1].endswith("(signing)")
    out = StringIO()
    call_command("keys", "jwks", stdout=out)
    assert json.loads(out.getvalue()) == signing.jwks()


def test_rotations_at_the_same_moment_lose_no_key():
    import threading

    signing.load_keyset()
    barrier = threading.Barrier(4)
    made = []

    def rotate_a_few():
        barrier.wait(timeout=10)
        made.extend(signing.rotate() for _ in range(5))

    threads = [threading.Thread(target=rotate_a_few) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    published = {key["kid"] for key in signing.jwks()["keys"]}
    assert len(made) == 20
    assert set(made) <= published  # every key that may have signed a file still verifies
