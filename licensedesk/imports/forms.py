from django import forms

from licensedesk.accounts.forms import ServiceFormMixin
from licensedesk.core.forms import Form


class UploadForm(ServiceFormMixin, Form):
    file = forms.FileField(
        label="Spreadsheet (CSV or XLSX)",
        help_text="Columns slc, customer, description, groups, visible_to; at most 20,000 rows "
        "and 10 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


class ConfirmForm(Form):
    mode = forms.ChoiceField(
        label="How to import",
        choices=[
            ("all", "All or nothing: if any row has an error, import nothing"),
            ("valid", "Import the valid rows only"),
        ],
        initial="all",
        widget=forms.RadioSelect,
    )
