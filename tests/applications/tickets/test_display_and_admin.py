"""Queue tickets: the display, the day's waits, the demo counters and the admin."""

from datetime import timedelta

from freezegun import freeze_time

from applications.demo_tickets import seed_counters
from applications.models import ServiceCounter
from applications.selectors import wait_stats
from applications.services import tickets
from portal.accounts.models import User
from procedures.models import Unit
from tests.applications.tickets.conftest import MORNING, client_for, counter, issue, kim_long, user
from tests.clients import EnglishClient

# --- Display and waits -----------------------------------------------------------------------


def test_the_display_shows_the_number_each_counter_called(counters):
    with freeze_time(MORNING):
        issue(3)
    with freeze_time(MORNING + timedelta(minutes=4)):
        tickets.ticket_call_next(counter=counter("19774", 1), clerk=user("clerk.kimlong"))
        tickets.ticket_call_next(counter=counter("19774", 3), clerk=user("leader.kimlong"))
        page = client_for().get("/desk/display/19774/")
    assert page.status_code == 200
    assert page["Refresh"] == "10"
    assert b'<meta http-equiv="refresh" content="10">' in page.content
    html = page.content.decode()
    assert '<li data-counter="1">' in html
    counter_1 = html.split('<li data-counter="1">')[1].split("</li>")[0]
    counter_3 = html.split('<li data-counter="3">')[1].split("</li>")[0]
    assert 'data-number="1"' in counter_1
    assert 'data-number="2"' in counter_3
    assert "1 person waiting" in html
    assert "average wait today: 4 min" in html


def test_average_and_p90_wait_of_the_day_per_unit(counters):
    desk, clerk = counter("19774", 3), user("clerk.kimlong")
    with freeze_time(MORNING):
        issue(10)
    for minutes in range(1, 11):
        with freeze_time(MORNING + timedelta(minutes=minutes)):
            ticket = tickets.ticket_call_next(counter=desk, clerk=clerk)
            tickets.ticket_done(ticket=ticket, counter=desk, clerk=clerk)
    with freeze_time(MORNING + timedelta(hours=1)):
        issue(1, unit=Unit.objects.get(code="19789"))
        stats, other = (wait_stats(u) for u in (kim_long(), Unit.objects.get(code="19789")))
        page = client_for("clerk.kimlong").get(f"/desk/counter/{desk.pk}/")
    assert stats.issued == 10
    assert stats.called == 10
    assert stats.average == timedelta(minutes=5, seconds=30)
    assert stats.p90 == timedelta(minutes=9)
    assert (other.issued, other.waiting, other.average) == (1, 1, None)
    assert b'data-issued="10"' in page.content
    assert b"9 min" in page.content


# --- Demo and admin --------------------------------------------------------------------------


def test_demo_counters_are_seeded_once(demo):
    seed_counters()
    seed_counters()
    assert ServiceCounter.objects.filter(unit__code="19774").count() == 3
    assert ServiceCounter.objects.filter(unit__code="19789").count() == 2
    assert list(
        counter("19774", 1).fields.order_by("name_vi").values_list("name_vi", flat=True)
    ) == [
        "Chứng thực",
        "Hộ tịch",
    ]


def test_the_admin_lists_tickets_counters_and_dossiers_read_only(counters, api, procedure):
    from tests.applications.test_dossier_api import create_at_desk

    code = create_at_desk(api, procedure)["code"]
    issue(1)
    admin = User.objects.create_superuser("root", "root@example.vn", "x")
    client = EnglishClient()
    client.force_login(admin)
    assert client.get("/admin/applications/servicecounter/").status_code == 200
    assert client.get("/admin/applications/queueticket/").status_code == 200
    found = client.get("/admin/applications/dossier/", {"q": code})
    assert code.encode() in found.content
    from applications.models import Dossier

    detail = client.get(f"/admin/applications/dossier/{Dossier.objects.get(code=code).pk}/change/")
    assert detail.status_code == 200
    assert b"receive" in detail.content
    assert client.get("/admin/applications/dossier/add/").status_code == 403
