"""Activation tests: every test signs with its own key file in a temporary directory."""

import pytest

from licensedesk.activation.tests.factories import activatable


@pytest.fixture(autouse=True)
def _signing_keys(monkeypatch, tmp_path):
    monkeypatch.setenv("LICENSEDESK_SIGNING_KEYS_FILE", str(tmp_path / "keys.json"))
    return tmp_path / "keys.json"


@pytest.fixture
def lic(world):
    """A license of our company with 10 device licenses, granted to the License User."""
    return activatable(world.org, devices=10, grant_to=[world.license_user])
