"""The tracking log (form 07) reads a fixed number of queries, however many rows it prints."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applications.documents import tracking_log_html
from applications.generation import generate_dossiers
from procedures.models import Unit


def _queries(unit, first, last) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        html = tracking_log_html(unit=unit, first=first, last=last)
    return len(queries), html.count('<td class="code">')


def test_the_tracking_log_reads_the_same_queries_for_20_or_200_rows(demo):
    unit = Unit.objects.get(code="19774")
    today = timezone.localdate()
    first, last = today - timedelta(days=30), today
    generate_dossiers(count=20, units=[unit], key_prefix="few", seed=1, days=30)
    few, few_rows = _queries(unit, first, last)
    generate_dossiers(count=180, units=[unit], key_prefix="many", seed=2, days=30)
    many, many_rows = _queries(unit, first, last)
    assert many_rows > few_rows > 0
    assert many == few, (few, many)
