"""The page that shows a new monitoring token gives the server's address once: the report URL
and the client's `--server` both use the configured LICENSEDESK_BASE_URL, never the host the
page happened to be opened under (127.0.0.1 on one line, localhost on the next)."""

import re

from licensedesk.monitoring.tests.helpers import installation


def test_the_token_page_names_one_server_address(world, login, settings):
    settings.BASE_URL = "https://licenses.northwind.example"
    inst = installation(world.org)
    client = login(world.license_admin)
    response = client.post(f"/installations/{inst.pk}/monitoring/enable/", HTTP_HOST="127.0.0.1")
    page = client.get(response.url, HTTP_HOST="127.0.0.1").content.decode()

    secret = re.search(r'<div class="secret card".*?</div>', page, re.S)[0]
    assert (
        f"POST https://licenses.northwind.example/api/v1/installations/{inst.pk}/status" in secret
    )
    assert "--server https://licenses.northwind.example --token" in secret
    assert "127.0.0.1" not in secret
