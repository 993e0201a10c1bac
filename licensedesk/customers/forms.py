from django import forms

from licensedesk.accounts.forms import ServiceFormMixin
from licensedesk.core.forms import Form


class CustomerForm(ServiceFormMixin, Form):
    name = forms.CharField(max_length=200, label="Customer name")
