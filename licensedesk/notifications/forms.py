from django import forms

from licensedesk.accounts.forms import ServiceFormMixin
from licensedesk.care.models import FollowedTiers
from licensedesk.core.forms import Form
from licensedesk.notifications import events
from licensedesk.notifications.models import NotificationProfile


class ProfileForm(ServiceFormMixin, Form):
    name = forms.CharField(max_length=100)
    description = forms.CharField(
        max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    scope = forms.ChoiceField(
        choices=NotificationProfile.Scope.choices,
        widget=forms.RadioSelect,
        initial="all",
        label="For",
    )
    group_ids = forms.TypedMultipleChoiceField(
        coerce=int, required=False, label="License groups", widget=forms.CheckboxSelectMultiple
    )
    customer_ids = forms.TypedMultipleChoiceField(
        coerce=int, required=False, label="Customers", widget=forms.CheckboxSelectMultiple
    )
    events = forms.MultipleChoiceField(
        choices=events.CHOICES, widget=forms.CheckboxSelectMultiple, label="Events"
    )
    lead_times = forms.CharField(
        required=False,
        initial="90, 30, 7, 0",
        label="Care ending: days before",
        help_text="Comma-separated; 0 is the day Care ends.",
    )
    care_tiers = forms.ChoiceField(
        choices=FollowedTiers.choices,
        widget=forms.RadioSelect,
        initial=FollowedTiers.BOTH,
        required=False,
        label="Care events follow",
    )
    grace_lead_days = forms.CharField(
        required=False,
        initial="7, 1",
        label="Grace ending: days before",
        help_text="Comma-separated, 1 to 90: before devices in grace stop recording.",
    )
    user_ids = forms.TypedMultipleChoiceField(
        coerce=int, required=False, label="Users", widget=forms.CheckboxSelectMultiple
    )
    extra_emails = forms.CharField(
        required=False, label="Extra email addresses", widget=forms.Textarea(attrs={"rows": 2})
    )
    email_enabled = forms.BooleanField(required=False, initial=True, label="Send emails")
    webhook_url = forms.CharField(
        required=False,
        max_length=500,
        label="Webhook URL",
        help_text="HTTPS. The JSON body is signed with HMAC-SHA256.",
    )
    muted = forms.BooleanField(required=False, label="Muted")

    def set_choices(self, groups, customers, users):
        self.fields["group_ids"].choices = [(g.pk, g.name) for g in groups]
        self.group_descriptions = {g.pk: g.description for g in groups}
        self.fields["customer_ids"].choices = [(c.pk, c.name) for c in customers]
        self.fields["user_ids"].choices = [(u.pk, f"{u} ({u.email})") for u in users]
        return self

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["lead_times"] = [
            p for p in data["lead_times"].replace(",", " ").split() if p
        ] or events.DEFAULT_LEAD_TIMES
        if not data.get("care_tiers"):
            data.pop("care_tiers", None)  # not sent: the default, or as it was
        data["grace_lead_days"] = [
            p for p in data["grace_lead_days"].replace(",", " ").split() if p
        ] or events.DEFAULT_GRACE_LEAD_DAYS
        return data

    @classmethod
    def initial_for(cls, profile) -> dict:
        return {
            "name": profile.name,
            "description": profile.description,
            "scope": profile.scope,
            "group_ids": list(profile.groups.values_list("pk", flat=True)),
            "customer_ids": list(profile.customers.values_list("pk", flat=True)),
            "events": profile.events,
            "lead_times": ", ".join(str(d) for d in profile.lead_times),
            "care_tiers": profile.care_tiers,
            "grace_lead_days": ", ".join(str(d) for d in profile.grace_lead_days),
            "user_ids": list(profile.users.values_list("pk", flat=True)),
            "extra_emails": "\n".join(profile.extra_emails),
            "email_enabled": profile.email_enabled,
            "webhook_url": profile.webhook_url,
            "muted": profile.muted,
        }
