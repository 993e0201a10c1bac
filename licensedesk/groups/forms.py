from django import forms

from licensedesk.accounts.forms import ServiceFormMixin


class GroupForm(ServiceFormMixin, forms.Form):
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
        """(add ids, remove ids, codes) posted by the picker or typed in the fallback box."""
        return (
            data.getlist("add"),
            data.getlist("remove"),
            [c for c in self.cleaned_data.get("codes", "").split() if c],
        )


class GrantGroupForm(forms.Form):
    user_id = forms.IntegerField()
