"""Issue 8, item 3: throttles that hold. A look-up flood is throttled whatever X-Forwarded-For
says; wrong digits on one dossier code cool that code down across every address, not others, and
the citizen gets through once the flood's cool-down ends; the kiosk cannot print without end; the
counts live in the shared cache, so every process sees them."""

import os
import subprocess
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.test import Client, RequestFactory
from freezegun import freeze_time
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from applications import services
from applications.demo_tickets import seed_counters
from applications.models import QueueTicket
from portal.accounts.models import User
from portal.core.clientip import client_ip, throttle_ident
from portal.core.throttling import PREFIX
from procedures.models import Field, Unit
from tests.applications.conftest import pdf, required_docs

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MORNING = datetime(2026, 3, 10, 9, 0, 5, tzinfo=VN)  # a Tuesday, early in a minute
RIGHT = "3456"  # the applicant's phone is 0905123456


@pytest.fixture
def lookup_rate(settings):
    def set_rate(rate):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"lookup": rate},
        }

    return set_rate


def make_dossier(procedure):
    return services.dossier_create(
        procedure=procedure,
        unit=Unit.objects.get(code="19774"),
        applicant=services.Applicant(name="Nguyễn Thị Lan", phone="0905123456"),
        channel="online",
        actor=User.objects.get(username="citizen"),
        files={doc_id: pdf(f"doc{doc_id}.pdf") for doc_id in required_docs(procedure)},
    )


def page(code, digits, address="198.51.100.1", **headers):
    return Client(REMOTE_ADDR=address, **headers).get("/tra-cuu/", {"code": code, "phone": digits})


def api(code, digits, address="198.51.100.1", **headers):
    return APIClient(REMOTE_ADDR=address, **headers).get(
        f"/api/v1/lookup/{code}/", {"phone": digits}
    )


# --- The client's address -------------------------------------------------------------------


def _request(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_trusted_proxies_x_forwarded_for_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request("203.0.113.9", "1.2.3.4")) == "203.0.113.9"


def test_behind_trusted_proxies_only_the_entries_they_appended_count(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client wrote "1.2.3.4"; our proxy appended the address it saw.
    assert client_ip(_request("10.0.0.2", "1.2.3.4, 203.0.113.9")) == "203.0.113.9"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request("10.0.0.2", "1.2.3.4, 203.0.113.9, 10.0.0.1")) == "203.0.113.9"
    # Garbage in the trusted position (a misconfigured proxy): the socket's address.
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request("10.0.0.2", "not-an-address")) == "10.0.0.2"


def test_drf_counts_proxies_from_the_same_setting():
    assert api_settings.NUM_PROXIES == django_settings.TRUSTED_PROXY_COUNT


