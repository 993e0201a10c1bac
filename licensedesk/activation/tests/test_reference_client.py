"""licensedesk-client, run in-process: make-lrq, verify and activate."""

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest

from licensedesk.activation import lrq, services, signing
from licensedesk.activation.models import Activation
from licensedesk.activation.tests.factories import activatable
from licensedesk_client import jws
from licensedesk_client.cli import main

INSTALLATION = "2c9d0e1f-3a4b-4c5d-8e6f-7a8b9c0d1e2f"
REQUEST_ID = "7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918"


@pytest.fixture
def signed(tmp_path, world):
    """An initial license file and the JWKS, written to files."""
    lic = activatable(world.org)
    path = tmp_path / "license.lic"
    path.write_text(services.initial_license_file(lic))
    (tmp_path / "jwks.json").write_text(json.dumps(signing.jwks()))
    return path


def _verify(path, tmp_path):
    return main(["verify", str(path), "--jwks", str(tmp_path / "jwks.json")])


def _flip(text: str, index: int) -> str:
    """The text with the base64url character at `index` replaced by another one."""
    replacement = "A" if text[index] != "A" else "B"
    return text[:index] + replacement + text[index + 1 :]


def test_make_lrq_writes_a_request_our_parser_reads(tmp_path):
    out = tmp_path / "r.lrq"
    code = main(
        [
            "make-lrq",
            "--slc",
            "M01-C01-251-01-7K3QF9",
            "--devices",
            "5",
            "--installation-id",
            INSTALLATION,
            "--request-id",
            REQUEST_ID,
            "--hostname",
            "vms07",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    parsed = lrq.parse(out.read_bytes())
    assert parsed.slc == "M01-C01-251-01-7K3QF9"
    assert (parsed.installation_id, parsed.request_id) == (INSTALLATION, REQUEST_ID)
    assert parsed.hostname == "vms07"
    assert [d.hardware_id for d in parsed.devices] == [f"cam-{i:06d}" for i in range(5)]
    assert parsed.devices[0].manufacturer == "Axis"


def test_make_lrq_reads_devices_from_a_csv_file(tmp_path):
    devices = tmp_path / "devices.csv"
    devices.write_text("hardwareId,name,mac\nAXIS-1,Gate,00:40:8C:00:00:01\nAXIS-2,Lobby,\n")
    out = tmp_path / "r.lrq"
    assert main(["make-lrq", "--slc", "S", "--devices-file", str(devices), "-o", str(out)]) == 0
    parsed = lrq.parse(out.read_bytes())
    assert [(d.hardware_id, d.name, d.mac) for d in parsed.devices] == [
        ("AXIS-1", "Gate", "00:40:8C:00:00:01"),
        ("AXIS-2", "Lobby", ""),
    ]


def test_verify_accepts_a_good_file(signed, tmp_path, capsys):
    assert _verify(signed, tmp_path) == 0
    assert capsys.readouterr().out.startswith("VALID initial license file")


@pytest.mark.parametrize("part", ["header", "payload", "signature"])
@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_verify_rejects_a_file_with_one_byte_changed(signed, tmp_path, part, where):
    token = signed.read_text()
    header, payload, signature = token.split(".")
    start = {"header": 0, "payload": len(header) + 1, "signature": token.rindex(".") + 1}[part]
    length = len({"header": header, "payload": payload, "signature": signature}[part])
    index = start + {"start": 0, "middle": length // 2, "end": length - 1}[where]
    signed.write_text(_flip(token, index))
    assert _verify(signed, tmp_path) != 0


def test_no_single_changed_character_anywhere_verifies(signed):
    token, keys = signed.read_text().strip(), signing.jwks()
    for index in range(len(token)):
        for replacement in {"A", "B", "w", "_", "-", "=", "!"} - {token[index]}:
            tampered = token[:index] + replacement + token[index + 1 :]
            with pytest.raises(jws.VerificationError):
                jws.verify(tampered, keys)
                pytest.fail(f"accepted with {replacement!r} at {index}")


def test_verify_rejects_a_file_issued_in_the_future(tmp_path, world):
    lic = activatable(world.org)
    payload = services.license_payload(lic, "initial")
    later = datetime.now(UTC) + timedelta(hours=1)
    payload["issuedAt"] = later.strftime("%Y-%m-%dT%H:%M:%SZ")
    path = tmp_path / "future.lic"
    path.write_text(signing.sign(payload))
    (tmp_path / "jwks.json").write_text(json.dumps(signing.jwks()))
    assert _verify(path, tmp_path) == 1


def test_verify_rejects_a_file_signed_with_an_unknown_key(signed, tmp_path, monkeypatch):
    monkeypatch.setenv("LICENSEDESK_SIGNING_KEYS_FILE", str(tmp_path / "other-keys.json"))
    (tmp_path / "jwks.json").write_text(json.dumps(signing.jwks()))  # another server's keys
    assert _verify(signed, tmp_path) == 1


def test_verify_rejects_another_algorithm(signed, tmp_path):
    _, payload, signature = signed.read_text().split(".")
    header = {"alg": "none", "kid": signing.jwks()["keys"][0]["kid"]}
    encoded = base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode()
    signed.write_text(f"{encoded}.{payload}.")
    assert _verify(signed, tmp_path) == 1


@pytest.mark.django_db(transaction=True)
def test_activate_gets_a_verifiable_file_from_a_live_server(live_server, world, api, tmp_path):
    lic = activatable(world.org, devices=3)
    request = tmp_path / "r.lrq"
    main(["make-lrq", "--slc", lic.code, "--devices", "4", "-o", str(request)])
    out = tmp_path / "activated.lic"
    token = api(world.license_admin).secret
    argv = ["activate", "--server", live_server.url, "--token", token, "--lrq", str(request)]
    assert main([*argv, "-o", str(out)]) == 0

    jwks_url = f"{live_server.url}/.well-known/jwks.json"
    assert main(["verify", str(out), "--jwks", jwks_url]) == 0
    _, payload = jws.verify(out.read_text(), signing.jwks())
    assert payload["type"] == "activated"
    assert [d["activated"] for d in payload["devices"]] == [True, True, True, False]
    assert Activation.objects.get().via == "api"


@pytest.mark.django_db(transaction=True)
def test_activate_reports_a_refusal(live_server, world, tmp_path, capsys):
    lic = activatable(world.org)
    request = tmp_path / "r.lrq"
    main(["make-lrq", "--slc", lic.code, "--devices", "1", "-o", str(request)])
    argv = ["activate", "--server", live_server.url, "--token", "wrong", "--lrq", str(request)]
    assert main(argv) == 1
    assert "error: HTTP 40" in capsys.readouterr().err
    assert not Activation.objects.exists()


def test_verify_refuses_a_license_file_of_an_expired_license(tmp_path):
    payload = {
        "type": "initial",
        "slc": "M01-C01-251-01-7K3QF9",
        "expiresOn": "2020-01-31",
        "issuedAt": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    lic = tmp_path / "expired.lic"
    lic.write_text(signing.sign(payload))
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps(signing.jwks()))

    assert main(["verify", str(lic), "--jwks", str(jwks)]) == 1
