"""The citizen's page for the national satisfaction scheme (issue 11, item 2): nine criteria,
each 2 (satisfied), 1 (partly) or 0 (not satisfied); the service is
`applications.services.ratings_national`."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import access
from applications.models.satisfaction import CRITERIA, Band
from applications.selectors import citizen
from applications.services import ratings_national
from portal.core.errors import DomainError
from portal.core.pages import page

CHOICES = [
    ("2", gettext_lazy("Satisfied (2)")),
    ("1", gettext_lazy("Partly satisfied (1)")),
    ("0", gettext_lazy("Not satisfied (0)")),
]


class NationalRatingForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Anything else you want to tell us (optional)"),
        required=False,
        max_length=ratings_national.COMMENT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, question in CRITERIA.items():
            self.fields[key] = forms.ChoiceField(
                label=question, choices=CHOICES, widget=forms.RadioSelect
            )
        self.order_fields([*CRITERIA, "comment"])


@login_required
@page()
def rate_national(request, code):
    dossier = citizen.my_dossier(user=request.user, code=code)
    if not access.may_rate_national(dossier, request.user):
        messages.info(request, _("You can rate the service once, after the result is issued."))
        return redirect("citizen:dossier", code=code)
    form = NationalRatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rating = ratings_national.national_rating_submit(
                dossier=dossier,
                user=request.user,
                criteria={key: int(data[key]) for key in CRITERIA},
                comment=data["comment"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Thank you. Your rating: %(score)s of 18, %(band)s.")
                % {"score": rating.score, "band": Band(rating.band).label},
            )
            return redirect("citizen:dossier", code=code)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "citizen/rate_national.html", {"dossier": dossier, "form": form}, status=status
    )
