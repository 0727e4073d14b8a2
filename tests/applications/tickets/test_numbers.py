"""Queue tickets: taking a number at the kiosk and calling the next resident."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from freezegun import freeze_time

from applications.demo_tickets import seed_counters
from applications.models import QueueTicket, ServiceCounter, TicketState
from applications.services import tickets
from procedures.models import Field, Unit
from tests.applications.tickets.conftest import (
    MORNING,
    civil_status,
    client_for,
    counter,
    fresh,
    issue,
    kim_long,
    user,
)

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
