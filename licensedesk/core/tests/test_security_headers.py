import json
import os
import re
import secrets
import subprocess
import sys

import pytest
from django.test import Client

PAGES = ["/", "/accounts/profile/", "/activity/", "/api/v1/docs"]


@pytest.fixture
def client(login, world):
    return login(world.company_admin)


@pytest.mark.parametrize("path", PAGES)
def test_pages_carry_the_security_headers(client, path):
    assert_headers(client.get(path))


def test_the_public_login_page_carries_them_too(db):
    assert_headers(Client().get("/accounts/login/"))


def assert_headers(r):
    assert r.status_code == 200
    csp = r["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Referrer-Policy"] == "same-origin"
    assert r["X-Frame-Options"] == "DENY"


def test_api_answers_carry_nosniff(world, api):
    r = api(world.license_user).get("/api/v1/me")
    assert r["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "path", ["/", "/activity/", "/accounts/users/", "/accounts/profile/tokens/"]
)
def test_pages_have_no_inline_script(client, path):
    r = client.get(path)
    assert r.status_code == 200
    html = r.content.decode()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
    for attrs, body in scripts:
        assert "src=" in attrs or "application/json" in attrs, attrs
        if "src=" in attrs:
            assert not body.strip()
    assert scripts  # the app's own script is there, so the check above did look
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"


def _production_env(tmp_path) -> dict:
    # Not LICENSEDESK_* of the test run, nor what the browser tests set for Playwright.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("LICENSEDESK_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(
        LICENSEDESK_BASE_URL="https://x.example",
        LICENSEDESK_SECRET_KEY=secrets.token_urlsafe(64),
        LICENSEDESK_ALLOWED_HOSTS="x.example",
        LICENSEDESK_DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="licensedesk.settings",
    )
    return env


def _licensedesk(tmp_path, *args):
    return subprocess.run(
        [sys.executable, "-m", "licensedesk", *args],
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = _licensedesk(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_turn_on_hsts_and_secure_cookies(tmp_path):
    names = [
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_HTTPONLY",
        "DEBUG",
    ]
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    )
    result = _licensedesk(tmp_path, "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["DEBUG"] is False


def test_hsts_is_sent_over_https(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    r = client.get("/", secure=True)
    assert r["Strict-Transport-Security"].startswith("max-age=31536000")