def test_an_ipv6_client_is_throttled_per_64_block(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    one = throttle_ident(_request("2001:db8:1:2::1"))
    other = throttle_ident(_request("2001:db8:1:2:ffff::9"))
    assert one == other == "2001:db8:1:2::/64"


# --- Per address ----------------------------------------------------------------------------


def test_a_lookup_flood_from_rotating_spoofed_forwarded_addresses_is_still_throttled(
    demo, lookup_rate
):
    lookup_rate("5/min")
    with freeze_time(MORNING):
        # Different codes each time: only the per-address budget is in play.
        statuses = [
            api(f"19774-000000-{i:04d}", "1234", HTTP_X_FORWARDED_FOR=f"10.9.{i}.{i}").status_code
            for i in range(6)
        ]
        assert statuses == [404] * 5 + [429]
        blocked = api("19774-000000-9999", "1234", HTTP_X_FORWARDED_FOR="10.1.1.1")
        assert blocked.status_code == 429
        assert blocked.json()["code"] == "throttled"
        assert "Thử lại sau" in blocked.json()["detail"]
        assert int(blocked["Retry-After"]) <= 60
        # The page and the API share one budget per address.
        blocked_page = page("19774-000000-0100", "1234", HTTP_X_FORWARDED_FOR="10.2.2.2")
        assert blocked_page.status_code == 429
        assert "Quá nhiều lượt tra cứu từ kết nối này. Thử lại sau" in blocked_page.content.decode()
        # Someone else is not affected.
        assert api("19774-000000-0101", "1234", address="198.51.100.2").status_code == 404


def test_behind_a_trusted_proxy_a_spoofed_forwarded_prefix_does_not_reset_the_count(
    demo, lookup_rate, settings
):
    lookup_rate("3/min")
    settings.TRUSTED_PROXY_COUNT = 1
    with freeze_time(MORNING):
        statuses = [
            page(
                f"19774-000000-{i:04d}",
                "1234",
                address="10.0.0.2",  # the proxy
                HTTP_X_FORWARDED_FOR=f"172.16.{i}.1, 203.0.113.7",
            ).status_code
            for i in range(4)
        ]
        other_client = page(
            "19774-000000-0200", "1234", address="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.8"
        )
    assert statuses == [404, 404, 404, 429]
    assert other_client.status_code == 404


def test_the_address_budget_comes_back_in_the_next_minute(demo, lookup_rate):
    lookup_rate("2/min")
    with freeze_time(MORNING) as clock:
        assert [api(f"19774-000000-{i:04d}", "1234").status_code for i in range(3)] == [
            404,
            404,
            429,
        ]
        clock.tick(timedelta(seconds=60))
        assert api("19774-000000-0003", "1234").status_code == 404


def test_look_ups_with_malformed_digits_spend_the_address_budget_too(demo, lookup_rate):
    lookup_rate("2/min")
    with freeze_time(MORNING):
        assert api("19774-000000-0001", "12").status_code == 404
        assert page("19774-000000-0002", "abcd").status_code == 404
        assert api("19774-000000-0003", "1234").status_code == 429
        assert page("19774-000000-0004", "1234").status_code == 429


# --- Per dossier code -----------------------------------------------------------------------


def test_wrong_digits_from_many_addresses_cool_down_that_code_and_not_others(procedure, caplog):
    target, other = make_dossier(procedure), make_dossier(procedure)
    with freeze_time(MORNING) as clock:
        # A botnet: every guess from its own address, through page and API alike.
        statuses = []
        for i in range(40):
            ask = api if i % 2 else page
            statuses.append(ask(target.code, f"{i:04d}", address=f"10.{i}.0.1").status_code)
        assert statuses[:5] == [404] * 5
        assert set(statuses[5:]) == {429}

        # The right digits during the cool-down answer 429, in Vietnamese, with the time to retry.
        cooled = api(target.code, RIGHT, address="203.0.113.50")
        assert cooled.status_code == 429
        body = cooled.json()
        assert body["code"] == "lookup_cooling_down"
        assert "thử lại sau 09:03" in body["detail"].lower()
        assert body["retry_after"] == int(cooled["Retry-After"]) == 180
        cooled_page = page(target.code, RIGHT, address="203.0.113.50")
        assert cooled_page.status_code == 429
        assert "tạm dừng" in cooled_page.content.decode()
        assert target.applicant_name not in cooled_page.content.decode()

        assert f"{target.code!r} cooling down" in caplog.text
        # Another dossier is not affected.
        assert api(other.code, RIGHT, address="10.0.0.1").status_code == 200

        # The flood stops; once the cool-down ends the citizen gets through.
        clock.tick(timedelta(seconds=181))
        answer = page(target.code, RIGHT, address="203.0.113.50")
        assert answer.status_code == 200
        assert target.code in answer.content.decode()


def test_a_code_that_does_not_exist_cools_down_alike(demo):
    with freeze_time(MORNING):
        statuses = [api("19774-990101-0001", f"{i:04d}").status_code for i in range(6)]
    # The same answers as for a real code: the cool-down reveals nothing.
    assert statuses == [404] * 5 + [429]


def test_a_day_of_sustained_guessing_on_one_code_gets_a_few_dozen_guesses(procedure):
    """Settings' default (5 at once then 1 per 3 min; 30 at once then 1 per hour): an attacker
    with unlimited addresses trying every minute for 24 hours has about 30 + 24 digits compared;
    four digits (10,000) would take more than a year."""
    target = make_dossier(procedure)
    compared = 0
    with freeze_time(MORNING) as clock:
        for minute in range(24 * 60):
            if minute % 2 == 0:  # every other minute, to keep the test quick
                status = api(target.code, "0000", address=f"10.{minute % 250}.{minute // 250}.9")
                compared += status.status_code == 404
            clock.tick(timedelta(minutes=1))
    assert 30 <= compared <= 30 + 24 + 1


# --- Kiosk tickets --------------------------------------------------------------------------


def test_a_kiosk_ticket_flood_is_limited_per_unit_and_minute(demo, settings):
    seed_counters()
    settings.KIOSK_TICKETS_PER_MINUTE = 3
    field = Field.objects.get(name_vi="Hộ tịch")
    with freeze_time(MORNING) as clock:
        statuses = [
            Client(REMOTE_ADDR=f"10.0.{i}.1")
            .post("/desk/kiosk/19774/", {"field": field.pk})
            .status_code
            for i in range(5)
        ]
        busy = Client().post("/desk/kiosk/19774/", {"field": field.pk})
        # Another ward's kiosk still prints.
        other = Client().post("/desk/kiosk/19789/", {"field": ""})
        assert statuses == [302, 302, 302, 429, 429]
        assert busy.status_code == 429
        assert "Vui lòng đợi" in busy.content.decode()
        assert int(busy["Retry-After"]) <= 60
        assert other.status_code in (302, 200)
        assert QueueTicket.objects.filter(unit__code="19774").count() == 3
        clock.tick(timedelta(seconds=60))
        assert Client().post("/desk/kiosk/19774/", {"field": field.pk}).status_code == 302


# --- Shared across processes ----------------------------------------------------------------


def test_two_clients_count_in_the_one_configured_cache(demo, lookup_rate):
    lookup_rate("4/min")
    with freeze_time(MORNING):
        first, second = Client(REMOTE_ADDR="203.0.113.77"), APIClient(REMOTE_ADDR="203.0.113.77")
        first.get("/tra-cuu/", {"code": "19774-000000-0001", "phone": "1111"})
        first.get("/tra-cuu/", {"code": "19774-000000-0002", "phone": "1111"})
        second.get("/api/v1/lookup/19774-000000-0003/", {"phone": "1111"})
        second.get("/api/v1/lookup/19774-000000-0004/", {"phone": "1111"})
        assert first.get("/tra-cuu/", {"code": "x", "phone": "1111"}).status_code == 429
    if isinstance(cache, LocMemCache):  # without REDIS_URL: the entries are in the one cache
        assert any(PREFIX in key for key in cache._cache)


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a shared Redis)")
def test_with_redis_the_counts_are_in_redis_and_another_process_sees_the_cool_down(procedure):
    import redis

    assert django_settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    target = make_dossier(procedure)
    for i in range(5):
        assert api(target.code, f"{i:04d}", address=f"10.7.{i}.1").status_code == 404
    keys = redis.Redis.from_url(os.environ["REDIS_URL"]).keys(f"*{PREFIX}:lookup-code:*")
    assert keys
    # A separate Python process (another gunicorn worker) reads the same cool-down.
    script = (
        "import django; django.setup();"
        "from applications.selectors.lookup import _cooldown;"
        f"print(_cooldown().wait_for({target.code!r}))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test"}
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert 0 < int(out.stdout.strip().splitlines()[-1]) <= 180


def test_a_cache_outage_closes_the_look_up_with_a_503_but_lets_kiosk_tickets_through(
    procedure, settings
):
    target = make_dossier(procedure)
    seed_counters()
    field = Field.objects.get(name_vi="Hộ tịch")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    with freeze_time(MORNING):
        # Unguarded, four digits could be guessed while Redis is down: the look-up says 503.
        assert page(target.code, "0000").status_code == 503
        assert api(target.code, RIGHT).status_code == 503
        assert Client().post("/desk/kiosk/19774/", {"field": field.pk}).status_code == 302
