"""A company's search looks its words up among its own licenses: on PostgreSQL the search
document's trigram index also holds each license's company (licenses 0007). On both databases
the search finds the same licenses of the company only."""

import pytest

from licensedesk import access
from licensedesk.licenses.queries import find_licenses
from licensedesk.licenses.tests import factories


@pytest.fixture
def quays(world):
    ours = [factories.registered(world.org, description=f"Quay camera {n}") for n in range(3)]
    factories.registered(world.other_org, description="Quay camera of Contoso")
    return ours


@pytest.mark.parametrize("who", ["license_admin", "license_user", "outsider"])
def test_a_search_finds_the_company_s_licenses_only(world, quays, who):
    factories.registered(
        world.org, description="Quay camera, granted", grant_to=[world.license_user]
    )
    user = getattr(world, who)
    found = set(find_licenses(user, {"search": "quay camera"}).values_list("pk", flat=True))
    assert found == set(access.licenses_visible_to(user).values_list("pk", flat=True))
    assert len(found) == {"license_admin": 4, "license_user": 1, "outsider": 1}[who]
