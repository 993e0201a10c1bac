"""The base of every form: the text rule of core/text.py as field errors (NUL and control
characters refused, line feeds only in multi-line fields, CR LF and lone CR made LF)."""

from django import forms

from licensedesk.core import text


class TextRuleMixin:
    def full_clean(self):
        super().full_clean()
        for name, field in self.fields.items():
            value = getattr(self, "cleaned_data", {}).get(name)
            if not isinstance(value, str) or isinstance(field.widget, forms.PasswordInput):
                continue  # a password is kept exactly as typed (Django refuses NUL in it)
            value = text.normalized(value)
            found = text.problem(value, multiline=isinstance(field.widget, forms.Textarea))
            if found:
                self.add_error(name, f"This text {found}.")
            else:
                self.cleaned_data[name] = value


class Form(TextRuleMixin, forms.Form):
    pass


class ModelForm(TextRuleMixin, forms.ModelForm):
    pass
