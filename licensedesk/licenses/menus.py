"""The menus of the Licenses page (products, groups, License Users to grant to, the chosen
customer), loaded in one query: four small lists each cost a round trip and Django's query
building, more than the rows themselves (docs/benchmarks.md)."""

from dataclasses import dataclass, field

from django.db.models import CharField, F, IntegerField, Value

from licensedesk import access
from licensedesk.catalog.models import Product
from licensedesk.core.ids import parse_id


@dataclass(frozen=True)
class Choice:
    """One entry of a menu: what the page and the rights (`access.can_edit_group`) read of
    a product, group, License User or customer, without building the whole model."""

    pk: int
    name: str  # a user's full name, or their email
    code: str = ""
    kind: str = ""
    email: str = ""
    organization_id: int | None = None
    created_by_id: int | None = None

    def __str__(self):
        return self.name


@dataclass
class Menus:
    products: list = field(default_factory=list)  # every product of the catalog
    groups: list = field(default_factory=list)
    license_users: list = field(default_factory=list)
    customers: list = field(default_factory=list)  # the chosen customer, if any

    @property
    def editions(self) -> list:
        return [p for p in self.products if p.kind == Product.Kind.EDITION]

    def editable_groups(self, user) -> list:
        return [g for g in self.groups if access.can_edit_group(user, g)]


def _text(value: str = "") -> Value:
    return Value(value, output_field=CharField())


def _branch(queryset, menu: str, *, name="name", a=None, b=None, n=None):
    """One branch of the UNION: (menu, id, name, a, b, n) whatever the model."""
    return queryset.order_by().values(
        m=_text(menu),
        i=F("pk"),
        t=F(name),
        a=F(a) if a else _text(),
        b=F(b) if b else _text(),
        n=F(n) if n else Value(None, output_field=IntegerField()),
    )


def _order(row) -> tuple:
    """Each menu in its model's order: users by last name, first name, email; the rest by name."""
    if row["m"] == "u":
        return (row["m"], row["a"].casefold(), row["t"].casefold(), row["b"])
    return (row["m"], row["t"].casefold(), row["i"])


def menus_for(user, chosen_customer=None) -> Menus:
    """Everything the Licenses page offers to choose from, as `user` may see it."""
    branches = [
        _branch(Product.objects.all(), "p", a="code", b="kind"),
        _branch(access.groups_visible_to(user), "g", n="created_by_id"),
    ]
    if access.can_manage_visibility(user):
        users = access.license_users_of(user)
        branches.append(_branch(users, "u", name="first_name", a="last_name", b="email"))
    customer_id = parse_id(chosen_customer)
    if customer_id is not None:
        branches.append(_branch(access.customers_visible_to(user).filter(pk=customer_id), "c"))
    menus, org = Menus(), user.organization_id
    rows = branches[0].union(*branches[1:], all=True)
    for row in sorted(rows, key=_order):
        menu, pk, name, a, b, n = (row[k] for k in "mitabn")
        if menu == "p":
            menus.products.append(Choice(pk, name, code=a, kind=b))
        elif menu == "g":
            menus.groups.append(Choice(pk, name, organization_id=org, created_by_id=n))
        elif menu == "u":
            full_name = f"{name} {a}".strip() or b  # as User.__str__
            menus.license_users.append(Choice(pk, full_name, email=b, organization_id=org))
        else:
            menus.customers.append(Choice(pk, name, organization_id=org))
    return menus
