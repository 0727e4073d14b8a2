"""The display's spoken call, as a WAV file (issue 13). Public, like the display itself: the URL
holds the unit, a ticket number and a counter number, never a name."""

from django.http import FileResponse, Http404, HttpResponse
from django.views.decorators.http import require_GET

from applications.models import ServiceCounter
from applications.selectors import tickets
from applications.services import announce
from portal.core.pages import page


@require_GET
@page()
def call_audio(request, unit_code: str, number: int, counter: int):
    unit = tickets.public_unit(unit_code)
    if not 1 <= number <= announce.MAX_NUMBER:
        raise Http404
    if not ServiceCounter.objects.filter(unit=unit, number=counter).exists():
        raise Http404
    try:
        path = announce.speech_wav(announce.call_text(number=number, counter=counter))
    except announce.SpeechUnavailable as error:
        return HttpResponse(str(error.message), status=503, content_type="text/plain")
    response = FileResponse(path.open("rb"), content_type="audio/wav")
    response["Cache-Control"] = "public, max-age=86400"
    return response
