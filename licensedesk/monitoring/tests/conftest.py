import pytest

from licensedesk.monitoring import services


@pytest.fixture(autouse=True)
def _fresh_thresholds():
    """Thresholds are cached per process by company id; ids come back between tests."""
    services._thresholds_cache.clear()
    yield
    services._thresholds_cache.clear()
