"""Which addresses a webhook may reach: one function decides, when the URL is saved and
before each delivery. IPv6 forms that carry an IPv4 address (NAT64, 6to4, Teredo,
IPv4-mapped) are judged by that IPv4 address too."""

import pytest

from licensedesk.notifications.models import NotificationProfile
from licensedesk.notifications.validation import address_allowed

# IPv6 disguises of loopback, private and link-local IPv4 addresses.
DISGUISED = [
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254, the cloud metadata service
    "64:ff9b:1::7f00:1",  # local-use NAT64 of 127.0.0.1
    "64:ff9b:1::5db8:d822",  # local-use NAT64, never public, even for a public address
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "2002:c0a8:1::1",  # 6to4 of 192.168.0.1
    "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo, client 127.0.0.1
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:10.1.2.3",
    "::ffff:169.254.169.254",
    "::127.0.0.1",  # IPv4-compatible (deprecated)
]

SPECIAL = [
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.0.10",
    "100.64.0.1",  # shared address space (carrier-grade NAT)
    "169.254.169.254",
    "0.0.0.0",
    "0.1.2.3",
    "224.0.0.1",
    "240.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "ff02::1",
    "not an address",
]

PUBLIC = [
    "93.184.216.34",
    "2606:2800:220:1:248:1893:25c8:1946",
    "64:ff9b::5db8:d822",  # NAT64 of 93.184.216.34, as DNS64 answers on IPv6-only hosts
    "2002:5db8:d822::1",  # 6to4 of 93.184.216.34
    "::ffff:93.184.216.34",
]


@pytest.mark.parametrize("address", DISGUISED + SPECIAL)
def test_special_purpose_addresses_are_refused(address):
    assert not address_allowed(address)


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed_in_whatever_form(address):
    assert address_allowed(address)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "::1",
        "fc00::1",
        "64:ff9b::7f00:1",
        "64:ff9b:1::a00:1",
        "::ffff:192.168.0.10",
    ],
)
def test_a_site_allowing_private_webhooks_may_reach_private_and_loopback(settings, address):
    settings.ALLOW_PRIVATE_WEBHOOKS = True
    assert address_allowed(address)


@pytest.mark.parametrize(
    "address",
    [
        "169.254.169.254",
        "64:ff9b::a9fe:a9fe",
        "64:ff9b:1::a9fe:a9fe",
        "2002:a9fe:a9fe::1",
        "::ffff:169.254.169.254",
        "fe80::1",
        "0.0.0.0",
        "::",
        "224.0.0.1",
        "ff02::1",
    ],
)
def test_link_local_multicast_and_unspecified_stay_refused_on_private_sites(settings, address):
    settings.ALLOW_PRIVATE_WEBHOOKS = True
    assert not address_allowed(address)


@pytest.mark.parametrize("address", DISGUISED)
def test_a_webhook_url_with_a_disguised_private_address_is_not_saved(world, api, address):
    response = api(world.license_admin).post_json(
        "/api/v1/notification-profiles",
        {"name": "Hook", "events": ["care_ending"], "webhook_url": f"https://[{address}]/hook"},
    )
    assert response.status_code == 400, response.content
    problem = response.json()
    assert problem["code"] == "invalid_webhook_url"
    assert "special-purpose addresses" in problem["detail"]
    assert NotificationProfile.objects.count() == 0


@pytest.mark.parametrize(
    "url",
    [
        "https://93.184.216.34:99999/hook",
        "https://93.184.216.34/a hook",
        "https://[::1/hook",
    ],
)
def test_a_webhook_url_that_cannot_be_sent_to_is_not_saved(world, api, url):
    response = api(world.license_admin).post_json(
        "/api/v1/notification-profiles",
        {"name": "Hook", "events": ["care_ending"], "webhook_url": url},
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid_webhook_url"
    assert NotificationProfile.objects.count() == 0
