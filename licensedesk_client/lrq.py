"""Writing license request files (.lrq)."""

import csv
import uuid
import xml.etree.ElementTree as ET  # noqa: S405 - we only write XML here
from datetime import UTC, datetime

DEVICE_FIELDS = ("hardwareId", "mac", "manufacturer", "model", "name", "type")


def sample_devices(count: int, seed: str = "cam") -> list[dict]:
    """`count` made-up cameras with stable hardware ids."""
    return [
        {
            "hardwareId": f"{seed}-{i:06d}",
            "mac": f"00:40:8C:{(i >> 16) & 0xFF:02X}:{(i >> 8) & 0xFF:02X}:{i & 0xFF:02X}",
            "manufacturer": "Axis",
            "model": "P3245-LVE",
            "name": f"Camera {i + 1}",
            "type": "camera",
        }
        for i in range(count)
    ]


def read_devices_csv(path) -> list[dict]:
    """Devices from a CSV file with a header row naming some of DEVICE_FIELDS."""
    with open(path, newline="", encoding="utf-8") as handle:
        return [
            {k: (row.get(k) or "").strip() for k in DEVICE_FIELDS if row.get(k)}
            for row in csv.DictReader(handle)
        ]


def make_lrq(
    slc: str,
    devices: list[dict],
    installation_id: str | None = None,
    hostname: str = "vms01.example.local",
    product_version: str = "25.1",
    request_id: str | None = None,
    created: datetime | None = None,
) -> bytes:
    root = ET.Element("LicenseRequest", version="1")
    ET.SubElement(root, "SLC").text = slc
    ET.SubElement(
        root,
        "Installation",
        id=installation_id or str(uuid.uuid4()),
        hostname=hostname,
        productVersion=product_version,
    )
    moment = (created or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    ET.SubElement(root, "Request", id=request_id or str(uuid.uuid4()), created=moment)
    container = ET.SubElement(root, "Devices")
    for device in devices:
        ET.SubElement(container, "Device", {k: str(v) for k, v in device.items() if v})
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
