"""Template filters of the working calendar: `{% load calendar_notes %}`."""

from django import template

from procedures.selectors import provisional_note as _provisional_note

register = template.Library()


@register.filter
def provisional_note(moment):
    """The warning for a due moment in a year without a government holiday decision, or ""."""
    try:
        return _provisional_note(moment) or ""
    except (TypeError, ValueError):  # not an aware datetime or a date: nothing to warn about
        return ""
