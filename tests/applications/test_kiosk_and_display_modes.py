"""The kiosk and the wall display as screens (issue 13): no site navigation, numbers only within
the unit's hours, the call said aloud as a WAV made by espeak-ng."""

import shutil
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from freezegun import freeze_time

from applications.demo_tickets import seed_counters
from applications.models import QueueTicket, ServiceCounter
from applications.services import announce, tickets
from portal.accounts.models import User
from procedures.models import Unit

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TUESDAY_MORNING = datetime(2026, 3, 10, 8, 0, tzinfo=VN)
TUESDAY_LUNCH = datetime(2026, 3, 10, 12, 0, tzinfo=VN)
TUESDAY_EARLY = datetime(2026, 3, 10, 6, 30, tzinfo=VN)
SUNDAY = datetime(2026, 3, 8, 9, 0, tzinfo=VN)
needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="apt-get install espeak-ng"
)


@pytest.fixture
def counters(demo, settings):
    settings.KIOSK_OPENING_HOURS_ONLY = True
    seed_counters()


def kim_long():
    return Unit.objects.get(code="19774")


@pytest.mark.parametrize("path", ["/desk/kiosk/19774/", "/desk/display/19774/"])
def test_the_kiosk_and_display_show_no_site_navigation_even_signed_in(counters, path):
    clerk = Client()
    clerk.force_login(User.objects.get(username="clerk.kimlong"))
    with freeze_time(TUESDAY_MORNING):
        html = clerk.get(path).content.decode()
    assert "Kim Long" in html
    assert "/accounts/login/" not in html
    assert 'action="/accounts/logout/' not in html
    assert User.objects.get(username="clerk.kimlong").display_name not in html
    assert 'id="site-menu"' not in html


def test_the_ticket_page_has_no_navigation_either(counters):
    with freeze_time(TUESDAY_MORNING):
        ticket = tickets.ticket_issue(unit=kim_long(), field=None)
        html = Client().get(f"/desk/kiosk/19774/ticket/{ticket.pk}/").content.decode()
    assert f'data-number="{ticket.number}"' in html
    assert "/accounts/login/" not in html


@pytest.mark.parametrize("moment", [TUESDAY_EARLY, TUESDAY_LUNCH, SUNDAY])
def test_no_number_is_given_outside_the_units_hours_with_a_clear_message(counters, moment):
    with freeze_time(moment):
        page = Client().get("/desk/kiosk/19774/").content.decode()
        refused = Client().post("/desk/kiosk/19774/", {"field": ""})
    # Kim Long's hours, in Vietnamese first.
    assert "Trung tâm đang ngoài giờ làm việc" in page
    assert "từ 07:00 đến 11:30 và từ 13:30 đến 17:00" in page
    assert 'name="field"' not in page  # no button to press
    assert refused.status_code == 409
    assert "Trung tâm đang ngoài giờ làm việc" in refused.content.decode()
    assert not QueueTicket.objects.exists()


def test_the_closed_message_in_english_by_choice(counters):
    english = Client()
    english.cookies["motcua_language"] = "en"
    with freeze_time(SUNDAY):
        refused = english.post("/desk/kiosk/19774/", {"field": ""}).content.decode()
    assert "numbers are given on working days, 07:00 to 11:30 and 13:30 to 17:00" in refused


def test_a_number_is_given_within_the_hours(counters):
    with freeze_time(TUESDAY_MORNING):
        taken = Client().post("/desk/kiosk/19774/", {"field": ""})
    assert taken.status_code == 302
    assert QueueTicket.objects.count() == 1


@needs_espeak
def test_the_display_says_a_call_in_vietnamese_as_a_wav_file(counters, settings, tmp_path):
    settings.ANNOUNCE_CACHE_DIR = tmp_path
    counter = ServiceCounter.objects.filter(unit=kim_long()).order_by("number").first()
    response = Client().get(f"/desk/display/19774/goi/12-{counter.number}.wav")
    assert response.status_code == 200
    assert response["Content-Type"] == "audio/wav"
    body = b"".join(response.streaming_content)
    assert body[:4] == b"RIFF"
    assert body[8:12] == b"WAVE"
    assert len(body) > 10_000  # about a second of speech, not an empty file
    # Made once per text, then served from the cache.
    cached = list(tmp_path.glob("*.wav"))
    assert len(cached) == 1
    again = Client().get(f"/desk/display/19774/goi/12-{counter.number}.wav")
    assert b"".join(again.streaming_content) == body
    assert len(list(tmp_path.glob("*.wav"))) == 1
    assert announce.call_text(number=12, counter=3) == "Mời số 12 đến quầy 3"


def test_the_call_audio_refuses_numbers_and_counters_that_do_not_exist(
    counters, settings, tmp_path
):
    settings.ANNOUNCE_CACHE_DIR = tmp_path
    assert Client().get("/desk/display/19774/goi/12-99.wav").status_code == 404
    assert Client().get("/desk/display/19774/goi/0-1.wav").status_code == 404
    assert Client().get("/desk/display/19774/goi/100000-1.wav").status_code == 404
    assert Client().get("/desk/display/00000/goi/12-1.wav").status_code == 404
    assert Client().post("/desk/display/19774/goi/12-1.wav").status_code == 405
    assert not list(tmp_path.glob("*.wav"))


def test_the_display_points_at_the_last_calls_audio(counters):
    with freeze_time(TUESDAY_MORNING):
        tickets.ticket_issue(unit=kim_long(), field=None)
        counter = ServiceCounter.objects.get(unit=kim_long(), number=3)
        called = tickets.ticket_call_next(
            counter=counter, clerk=User.objects.get(username="clerk.kimlong")
        )
        html = Client().get("/desk/display/19774/").content.decode()
    assert f'data-audio="/desk/display/19774/goi/{called.number}-3.wav"' in html
    assert f'data-text="Mời số {called.number} đến quầy 3"' in html
