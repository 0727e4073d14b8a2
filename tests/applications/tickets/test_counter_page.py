"""Queue tickets: the clerk's counter page and who may work it."""

import pytest

from applications.models import QueueTicket, TicketState
from applications.services import tickets
from tests.applications.tickets.conftest import client_for, counter, fresh, issue, user

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
