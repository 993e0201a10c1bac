from django import forms

from licensedesk.accounts.forms import ServiceFormMixin
from licensedesk.core.forms import Form


class UploadForm(ServiceFormMixin, Form):
    lrq = forms.FileField(
        label="License request file (.lrq)",
        help_text="The file the customer's VMS wrote. At most 10 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".lrq,.xml"}),
    )
