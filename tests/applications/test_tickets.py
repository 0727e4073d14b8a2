"""Queue tickets: a resident takes a number at the kiosk, a clerk calls it to a counter, the
display shows it, and the waits are recorded."""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from freezegun import freeze_time

from applications.demo_tickets import seed_counters
from applications.models import QueueTicket, ServiceCounter, TicketState
from applications.selectors import wait_stats
from applications.services import tickets
from portal.accounts.models import User
from procedures.models import Field, Unit
from tests.clients import EnglishClient

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MORNING = datetime(2026, 3, 10, 8, 0, tzinfo=VN)  # a Tuesday


@pytest.fixture
def counters(demo):
    seed_counters()


def kim_long():
    return Unit.objects.get(code="19774")


def counter(unit_code, number):
    return ServiceCounter.objects.get(unit__code=unit_code, number=number)


def civil_status():
    return Field.objects.get(name_vi="Hộ tịch")


def user(username):
    return User.objects.get(username=username)


def client_for(username=None):
    client = EnglishClient()
    if username:
        client.force_login(user(username))
    return client


def fresh(ticket):
    # The state is protected (it changes only through the services), so re-read, not refresh.
    return QueueTicket.objects.get(pk=ticket.pk)


def issue(n, field=None, unit=None):
    unit = unit or kim_long()
    field = field or civil_status()
    return [tickets.ticket_issue(unit=unit, field=field) for _ in range(n)]


# --- Taking a number -------------------------------------------------------------------------


def test_numbers_run_from_one_per_unit_and_start_again_the_next_day(counters):
    thuan_hoa = Unit.objects.get(code="19789")
    with freeze_time(MORNING):
        kim = [t.number for t in issue(3)]
        other = [t.number for t in issue(2, unit=thuan_hoa)]
    with freeze_time(MORNING + timedelta(days=1)):
        next_day = [t.number for t in issue(2)]
    assert kim == [1, 2, 3]
    assert other == [1, 2]
    assert next_day == [1, 2]


def test_the_kiosk_works_without_login_and_prints_number_field_and_people_ahead(counters):
    with freeze_time(MORNING):
        issue(2)
        page = client_for().get("/desk/kiosk/19774/")
        assert page.status_code == 200
        assert f'name="field" value="{civil_status().pk}"'.encode() in page.content
        response = client_for().post("/desk/kiosk/19774/", {"field": civil_status().pk})
        assert response.status_code == 302
        ticket = client_for().get(response["Location"])
    assert ticket.status_code == 200
    assert b'data-number="3"' in ticket.content
    assert b'data-ahead="2"' in ticket.content
    assert b"2 people waiting ahead of you" in ticket.content
    assert b"Civil status registration" in ticket.content
    assert b"08:00" in ticket.content
    assert QueueTicket.objects.get(number=3).field == civil_status()


def test_another_matter_is_offered_when_a_counter_serves_every_field(counters):
    response = client_for().post("/desk/kiosk/19774/", {"field": ""})
    assert response.status_code == 302
    assert QueueTicket.objects.get().field is None


def test_no_number_is_issued_for_a_field_no_open_counter_serves(counters):
    land = Field.objects.get(name_vi="Đất đai")
    ServiceCounter.objects.filter(unit__code="19789").exclude(number=1).update(is_open=False)
    response = client_for().post("/desk/kiosk/19789/", {"field": land.pk}, follow=True)
    assert b"No open counter serves this now" in response.content
    assert not QueueTicket.objects.exists()


def test_a_unit_without_counters_has_no_kiosk(counters):
    assert client_for().get("/desk/kiosk/19768/").status_code == 404
    assert client_for().get("/desk/display/475/").status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_residents_at_once_get_twenty_distinct_gapless_numbers(demo_transactional):
    seed_counters()
    unit, field = kim_long(), civil_status()
    numbers, errors = [], []
    barrier = threading.Barrier(20)

    def take():
        try:
            barrier.wait()
            numbers.append(tickets.ticket_issue(unit=unit, field=field).number)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(numbers) == list(range(1, 21))


