from django.test import Client

from conftest import PASSWORD

PROBLEM = "application/problem+json"


def assert_problem(r, status):
    assert r.status_code == status
    assert r["Content-Type"] == PROBLEM
    body = r.json()
    assert body["status"] == status
    assert body["type"] and body["title"] and body["detail"]
    return body


def test_401_for_an_anonymous_caller_has_www_authenticate(db):
    r = Client().get("/api/v1/me")
    body = assert_problem(r, 401)
    assert r["WWW-Authenticate"].startswith("Bearer")
    assert body["instance"] == "/api/v1/me"


def test_401_for_a_malformed_authorization_header(db):
    r = Client(headers={"Authorization": "Basic dXNlcjpwYXNz"}).get("/api/v1/me")
    assert_problem(r, 401)


def test_403_for_a_missing_right(world, api):
    body = assert_problem(api(world.license_user).get("/api/v1/users"), 403)
    assert body["code"] == "forbidden"


def test_404_for_another_companys_object(world, api):
    body = assert_problem(api(world.company_admin).get(f"/api/v1/users/{world.outsider.pk}"), 404)
    assert body["code"] == "not_found"


def test_422_for_an_invalid_body_names_the_field(world, api):
    r = api(world.company_admin).post_json("/api/v1/users", {"email": "x@northwind.example"})
    body = assert_problem(r, 422)
    assert any("first_name" in e["loc"] for e in body["errors"])


def test_a_malformed_json_body_is_a_problem(world, api):
    client = api(world.company_admin)
    r = client.post("/api/v1/users", "{not json", content_type="application/json")
    assert r.status_code in (400, 422)
    assert r["Content-Type"] == PROBLEM


def test_a_server_error_shows_no_stack_trace(world, api, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("SELECT secret FROM somewhere")

    monkeypatch.setattr("licensedesk.accounts.services.update_user", boom)
    r = api(world.company_admin).patch_json(
        f"/api/v1/users/{world.license_user.pk}", {"job_title": "x"}
    )
    body = assert_problem(r, 500)
    assert "SELECT" not in r.content.decode()
    assert "Traceback" not in r.content.decode()
    assert body["code"] == "server_error"


def test_session_auth_without_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/accounts/login/", {}).status_code == 403  # sanity: CSRF is on
    client.force_login(world.company_admin)
    r = client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert r.status_code in (401, 403)
    assert r["Content-Type"] == PROBLEM
    assert not world.company_admin.tokens.exists()


def test_session_auth_with_csrf_token_is_accepted(world):
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    csrf = client.cookies["csrftoken"].value
    r = client.post(
        "/accounts/login/",
        {"email": world.license_user.email, "password": PASSWORD, "csrfmiddlewaretoken": csrf},
    )
    assert r.status_code == 302
    csrf = client.cookies["csrftoken"].value
    r = client.post(
        "/api/v1/tokens",
        {"name": "x"},
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert r.status_code == 201


def test_a_token_call_needs_no_csrf_token(world, api):
    client = api(world.license_user)
    client.handler.enforce_csrf_checks = True
    assert client.post_json("/api/v1/tokens", {"name": "x"}).status_code == 201


def test_an_unknown_api_path_is_a_problem(world, api):
    body = assert_problem(api(world.license_user).get("/api/v1/no-such-thing"), 404)
    assert body["instance"] == "/api/v1/no-such-thing"


def test_an_unknown_page_is_still_a_page(login, world):
    r = login(world.license_user).get("/no-such-page/")
    assert r.status_code == 404
    assert r["Content-Type"].startswith("text/html")


def test_a_post_with_a_wrong_token_is_a_401_not_a_csrf_error(db):
    r = Client(enforce_csrf_checks=True).post(
        "/api/v1/tokens",
        {"name": "x"},
        content_type="application/json",
        headers={"Authorization": "Bearer ldpat_not-a-real-token"},
    )
    assert r.status_code == 401
    assert r["Content-Type"] == "application/problem+json"
    assert r["WWW-Authenticate"].startswith("Bearer")


def test_an_unsupported_method_is_a_problem_detail_with_allow(api, world):
    r = api(world.license_user).put("/api/v1/me", {}, content_type="application/json")
    assert r.status_code == 405
    assert r["Content-Type"] == "application/problem+json"
    assert r.json()["code"] == "method_not_allowed"
    assert "GET" in r["Allow"]
