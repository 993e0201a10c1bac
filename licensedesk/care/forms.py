from django import forms

from licensedesk.accounts.forms import ServiceFormMixin
from licensedesk.care.models import CareReminder, FollowedTiers
from licensedesk.core.forms import Form

LEAD_CHOICES = [
    (90, "90 days before"),
    (30, "30 days before"),
    (7, "7 days before"),
    (0, "On the day it ends"),
]


class ReminderForm(ServiceFormMixin, Form):
    scope = forms.ChoiceField(
        choices=CareReminder.Scope.choices,
        widget=forms.RadioSelect,
        initial=CareReminder.Scope.ALL,
        label="Remind me about",
    )
    group_id = forms.TypedChoiceField(
        label="License group", required=False, coerce=int, empty_value=None
    )
    slc = forms.CharField(label="License (SLC)", required=False, max_length=100)
    lead_times = forms.TypedMultipleChoiceField(
        choices=LEAD_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        initial=[90, 30, 7, 0],
        label="When",
    )
    other_lead = forms.IntegerField(label="Also this many days before", required=False)
    care_tiers = forms.ChoiceField(
        choices=FollowedTiers.choices,
        widget=forms.RadioSelect,
        initial=FollowedTiers.BOTH,
        required=False,
        label="Which Care",
    )
    notify_me = forms.BooleanField(label="Email me", required=False, initial=True)
    extra_emails = forms.CharField(
        label="Also email",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Extra addresses, separated by spaces, commas or new lines.",
    )

    def set_groups(self, groups):
        self.fields["group_id"].choices = [("", "—")] + [(g.pk, g.name) for g in groups]
        return self

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        leads = list(data.pop("lead_times") or [])
        other = data.pop("other_lead")
        if other is not None:
            leads.append(other)
        data["lead_times"] = leads
        if not data.get("care_tiers"):
            data.pop("care_tiers", None)  # not sent: the default, or as it was
        return data
