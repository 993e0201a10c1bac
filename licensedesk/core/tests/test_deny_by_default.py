"""Walk every URL pattern and check that an anonymous caller gets nothing but a login page
(or a 401 from the API), except for an explicit allowlist of public pages."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

PUBLIC = {
    "accounts:login",
    "accounts:signup",
    "accounts:signup_confirm",
    "accounts:forgot_password",
    "accounts:reset_password",
    "accounts:accept_invitation",
    "accounts:login_verify",
    "health",
    "ready",  # for load balancers: says whether the database answers, nothing more
    "metrics",  # its own bearer token (LICENSEDESK_METRICS_TOKEN), checked in the view
    "api:openapi-json",
    "api:openapi-view",
    "admin:login",
    "jwks",  # public keys that verify license files: public by design
    "care:calendar",  # the secret in the URL is the credential (calendar programs can't log in)
    "notifications:mute",  # the signed token in the URL is the credential (emailed link)
    "favicon",  # a redirect to the static icon
}
SECRET_IN_URL = {"care:calendar", "notifications:mute"}
# The second step of a login: without a first step it sends the caller back to log in.
SECOND_STEP = {"accounts:login_verify"}
DUMMY = {
    "int": "1",
    "id": "1",
    "str": "x",
    "slug": "x",
    "uuid": "00000000-0000-0000-0000-000000000001",
    "path": "x",
}


def _route(pattern) -> str:
    """A concrete path for one pattern: parameters become dummy values."""
    text = str(pattern.pattern)
    if hasattr(pattern.pattern, "_route"):  # path("…/<int:pk>/")
        return re.sub(r"<(?:(\w+):)?\w+>", lambda m: DUMMY.get(m[1] or "str", "x"), text)
    # re_path: named groups become "x", anchors go
    text = re.sub(r"\(\?P<\w+>[^)]*\)", "x", text)
    return text.lstrip("^").rstrip("$").replace("\\", "")


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}{p.namespace}:"
            yield from _walk(p.url_patterns, prefix + _route(p), ns)
        elif isinstance(p, URLPattern):
            yield f"{namespace}{p.name or p.lookup_str}", "/" + prefix + _route(p)


ALL = sorted(set(_walk(get_resolver().url_patterns)))


def test_the_walk_finds_the_apps_pages():
    names = {name for name, _ in ALL}
    assert {
        "accounts:user_list",
        "accounts:user_delete",
        "audit:activity",
        "dashboard:home",
        "admin:index",
    } <= names
    assert any(path.startswith("/api/v1/users") for _, path in ALL)
    assert len(ALL) > 30


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name,path", [p for p in ALL if p[0] not in PUBLIC])
def test_anonymous_callers_are_sent_to_log_in(db, name, path, method):
    r = getattr(Client(), method)(path)
    if name == "api:api-root":  # no operation of its own
        assert r.status_code == 404
    elif path.startswith("/api/"):
        assert r.status_code in (401, 405), (name, path, r.status_code)
        if r.status_code == 401:
            assert r["Content-Type"] == "application/problem+json"
    elif name.startswith("admin:"):  # the back office: its own login page or ours
        assert r.status_code in (302, 405), (name, path, r.status_code)
        if r.status_code == 302:
            assert r["Location"].startswith(("/backoffice/login/", "/accounts/login/")), path
    else:
        assert r.status_code == 302, (name, path, r.status_code)
        assert r["Location"].startswith("/accounts/login/?next="), (name, path)


@pytest.mark.parametrize("name,path", [p for p in ALL if p[0] in PUBLIC])
def test_the_allowlisted_pages_answer_anonymous_callers(db, name, path):
    r = Client().get(path)
    if name in SECRET_IN_URL:  # a made-up secret opens nothing
        assert r.status_code == 404, (name, path, r.status_code)
    elif name in SECOND_STEP:
        assert r.status_code == 302 and r["Location"] == "/accounts/login/", (name, path)
    elif name == "favicon":
        assert r.status_code == 302 and r["Location"].startswith("/static/"), (name, path)
    elif name == "metrics":  # without its token: refused (403 while metrics are off)
        assert r.status_code in (401, 403), (name, path, r.status_code)
    else:
        assert r.status_code in (200, 400), (name, path, r.status_code)
