"""Forms of the report pages: each parses one operation, the services decide."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from feedback.models import Category, State
from procedures.models import Unit
from procedures.models.units import COMMUNE_LEVEL_KINDS


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def commune_units():
    return Unit.objects.filter(kind__in=COMMUNE_LEVEL_KINDS).order_by("name_vi")


class ReportForm(forms.Form):
    category = forms.ChoiceField(
        label=_("What is it about?"), choices=Category.choices, widget=forms.RadioSelect
    )
    unit = UnitChoice(
        label=_("Ward or commune where it is"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("I don't know: the city's desk will find it"),
        help_text=_(
            "The report goes to this ward's staff. Not sure? Leave it: the city's triage desk "
            "sends it to the right ward."
        ),
    )
    description = forms.CharField(
        label=_("What did you see?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    address = forms.CharField(
        label=_("Address or landmark"),
        max_length=300,
        required=False,
        help_text=_("For example: in front of 12 Kim Long street, near the market gate."),
    )
    latitude = forms.DecimalField(
        label=_("Latitude (optional)"),
        max_digits=9,
        decimal_places=6,
        required=False,
        help_text=_("Tap the map, or from your phone's map, for example 16.4580."),
    )
    longitude = forms.DecimalField(
        label=_("Longitude (optional)"),
        max_digits=9,
        decimal_places=6,
        required=False,
        help_text=_("For example 107.5530."),
    )
    photo_1 = forms.FileField(label=_("Photo 1 (optional)"), required=False)
    photo_2 = forms.FileField(label=_("Photo 2 (optional)"), required=False)
    photo_3 = forms.FileField(label=_("Photo 3 (optional)"), required=False)
    contact_name = forms.CharField(label=_("Your name (optional)"), max_length=200, required=False)
    contact_phone = forms.CharField(label=_("Your phone (optional)"), max_length=15, required=False)
    contact_email = forms.EmailField(label=_("Your e-mail (optional)"), required=False)
    is_public = forms.BooleanField(
        label=_("Show this report on the public map (never with your name or contacts)"),
        required=False,
        initial=True,
    )
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    # "Is this yours?": set once the resident has seen the nearby open reports and still sends.
    not_duplicate = forms.BooleanField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = commune_units()
        for name in ("photo_1", "photo_2", "photo_3"):
            self.fields[name].widget.attrs["accept"] = "image/jpeg,image/png"
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4().hex)

    def photos(self):
        return [self.cleaned_data.get(n) for n in ("photo_1", "photo_2", "photo_3")]


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How well was it handled?"),
        choices=[
            (5, _("5: very good")),
            (4, _("4: good")),
            (3, _("3: acceptable")),
            (2, _("2: poor")),
            (1, _("1: very poor")),
        ],
        coerce=int,
        widget=forms.RadioSelect,
    )
    key = forms.CharField(
        label=_("Rating key"),
        max_length=16,
        required=False,
        help_text=_("Given to you when you sent the report."),
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class StaffFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All")), ("open", _("Open")), *State.choices],
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All")), *Category.choices]
    )
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)
    late = forms.BooleanField(label=_("Not picked up in time"), required=False)


class ActionForm(forms.Form):
    unit = forms.CharField(required=False, max_length=10)
    assignee = forms.CharField(required=False, max_length=150)
    note = forms.CharField(required=False, max_length=4000)
    answer = forms.CharField(required=False, max_length=4000)
    reason = forms.CharField(required=False, max_length=4000)


class NearbyForm(forms.Form):
    """The "is this yours?" question of the report form's script: a category and a point."""

    category = forms.ChoiceField(choices=Category.choices)
    lat = forms.FloatField(min_value=-90, max_value=90)
    lon = forms.FloatField(min_value=-180, max_value=180)
