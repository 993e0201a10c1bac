"""licensedesk-client verify, given something that is not a license file (another file, or a
damaged one), says so in one line on stderr and exits non-zero: no traceback."""

import base64
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from licensedesk_client.cli import main

KEY = Ed25519PrivateKey.generate()
KID = "test-key"
HEADER = {"alg": "EdDSA", "kid": KID, "typ": "licensedesk-license+jws"}
PAYLOAD = {"type": "initial", "slc": "M01-C01-251-01-7K3QF9", "issuedAt": "2026-01-01T00:00:00Z"}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def signed(header=HEADER, payload=PAYLOAD) -> str:
    """A JWS signed with KEY; header and payload are JSON values or raw bytes."""
    raw = [v if isinstance(v, bytes) else json.dumps(v).encode() for v in (header, payload)]
    signing_input = f"{b64(raw[0])}.{b64(raw[1])}"
    return f"{signing_input}.{b64(KEY.sign(signing_input.encode()))}"


JWKS = {
    "keys": [
        {
            "kty": "OKP",
            "crv": "Ed25519",
            "kid": KID,
            "x": b64(KEY.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)),
        }
    ]
}


@pytest.fixture
def verify(tmp_path, capsys):
    """verify(file content, jwks) -> (exit status, stdout, stderr) of the client."""

    def run(content, jwks=JWKS):
        lic, keys = tmp_path / "license.lic", tmp_path / "jwks.json"
        lic.write_bytes(content if isinstance(content, bytes) else content.encode())
        keys.write_bytes(jwks if isinstance(jwks, bytes) else json.dumps(jwks).encode())
        status = main(["verify", str(lic), "--jwks", str(keys)])
        out, err = capsys.readouterr()
        return status, out, err

    return run


def test_a_good_file_signed_with_the_test_key_verifies(verify):
    status, out, _ = verify(signed())
    assert status == 0
    assert out.startswith("VALID initial license file for M01-C01-251-01-7K3QF9")


NOT_LICENSE_FILES = {
    "header-is-a-json-array": signed(header=[HEADER]),
    "header-is-a-json-string": signed(header="EdDSA"),
    "header-is-null": signed(header=None),
    "header-is-not-json": signed(header=b"alg=EdDSA"),
    "header-is-not-utf8": signed(header=b"\xff\xfe\x00"),
    "header-nested-too-deep": signed(header=b"[" * 100_000),
    "payload-is-a-json-array": signed(payload=[PAYLOAD]),
    "payload-is-a-number": signed(payload=42),
    "payload-is-not-json": signed(payload=b"type=initial"),
    "bad-base64-in-header": "!!!." + signed().split(".", 1)[1],
    "bad-base64-in-payload": signed().replace(".", ".$", 1),
    "bad-base64-in-signature": signed() + "*",
    "base64-of-one-character": "A." + signed().split(".", 1)[1],
    "two-parts": signed().rsplit(".", 1)[0],
    "four-parts": signed() + ".e30",
    "empty-file": "",
    "a-license-request": '<?xml version="1.0"?>\n<LicenseRequest version="1"/>\n',
    "binary-bytes": b"\x89PNG\r\n\x1a\n\x00\xff",
    "non-ascii-in-payload": signed().replace(".", ".é", 1),
}


@pytest.mark.parametrize("content", NOT_LICENSE_FILES.values(), ids=NOT_LICENSE_FILES)
def test_it_says_not_a_license_file(verify, content):
    status, out, err = verify(content)
    assert status == 1
    assert out == ""
    assert err.startswith("INVALID: This is not a license file: ")
    assert err.count("\n") == 1


BROKEN_JWKS = {
    "a-json-array": [JWKS],
    "no-keys": {"kid": KID},
    "keys-not-a-list": {"keys": JWKS["keys"][0]},
    "key-without-x": {"keys": [{k: v for k, v in JWKS["keys"][0].items() if k != "x"}]},
    "x-not-a-string": {"keys": [JWKS["keys"][0] | {"x": 7}]},
    "x-too-short": {"keys": [JWKS["keys"][0] | {"x": "AAAA"}]},
    "not-json": b"keys: []",
}


@pytest.mark.parametrize("jwks", BROKEN_JWKS.values(), ids=BROKEN_JWKS)
def test_a_broken_jwks_is_an_error_not_a_traceback(verify, jwks):
    status, out, err = verify(signed(), jwks)
    assert status == 2
    assert out == ""
    assert err.startswith("error: ") and "JWK" in err
    assert err.count("\n") == 1


def test_an_issue_time_without_a_time_zone_is_invalid_not_a_traceback(verify):
    status, out, err = verify(signed(payload=PAYLOAD | {"issuedAt": "2026-01-01T00:00:00"}))
    assert (status, out) == (1, "")
    assert err == "INVALID: The file has no valid issue time: it gives no time zone.\n"
