"""Queue tickets: a resident takes a number at the kiosk, a clerk calls it to a counter, the
display shows it, and the waits are recorded."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from applications.demo_tickets import seed_counters
from applications.models import QueueTicket, ServiceCounter
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
