import uuid

from licensedesk.activation import services, signing
from licensedesk.activation.models import ActiveDevice
from licensedesk.activation.tests.factories import activatable, lrq
from licensedesk.monitoring.models import Installation

OTHER = "9d2e8c1b-3f4a-4b5c-8d6e-7f8a9b0c1d2e"


def _activate(user, lic, devices, installation=None):
    kwargs = {"installation": installation} if installation else {}
    activation, replayed = services.activate(user, lic.code, lrq(lic.code, devices, **kwargs))
    assert not replayed
    lic.refresh_from_db()
    return activation


def _licensed(activation):
    _, payload, _ = activation.license_file.split(".")
    data = signing._b64decode(payload)
    import json

    return [d["hardwareId"] for d in json.loads(data)["devices"] if d["activated"]]


def _active(installation=None):
    devices = ActiveDevice.objects.all()
    if installation:
        devices = devices.filter(installation__uuid=installation)
    return sorted(devices.values_list("hardware_id", flat=True))


def test_it_activates_the_listed_devices(world, lic):
    activation = _activate(world.license_user, lic, ["a", "b", "c"])
    assert (activation.activated, activation.kept, activation.refused) == (3, 0, 0)
    assert _active() == ["a", "b", "c"]
    assert lic.devices_used == 3
    assert Installation.objects.get().devices_active == 3


def test_devices_no_longer_listed_are_released(world, lic):
    _activate(world.license_user, lic, ["a", "b", "c"])
    activation = _activate(world.license_user, lic, ["b"])
    assert (activation.kept, activation.released) == (1, 2)
    assert activation.devices["released"] == ["a", "c"]
    assert _active() == ["b"]
    assert lic.devices_used == 1


def test_an_empty_request_releases_every_device(world, lic):
    _activate(world.license_user, lic, ["a", "b"])
    activation = _activate(world.license_user, lic, [])
    assert activation.released == 2
    assert lic.devices_used == 0


def test_devices_listed_again_keep_their_activation(world, lic):
    _activate(world.license_user, lic, ["a", "b"])
    first = ActiveDevice.objects.get(hardware_id="a")
    activation = _activate(world.license_user, lic, ["a", "b", "c"])
    assert (activation.activated, activation.kept) == (1, 2)
    assert ActiveDevice.objects.get(hardware_id="a").pk == first.pk
    assert ActiveDevice.objects.get(hardware_id="a").activated_at == first.activated_at
    assert lic.devices_used == 3


def test_over_the_quota_devices_are_activated_in_request_order(world):
    lic = activatable(world.org, devices=3)
    activation = _activate(world.license_admin, lic, ["e", "d", "c", "b", "a"])
    assert (activation.activated, activation.refused) == (3, 2)
    assert activation.devices["refused"] == ["b", "a"]
    assert _licensed(activation) == ["e", "d", "c"]
    assert lic.devices_used == 3


def test_kept_devices_come_before_new_ones_listed_earlier(world):
    lic = activatable(world.org, devices=2)
    _activate(world.license_admin, lic, ["x", "y"])
    activation = _activate(world.license_admin, lic, ["new", "x", "y"])
    assert (activation.kept, activation.activated, activation.refused) == (2, 0, 1)
    assert activation.devices["refused"] == ["new"]
    assert _active() == ["x", "y"]


def test_two_installations_share_the_quota(world):
    lic = activatable(world.org, devices=10)
    _activate(world.license_admin, lic, [f"a{i}" for i in range(6)])
    second = _activate(world.license_admin, lic, [f"b{i}" for i in range(6)], installation=OTHER)
    assert (second.activated, second.refused) == (4, 2)
    assert lic.devices_used == 10

    _activate(world.license_admin, lic, ["a0", "a1", "a2"])  # the first releases three
    again = _activate(world.license_admin, lic, [f"b{i}" for i in range(6)], installation=OTHER)
    assert (again.kept, again.activated, again.refused) == (4, 2, 0)
    assert lic.devices_used == 9
    assert len(_active(OTHER)) == 6


def test_one_hardware_id_on_two_installations_uses_two(world, lic):
    _activate(world.license_admin, lic, ["same"])
    _activate(world.license_admin, lic, ["same"], installation=OTHER)
    assert lic.devices_used == 2


def test_the_quota_counts_only_this_license(world, lic):
    other = activatable(world.org, devices=1)
    _activate(world.license_admin, other, ["z"], installation=str(uuid.uuid4()))
    activation = _activate(world.license_admin, lic, 10)
    assert (activation.activated, activation.refused) == (10, 0)
