"""In a real browser: a personal access token is created, shown once, works against the API,
and stops working once revoked."""

import json
import re
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from licensedesk.accounts.models import PersonalAccessToken

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Straight to the live server, whatever proxy the environment names.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def call_me(live_server, secret: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{live_server.url}/api/v1/me",
        headers={"Authorization": f"Bearer {secret}", "Accept": "application/json"},
    )
    try:
        with _opener.open(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read() or b"{}")


def test_create_use_and_revoke_a_token(page, live_server, world, screenshot):
    user = world.license_user
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{live_server.url}/")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Access tokens").click()
    expect(page.get_by_role("heading", name="Personal access tokens")).to_be_visible()
    page.get_by_label("Name").fill("billing sync")
    page.get_by_role("button", name="Create token").click()

    # The secret is shown once, and the Copy button puts it on the clipboard.
    shown = page.locator("#new-token")
    expect(shown).to_have_text(re.compile(r"^ldpat_[\w-]{40,}$"))
    secret = shown.inner_text().strip()
    copy = page.locator("button[data-copy='#new-token']")
    expect(copy).to_have_text("Copy")
    copy.click()
    expect(copy).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == secret
    expect(page.get_by_label("Name")).to_have_value("")  # the form is ready for another one
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    row = rows.filter(has_text="billing sync")
    expect(row.locator(".badge")).to_have_text("active")
    expect(row).to_contain_text(secret[:10] + "…")
    expect(row).to_contain_text("never")  # not used yet
    screenshot("token-created")

    token = PersonalAccessToken.objects.get(user=user, name="billing sync")
    assert secret not in (token.digest, token.prefix)  # only a digest is stored

    # The secret works against the API, as this user.
    status, body = call_me(live_server, secret)
    assert status == 200, body
    assert body["email"] == user.email

    # Shown once: not on the page any more when it is opened again.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Access tokens").click()
    expect(page.get_by_role("heading", name="Personal access tokens")).to_be_visible()
    expect(page.locator("#new-token")).to_have_count(0)
    assert secret not in page.content()
    expect(row.locator("td").nth(3)).not_to_have_text("never")  # last used is recorded

    # Revoking asks first; saying no keeps the token.
    questions = []

    def dismiss(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    row.get_by_role("button", name="Revoke").click()
    expect(row.locator(".badge")).to_have_text("active")
    assert questions == ["Revoke the token “billing sync”? Anything using it stops working."]
    assert call_me(live_server, secret)[0] == 200

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("status")).to_have_text("The token “billing sync” was revoked.")
    expect(row.locator(".badge")).to_have_text(re.compile(r"^revoked \d{4}-\d{2}-\d{2}$"))
    expect(row.get_by_role("button", name="Revoke")).to_have_count(0)
    screenshot("token-revoked")

    status, body = call_me(live_server, secret)
    assert status == 401, body
    token.refresh_from_db()
    assert token.revoked_at is not None
