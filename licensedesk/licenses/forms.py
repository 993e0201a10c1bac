from django import forms

from licensedesk.accounts.forms import ServiceFormMixin
from licensedesk.core.forms import Form
from licensedesk.licenses.services import MAX_DESCRIPTION


class CustomerChoiceMixin(Form):
    """Pick one of the customers the user sees, or add a new one inline."""

    customer_id = forms.TypedChoiceField(
        label="Customer", required=False, coerce=int, empty_value=None
    )
    new_customer = forms.CharField(
        label="Or add customer",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "New customer's name"}),
    )

    def set_customers(self, customers):
        self.fields["customer_id"].choices = [("", "— Unspecified —")] + [
            (c.pk, c.name) for c in customers
        ]
        return self


class RegisterForm(ServiceFormMixin, CustomerChoiceMixin):
    slc = forms.CharField(
        label="Software license code (SLC)",
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "placeholder": "M01-C01-251-01-7K3QF9",
                "autofocus": True,
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
    )
    description = forms.CharField(
        required=False,
        max_length=MAX_DESCRIPTION,
        label="License description",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    group_ids = forms.TypedMultipleChoiceField(
        label="License groups",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    field_order = ["slc", "customer_id", "new_customer", "description", "group_ids"]

    def set_groups(self, groups):
        self.fields["group_ids"].choices = [(g.pk, g.name) for g in groups]
        if not self.fields["group_ids"].choices:
            del self.fields["group_ids"]
        return self


class LicenseEditForm(ServiceFormMixin, CustomerChoiceMixin):
    description = forms.CharField(
        required=False,
        max_length=MAX_DESCRIPTION,
        label="License description",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
