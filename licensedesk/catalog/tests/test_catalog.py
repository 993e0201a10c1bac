import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from licensedesk.catalog.models import Product, ProductVersion
from licensedesk.licenses.tests import factories


@pytest.mark.parametrize("code", ["C01", "E99", "LPR"])
def test_a_product_code_is_three_capitals_or_digits(db, code):
    Product(code=code, name="X").full_clean()


@pytest.mark.parametrize("code", ["c01", "C1", "C001", "C-1", ""])
def test_it_refuses_other_product_codes(db, code):
    with pytest.raises(ValidationError):
        Product(code=code, name="X").full_clean()


@pytest.mark.parametrize("code", ["25", "2511", "25A"])
def test_a_version_code_is_three_digits(db, code):
    with pytest.raises(ValidationError):
        ProductVersion(product=factories.product(), code=code, name="X").full_clean()


def test_a_version_code_is_unique_per_product(db):
    corporate = factories.product("C01", "Corporate")
    factories.version(corporate, "251")
    factories.version(factories.product("E01", "Expert"), "251")  # another product: fine
    with pytest.raises(IntegrityError):
        ProductVersion.objects.create(product=corporate, code="251", name="Again")


def test_a_version_reads_as_product_and_name(db):
    assert str(factories.version(factories.product("C01", "Corporate"))) == "Corporate 2025 R1"


def test_a_product_with_licenses_cannot_be_deleted(db):
    lic = factories.issue()
    with pytest.raises(IntegrityError):
        lic.product.delete()


def test_staff_add_a_product_with_a_version_in_the_back_office(backoffice, world):
    r = backoffice(world.staff).post(
        "/backoffice/catalog/product/add/",
        {
            "code": "C01",
            "name": "Corporate",
            "kind": "edition",
            "versions-TOTAL_FORMS": 1,
            "versions-INITIAL_FORMS": 0,
            "versions-0-name": "2025 R1",
            "versions-0-code": "251",
        },
    )
    assert r.status_code == 302
    assert ProductVersion.objects.get().product.code == "C01"


def test_partners_cannot_edit_the_catalog(login, world):
    r = login(world.company_admin).post(
        "/backoffice/catalog/product/add/", {"code": "C01", "name": "Corporate"}
    )
    assert r.status_code == 302
    assert not Product.objects.exists()


def test_only_editions_are_offered_as_license_filters(login, world):
    factories.product("C01", "Corporate")
    factories.product("LPR", "Plate recognition", kind=Product.Kind.ADDON)
    r = login(world.license_admin).get("/licenses/")
    assert [p.code for p in r.context["products"]] == ["C01"]
