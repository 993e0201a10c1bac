"""The scene most group tests start from: in our company a group made by the License Admin
holding one license granted to the License User ("shared") and one not granted ("hidden")."""

from dataclasses import dataclass

import pytest

from licensedesk.groups.models import LicenseGroup
from licensedesk.groups.tests.factories import group, registered
from licensedesk.licenses.models import License


@dataclass
class Scene:
    shared: License  # ours, granted to the License User
    hidden: License  # ours, not granted to the License User
    theirs: License  # the other company's
    admin_group: LicenseGroup  # made by the License Admin: shared + hidden
    their_group: LicenseGroup  # the other company's: theirs


@pytest.fixture
def scene(world) -> Scene:
    shared = registered(world.org, description="Harbour cameras", grant_to=[world.license_user])
    hidden = registered(world.org, description="Secret vault")
    theirs = registered(world.other_org, description="Contoso office")
    return Scene(
        shared=shared,
        hidden=hidden,
        theirs=theirs,
        admin_group=group(
            world.org,
            "Harbour sites",
            by=world.license_admin,
            description="All harbour installations",
            licenses=[shared, hidden],
        ),
        their_group=group(world.other_org, "Contoso group", by=world.outsider, licenses=[theirs]),
    )
