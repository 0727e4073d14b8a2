"""Issue 13, item 7: the step tracker on the citizen's dossier page, from the state and history."""

import re

import pytest

from applications import services
from applications.models import ClockStop, Dossier
from applications.selectors.tracker import tracker
from portal.accounts.models import User
from tests.citizen.conftest import apply_online, to_result
from tests.factories import DossierFactory

pytestmark = pytest.mark.django_db


def _track(dossier):
    dossier = Dossier.objects.get(pk=dossier.pk)
    stop = dossier.clock_stops.filter(ended_at__isnull=True).first()
    return tracker(dossier, list(dossier.events.all()), stop)


def _shape(t):
    return [(s.key, s.status) for s in t.steps]


BASE = ["received", "in_review", "signed", "ready", "returned"]


@pytest.mark.parametrize(
    ("trait", "current", "keys"),
    [
        ("submitted", "received", BASE),
        ("received", "received", BASE),
        ("in_review", "in_review", BASE),
        ("awaiting_supplement", "waiting", ["received", "in_review", "waiting", *BASE[2:]]),
        ("awaiting_payment", "waiting", ["received", "in_review", "waiting", *BASE[2:]]),
        ("resolved", "ready", BASE),
        ("returned", "returned", BASE),
    ],
)
def test_the_tracker_stands_at_the_step_of_the_state_with_the_steps_before_done(
    trait, current, keys
):
    t = _track(DossierFactory(**{trait: True}))
    assert [s.key for s in t.steps] == keys
    position = keys.index(current)
    assert [s.status for s in t.steps] == (
        ["done"] * position + ["current"] + ["upcoming"] * (len(keys) - position - 1)
    )
    assert all(s.at is not None for s in t.steps if s.status == "done")
    assert all(s.at is None for s in t.steps if s.status == "upcoming")
    assert t.ended == ""
    assert t.next_text


def test_a_received_dossier_says_when_the_result_is_expected():
    dossier = DossierFactory(in_review=True)
    t = _track(dossier)
    assert t.next_at == Dossier.objects.get(pk=dossier.pk).due_at


def test_waiting_for_a_supplement_gives_its_deadline_when_there_is_one():
    dossier = DossierFactory(awaiting_supplement=True)
    stop = ClockStop.objects.get(dossier=dossier, ended_at__isnull=True)
    t = _track(dossier)
    assert t.next_at == stop.deadline
    assert "waiting" in [s.key for s in t.steps]


def test_a_supplement_answered_stays_on_the_tracker_as_done():
    dossier = DossierFactory(awaiting_supplement=True)
    clerk = User.objects.get(staff_roles__unit=dossier.handling_unit_id, staff_roles__role="clerk")
    dossier = services.dossier_supplement(dossier=dossier, actor=clerk, note="Đã nộp bản sao")
    t = _track(dossier)
    assert ("waiting", "done") in _shape(t)
    assert _shape(t)[1:3] == [("waiting", "done"), ("in_review", "current")]


@pytest.mark.parametrize(("trait", "reached"), [("withdrawn", []), ("rejected", BASE[:2])])
def test_a_dossier_that_ended_otherwise_shows_what_it_reached_then_how_it_ended(trait, reached):
    dossier = DossierFactory(**{trait: True})
    t = _track(dossier)
    assert [s.key for s in t.steps] == reached
    assert all(s.status == "done" for s in t.steps)
    assert t.ended == Dossier.objects.get(pk=dossier.pk).get_state_display()


# --- The page -----------------------------------------------------------------------------------


def test_the_citizen_page_shows_an_ordered_tracker_with_one_current_step_in_words(
    as_user, procedure
):
    client = as_user("citizen")
    client.cookies["motcua_language"] = "vi"
    dossier = apply_online(client, procedure)
    to_result(dossier)
    html = client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    block = html[
        html.index('<ol class="tracker-steps">') : html.index("</ol>", html.index("tracker-steps"))
    ]
    assert block.count('aria-current="step"') == 1
    current = re.search(
        r'<li class="step step-current" aria-current="step">(.*?)</li>', block, re.S
    )
    assert current is not None
    assert "Đã có kết quả" in current.group(1) or "Result ready" in current.group(1)
    resolved = Dossier.objects.get(pk=dossier.pk).resolved_at
    from django.utils import timezone

    assert timezone.localtime(resolved).strftime("%d/%m/%Y") in current.group(1)
    assert block.count('class="step step-done"') == 3  # received, in review, signed


@pytest.mark.parametrize("who", ["anonymous", "citizen2", "clerk.thuanhoa", "clerk.kimlong"])
def test_the_tracker_page_is_only_the_applicants(client, procedure, who):
    client.force_login(User.objects.get(username="citizen"))
    dossier = apply_online(client, procedure)
    client.logout()
    if who != "anonymous":
        client.force_login(User.objects.get(username=who))
    response = client.get(f"/ho-so-cua-toi/{dossier.code}/")
    if who == "anonymous":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 404
    assert "tracker-steps" not in response.content.decode()