# --- Calling -----------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clerks_calling_at_once_never_get_the_same_resident(demo_transactional):
    seed_counters()
    issue(20)
    clerks = [
        (user("clerk.kimlong"), counter("19774", 1)),
        (user("leader.kimlong"), counter("19774", 3)),
    ]
    called, errors = [], []
    barrier = threading.Barrier(2)

    def work(clerk, desk):
        try:
            barrier.wait()
            while (ticket := tickets.ticket_call_next(counter=desk, clerk=clerk)) is not None:
                called.append((ticket.number, desk.number))
                tickets.ticket_done(ticket=ticket, counter=desk, clerk=clerk)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=pair) for pair in clerks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    numbers = [n for n, _ in called]
    assert sorted(numbers) == list(range(1, 21))
    assert QueueTicket.objects.filter(state=TicketState.DONE).count() == 20


def test_call_next_takes_the_lowest_number_the_counter_serves_and_records_the_wait(counters):
    land = Field.objects.get(name_vi="Đất đai")
    with freeze_time(MORNING):
        first_land = tickets.ticket_issue(unit=kim_long(), field=land)
        issue(1)
    with freeze_time(MORNING + timedelta(minutes=12)):
        ticket = tickets.ticket_call_next(counter=counter("19774", 1), clerk=user("clerk.kimlong"))
    # Counter 1 serves civil status and certification only: the land ticket (no. 1) waits.
    assert ticket.number == 2
    assert ticket.state == TicketState.CALLED
    assert ticket.called_by == user("clerk.kimlong")
    assert ticket.wait == timedelta(minutes=12)
    first_land = fresh(first_land)
    assert first_land.state == TicketState.WAITING


def test_a_recall_announces_again_without_changing_the_wait(counters):
    desk, clerk = counter("19774", 3), user("clerk.kimlong")
    with freeze_time(MORNING):
        issue(1)
    with freeze_time(MORNING + timedelta(minutes=5)):
        ticket = tickets.ticket_call_next(counter=desk, clerk=clerk)
    with freeze_time(MORNING + timedelta(minutes=7)):
        ticket = tickets.ticket_recall(ticket=ticket, counter=desk, clerk=clerk)
    assert ticket.recalls == 1
    assert ticket.wait == timedelta(minutes=5)
    assert ticket.announced_at == MORNING + timedelta(minutes=7)


def test_a_counter_calls_nobody_new_while_a_resident_is_still_at_it(counters):
    desk, clerk = counter("19774", 3), user("clerk.kimlong")
    issue(2)
    first = tickets.ticket_call_next(counter=desk, clerk=clerk)
    with pytest.raises(tickets.TicketConflict):
        tickets.ticket_call_next(counter=desk, clerk=clerk)
    assert QueueTicket.objects.filter(state=TicketState.WAITING).count() == 1
    tickets.ticket_no_show(ticket=first, counter=desk, clerk=clerk)
    assert tickets.ticket_call_next(counter=desk, clerk=clerk).number == 2


def test_nobody_waiting_calls_nobody(counters):
    assert (
        tickets.ticket_call_next(counter=counter("19774", 3), clerk=user("clerk.kimlong")) is None
    )


def test_yesterdays_waiting_numbers_are_not_called_today(counters):
    with freeze_time(MORNING - timedelta(days=1)):
        issue(1)
    with freeze_time(MORNING):
        assert (
            tickets.ticket_call_next(counter=counter("19774", 3), clerk=user("clerk.kimlong"))
            is None
        )


# --- The counter page ------------------------------------------------------------------------


def test_a_clerk_calls_serves_and_closes_numbers_from_the_counter_page(counters, api, procedure):
    from tests.applications.test_dossier_api import create_at_desk

    desk = counter("19774", 1)
    issue(3)
    clerk = client_for("clerk.kimlong")
    page = clerk.get(f"/desk/counter/{desk.pk}/")
    assert page.status_code == 200
    assert b'data-waiting="3"' in page.content

    clerk.post(f"/desk/counter/{desk.pk}/call/")
    page = clerk.get(f"/desk/counter/{desk.pk}/")
    assert b'data-number="1"' in page.content
    assert b'data-waiting="2"' in page.content
    first = QueueTicket.objects.get(number=1)

    clerk.post(f"/desk/counter/{desk.pk}/ticket/{first.pk}/no_show/")
    first = fresh(first)
    assert first.state == TicketState.NO_SHOW
    assert first.closed_at is not None

    clerk.post(f"/desk/counter/{desk.pk}/call/")
    second = QueueTicket.objects.get(number=2)
    clerk.post(f"/desk/counter/{desk.pk}/ticket/{second.pk}/serve/")
    dossier = create_at_desk(api, procedure)
    response = clerk.post(
        f"/desk/counter/{desk.pk}/ticket/{second.pk}/done/", {"dossier": dossier["code"]}
    )
    assert response.status_code == 302
    second = fresh(second)
    assert second.state == TicketState.DONE
    assert second.served_at is not None
    assert second.closed_at is not None
    assert second.dossier.code == dossier["code"]


