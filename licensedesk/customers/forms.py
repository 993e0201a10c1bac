from django import forms

from licensedesk.accounts.forms import ServiceFormMixin


class CustomerForm(ServiceFormMixin, forms.Form):
    name = forms.CharField(max_length=200, label="Customer name")
