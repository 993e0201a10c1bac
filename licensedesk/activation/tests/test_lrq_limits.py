"""A hostile .lrq within the 10 MB cap is refused while it is read (too deep, an unknown
element, too many devices, an endless tag) with a clear 400, and no upload under the cap costs
more than 50 MB to parse: the tracemalloc peak, result included (issue 15)."""

import tracemalloc

import pytest

from licensedesk.activation import lrq
from licensedesk.activation.models import Activation
from licensedesk.activation.tests.factories import INSTALLATION, activatable, raw_lrq
from licensedesk_client import lrq as lrq_writer

MEMORY_LIMIT = 50 * 1024 * 1024  # MB as in the 10 MB cap
INSTALLATION_TAG = f'<Installation id="{INSTALLATION}" hostname="vms01"/>'


def just_under_the_cap(make, unit: int) -> bytes:
    """make(n): a request with n repetitions of a `unit`-byte piece; the largest under 10 MB."""
    data = make((lrq.MAX_BYTES - len(make(0))) // unit)
    assert lrq.MAX_BYTES - unit < len(data) <= lrq.MAX_BYTES
    return data


def nested_in_installation(n, slc="M01-C01-251-01-7K3QF9"):
    opened = INSTALLATION_TAG.replace("/>", ">")
    return raw_lrq(slc, installation=opened + "<a>" * n + "</a>" * n + "</Installation>")


def nested_devices(n):
    return raw_lrq(devices='<Device hardwareId="x">' * n + "</Device>" * n)


def flat_unknown(n):
    return raw_lrq(installation=INSTALLATION_TAG + "<a/>" * n)


def flat_devices(n):
    return raw_lrq(devices="".join(f'<Device hardwareId="{i:07x}"/>' for i in range(n)))


def attributes(n):
    names = " ".join(f'a{i:06x}=""' for i in range(n))
    return raw_lrq(devices=f'<Device hardwareId="x" {names}/>')


def comment_then_attributes(n):
    names = " ".join(f'a{i:06x}=""' for i in range(n))
    comment = "<!--" + "x" * (lrq.MAX_BYTES // 2) + "-->"
    return raw_lrq(prolog=comment, devices=f'<Device hardwareId="x" {names}/>')


def long_slc(n):
    return raw_lrq(slc="A" * n)


HOSTILE = {
    "nested-in-installation": (nested_in_installation, 7, "nests elements too deeply"),
    "nested-devices": (nested_devices, 32, "nests elements too deeply"),
    "flat-unknown-elements": (flat_unknown, 4, "may only hold <SLC>"),
    "flat-devices": (flat_devices, 30, "at most 50,000 devices"),
    "one-tag-of-a-million-attributes": (attributes, 11, "longer than 64 KB"),
    "attributes-after-a-long-comment": (comment_then_attributes, 11, "longer than 64 KB"),
    "a-10-mb-slc": (long_slc, 1, "SLC> is too long"),
}


def parse_measured(data: bytes):
    """(result or InvalidRequest, tracemalloc peak in bytes) of lrq.parse(data)."""
    tracemalloc.start()
    try:
        result = lrq.parse(data)
    except lrq.InvalidRequest as exc:
        result = exc
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return result, peak


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_request_under_the_cap_is_refused_in_bounded_memory(name):
    make, unit, reason = HOSTILE[name]
    refusal, peak = parse_measured(just_under_the_cap(make, unit))
    assert isinstance(refusal, lrq.InvalidRequest), "the request was accepted"
    assert (refusal.status, refusal.code, refusal.field) == (400, "invalid_lrq", "lrq")
    assert reason in refusal.message
    assert peak <= MEMORY_LIMIT, f"{peak / 2**20:.1f} MiB"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(
            raw_lrq(installation=INSTALLATION_TAG + "<Comment>hi</Comment>"),
            "<LicenseRequest> may only hold <SLC>, <Installation>, <Request> and <Devices>, "
            "not <Comment>.",
            id="unknown-element-in-the-root",
        ),
        pytest.param(
            raw_lrq(devices='<Device hardwareId="a"><Port/></Device>'),
            "The file nests elements too deeply: <Device> holds no elements, found <Port> in it.",
            id="element-in-a-device",
        ),
        pytest.param(
            raw_lrq(slc="M01<b>-C01</b>"),
            "The file nests elements too deeply: <SLC> holds no elements, found <b> in it.",
            id="element-in-the-slc",
        ),
        pytest.param(
            raw_lrq(installation=INSTALLATION_TAG * 2),
            "The request has more than one <Installation>.",
            id="two-installations",
        ),
    ],
)
def test_an_element_the_format_does_not_have_is_refused(data, reason):
    with pytest.raises(lrq.InvalidRequest) as exc:
        lrq.parse(data)
    assert (exc.value.code, exc.value.message) == ("invalid_lrq", reason)


def test_the_api_refuses_a_nested_bomb_and_stores_nothing(world, api):
    lic = activatable(world.org)
    body = just_under_the_cap(lambda n: nested_in_installation(n, lic.code), 7)
    response = api(world.license_admin).post(
        f"/api/v1/licenses/{lic.code}/activations", body, content_type="application/xml"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_lrq"
    assert "nests elements too deeply" in response.json()["detail"]
    assert not Activation.objects.exists()


def test_a_request_of_10000_devices_still_parses_with_every_device():
    devices = lrq_writer.sample_devices(10_000)
    parsed, peak = parse_measured(lrq_writer.make_lrq("M01-C01-251-01-7K3QF9", devices))
    assert [d.hardware_id for d in parsed.devices] == [d["hardwareId"] for d in devices]
    assert parsed.devices[-1] == lrq.Device(*(devices[-1][a] for a in lrq.DEVICE_ATTRS))
    assert peak <= MEMORY_LIMIT


def test_the_heaviest_request_under_the_cap_parses_within_50_mb():
    # The most devices allowed, each free-text attribute starting with a character outside the
    # BMP (so Python stores 4 bytes per character) and padded to fill 10 MB: the result alone
    # holds about 47 MB of strings.
    def make(pad):
        value = "\U0001f600" + "x" * pad
        attrs = " ".join(f'{a}="{value}"' for a in lrq.DEVICE_ATTRS[1:])
        return raw_lrq(
            devices="".join(f'<Device hardwareId="h{i}" {attrs}/>' for i in range(lrq.MAX_DEVICES))
        )

    data = make((lrq.MAX_BYTES - len(make(0))) // (5 * lrq.MAX_DEVICES))
    assert len(data) > lrq.MAX_BYTES - 5 * lrq.MAX_DEVICES
    parsed, peak = parse_measured(data)
    assert len(parsed.devices) == lrq.MAX_DEVICES
    assert peak <= MEMORY_LIMIT, f"{peak / 2**20:.1f} MiB"
