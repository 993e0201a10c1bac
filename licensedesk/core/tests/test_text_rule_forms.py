"""The text rule in forms: a control character is a field error on the page and nothing is
saved; a multi-line field keeps its lines with LF; a password is taken exactly as typed."""

import pytest

from licensedesk.core.forms import Form
from licensedesk.groups.models import LicenseGroup


@pytest.mark.parametrize("name", ["Night\x00shift", "Bell\x07", "Two\nlines"])
def test_a_single_line_field_with_control_characters_is_a_field_error(world, login, name):
    page = login(world.license_admin).post("/groups/new/", {"name": name, "description": ""})
    assert page.status_code == 200
    assert page.context["form"].errors["name"]
    assert not LicenseGroup.objects.filter(organization=world.org).exists()


def test_a_multi_line_field_keeps_its_lines_with_lf(world, login):
    r = login(world.license_admin).post(
        "/groups/new/", {"name": "Harbour", "description": "Pier 1\r\nPier 2\rPier 3"}
    )
    assert r.status_code == 302
    assert LicenseGroup.objects.get(organization=world.org).description == "Pier 1\nPier 2\nPier 3"


def test_a_password_is_kept_exactly_as_typed():
    from django import forms

    class PasswordForm(Form):
        password = forms.CharField(strip=False, widget=forms.PasswordInput)

    form = PasswordForm({"password": " tab\there\r\nand more "})
    assert form.is_valid()
    assert form.cleaned_data["password"] == " tab\there\r\nand more "
