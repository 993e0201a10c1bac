from django.test import Client


def test_it_describes_the_caller(world, api):
    r = api(world.company_admin).get("/api/v1/me")
    assert r.status_code == 200
    body = r.json()
    assert body["id"] == world.company_admin.pk
    assert body["email"] == "alice@northwind.example"
    assert body["role"] == "license_admin"
    assert body["is_company_admin"] is True
    assert body["organization"] == {
        "id": world.org.pk,
        "name": "Northwind Security",
        "slug": "northwind",
        "country": "DK",
    }


def test_it_never_shows_the_password_hash(world, api):
    body = api(world.license_user).get("/api/v1/me").json()
    assert "password" not in body
    assert world.license_user.password not in str(body)


def test_it_works_with_the_browser_session(login, world):
    r = login(world.license_user).get("/api/v1/me")
    assert r.status_code == 200
    assert r.json()["email"] == "lina@northwind.example"


def test_staff_has_no_organization(world, api):
    assert api(world.staff).get("/api/v1/me").json()["organization"] is None


def test_it_needs_authentication(db):
    assert Client().get("/api/v1/me").status_code == 401
