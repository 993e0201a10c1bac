"""Browsers ask every site for /favicon.ico: it leads to our icon among the static files, and
every page links the icon, so no page logs a 404 for it."""

from django.contrib.staticfiles import finders
from django.test import Client

ICO_HEADER = b"\x00\x00\x01\x00"


def test_favicon_ico_leads_anyone_to_the_static_icon(db):
    r = Client().get("/favicon.ico")
    assert r.status_code == 302
    assert r["Location"] == "/static/licensedesk/favicon.ico"


def test_the_static_icons_exist():
    with open(finders.find("licensedesk/favicon.ico"), "rb") as icon:
        assert icon.read(4) == ICO_HEADER
    with open(finders.find("licensedesk/favicon.svg"), encoding="utf-8") as icon:
        assert icon.read().startswith("<svg")


def test_the_login_page_and_the_app_pages_link_the_icon(world, login):
    for body in (
        Client().get("/accounts/login/").content.decode(),
        login(world.license_user).get("/licenses/").content.decode(),
    ):
        assert '<link rel="icon" href="/static/licensedesk/favicon.ico"' in body
        assert '<link rel="icon" href="/static/licensedesk/favicon.svg"' in body


def test_an_admin_who_must_set_up_2fa_still_gets_the_icon(world, login):
    world.org.require_2fa_for_admins = True
    world.org.save()
    r = login(world.company_admin).get("/favicon.ico")
    assert r["Location"] == "/static/licensedesk/favicon.ico"
