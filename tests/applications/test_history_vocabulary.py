"""Every history row names its step from one table (`EventType`, the choices of
`DossierEvent.action`): dossiers walked through every state by the real services write no other
word."""

import pytest

from applications.models import DossierEvent, EventType
from applications.workflow import EventType as WorkflowEventType


def test_the_history_vocabulary_is_one_table_named_by_the_model_and_the_workflow():
    assert WorkflowEventType is EventType
    assert DossierEvent._meta.get_field("action").choices == EventType.choices


STATES = (
    "submitted",
    "received",
    "in_review",
    "awaiting_supplement",
    "awaiting_payment",
    "resolved",
    "rejected",
    "stopped",
    "returned",
    "withdrawn",
    "refused",
    "overdue",
)


@pytest.mark.django_db
def test_every_history_row_written_by_the_services_is_an_event_type():
    from tests.factories.dossiers import DossierFactory

    for state in STATES:
        DossierFactory(**{state: True})
    assert DossierEvent.objects.count() >= len(STATES)
    unknown = set(
        DossierEvent.objects.exclude(action__in=EventType.values).values_list("action", flat=True)
    )
    assert unknown == set()
