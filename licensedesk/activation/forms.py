from django import forms

from licensedesk.accounts.forms import ServiceFormMixin


class UploadForm(ServiceFormMixin, forms.Form):
    lrq = forms.FileField(
        label="License request file (.lrq)",
        help_text="The file the customer's VMS wrote. At most 10 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".lrq,.xml"}),
    )
