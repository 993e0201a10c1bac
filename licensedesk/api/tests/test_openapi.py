import re

from django.test import Client


def test_the_schema_lists_the_endpoints(db):
    r = Client().get("/api/v1/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    for path in (
        "/api/v1/me",
        "/api/v1/users",
        "/api/v1/users/{user_id}",
        "/api/v1/tokens",
        "/api/v1/tokens/{token_id}",
        "/api/v1/audit-events",
    ):
        assert path in paths, path
    assert set(paths["/api/v1/users/{user_id}"]) >= {"get", "patch", "delete"}


def test_the_schema_declares_bearer_auth(db):
    schemes = Client().get("/api/v1/openapi.json").json()["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


def test_the_docs_use_only_local_files(db):
    r = Client().get("/api/v1/docs")
    assert r.status_code == 200
    html = r.content.decode()
    assert "/static/" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "cdn." not in html
