from django import forms

from licensedesk.accounts.forms import ServiceFormMixin
from licensedesk.core.forms import Form


class GroupForm(ServiceFormMixin, Form):
    name = forms.CharField(max_length=100)
    description = forms.CharField(
        max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    codes = forms.CharField(
        required=False,
        label="License codes",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One SLC per line (used when the license picker is not available).",
    )

    def license_changes(self, data):
        """(SLCs to add, SLCs to remove, typed SLCs) posted by the picker or typed in the
        fallback box. The picker sends each list as one space-separated field: Django refuses
        a form of more than DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000) fields."""

        def split(values):
            return [code for value in values for code in value.split()]

        return (
            split(data.getlist("add")),
            split(data.getlist("remove")),
            split([self.cleaned_data.get("codes", "")]),
        )


class GrantGroupForm(Form):
    user_id = forms.IntegerField()
