"""The text of a notice: its recipient's language and its templates
(templates/notifications/<language>/<template>[.sms].txt)."""

from django.template.loader import render_to_string
from django.utils import translation

from portal.notifications.models import Notification

LANGUAGES = ("vi", "en")


def language_of(user: object = None, fallback: str = "vi") -> str:
    language = (getattr(user, "preferred_language", "") or fallback)[:2]
    return language if language in LANGUAGES else "vi"


def render(notification: Notification) -> tuple[str, str]:
    """Subject (first line) and body of the notice in its recipient's language."""
    language = language_of(fallback=notification.language)
    base = f"notifications/{language}/{notification.template}"
    names = [f"{base}.sms.txt", f"{base}.txt"]
    if notification.channel != Notification.Channel.SMS:
        names = names[1:]
    with translation.override(language):
        text = render_to_string(names, notification.context).strip()
    subject, _, body = text.partition("\n")
    return subject.strip(), (body.strip() or subject.strip())