def test_done_with_an_unknown_dossier_code_changes_nothing(counters):
    desk = counter("19774", 3)
    issue(1)
    ticket = tickets.ticket_call_next(counter=desk, clerk=user("clerk.kimlong"))
    response = client_for("clerk.kimlong").post(
        f"/desk/counter/{desk.pk}/ticket/{ticket.pk}/done/",
        {"dossier": "19774-000000-9999"},
        follow=True,
    )
    assert b"There is no dossier 19774-000000-9999" in response.content
    ticket = fresh(ticket)
    assert ticket.state == TicketState.CALLED


def test_a_finished_number_cannot_be_marked_again(counters):
    desk, clerk = counter("19774", 3), user("clerk.kimlong")
    issue(1)
    ticket = tickets.ticket_call_next(counter=desk, clerk=clerk)
    tickets.ticket_done(ticket=ticket, counter=desk, clerk=clerk)
    with pytest.raises(tickets.TicketConflict):
        tickets.ticket_no_show(ticket=ticket, counter=desk, clerk=clerk)
    ticket = fresh(ticket)
    assert ticket.state == TicketState.DONE


def test_the_counter_page_is_forbidden_to_a_citizen(counters):
    desk = counter("19774", 1)
    citizen = client_for("citizen")
    assert citizen.get("/desk/counter/").status_code == 403
    assert citizen.get(f"/desk/counter/{desk.pk}/").status_code == 403
    assert citizen.post(f"/desk/counter/{desk.pk}/call/").status_code == 403


def test_the_counter_page_asks_an_anonymous_visitor_to_sign_in(counters):
    response = client_for().get("/desk/counter/")
    assert response.status_code == 302
    assert "/login" in response["Location"]


def test_another_wards_clerk_may_not_work_the_counter_nor_see_its_tickets(counters):
    kim_desk, thuan_desk = counter("19774", 1), counter("19789", 1)
    issue(2)
    other = client_for("clerk.thuanhoa")
    assert other.get(f"/desk/counter/{kim_desk.pk}/").status_code == 403
    assert other.post(f"/desk/counter/{kim_desk.pk}/call/").status_code == 403

    page = other.get(f"/desk/counter/{thuan_desk.pk}/")
    assert b'data-waiting="0"' in page.content
    other.post(f"/desk/counter/{thuan_desk.pk}/call/")
    assert not QueueTicket.objects.exclude(state=TicketState.WAITING).exists()

    kim_ticket = tickets.ticket_call_next(counter=kim_desk, clerk=user("clerk.kimlong"))
    response = other.post(f"/desk/counter/{thuan_desk.pk}/ticket/{kim_ticket.pk}/done/")
    assert response.status_code == 404
    kim_ticket = fresh(kim_ticket)
    assert kim_ticket.state == TicketState.CALLED

    listing = other.get("/desk/counter/?choose=1")
    assert f"/desk/counter/{thuan_desk.pk}/".encode() in listing.content
    assert f"/desk/counter/{kim_desk.pk}/".encode() not in listing.content


def test_a_counter_closes_only_when_free_and_a_closed_counter_calls_nobody(counters):
    desk, clerk = counter("19774", 3), user("clerk.kimlong")
    issue(1)
    ticket = tickets.ticket_call_next(counter=desk, clerk=clerk)
    with pytest.raises(tickets.TicketConflict):
        tickets.counter_set_open(counter=desk, clerk=clerk, is_open=False)
    tickets.ticket_done(ticket=ticket, counter=desk, clerk=clerk)
    client_for("clerk.kimlong").post(f"/desk/counter/{desk.pk}/open/", {"open": "0"})
    desk.refresh_from_db()
    assert not desk.is_open
    issue(1)
    with pytest.raises(tickets.TicketConflict):
        tickets.ticket_call_next(counter=desk, clerk=clerk)


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
