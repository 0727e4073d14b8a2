"""The appointment as every page and form prints it: "HH:MM, dd/mm/yyyy" in Vietnam's time.

One filter, so the receipt (form 01), the tracking log, the desk's page, the citizen's page and
the public look-up show the same words for the same moment (issue 11, item 5)."""

from django import template

from applications.documents.common import moment_text

register = template.Library()


@register.filter
def moment(value) -> str:
    """`{{ dossier.appointment_at|moment }}`: "14:30, 12/03/2026"; empty for no moment."""
    return moment_text(value)
