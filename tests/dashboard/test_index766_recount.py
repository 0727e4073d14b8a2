"""Decision 766's dossier items that read fees, files and the way a result went back (LEGAL.md:
"dossiers paid online" 6 points, "dossiers digitised" 4 points full at 80%, "e-result issued"
6 points) equal a plain Python recount (issue 12), from the rollup and from the row count the
rollup stands in for (SQLite, a procedure): random dossiers of `test_figures_recount`, a fee
(none, nought or some) set afterwards by a bulk write, payments paid or not, files added (one
taken away) and results returned electronically or not."""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applications.models import Attachment, Dossier, Payment
from applications.selectors import rollups
from portal.accounts.models import User
from portal.dashboard import index766, rolled, stats
from portal.dashboard.filters import parse_filters
from tests.dashboard.conftest import KIM_LONG
from tests.dashboard.test_figures_recount import END, START, build, dossier_specs

FINISHED = {"resolved", "rejected", "returned"}
extras = st.fixed_dictionaries(
    {
        "fee": st.sampled_from([None, 0, 50_000]),
        "payments": st.lists(st.sampled_from(["paid", "pending", "failed"]), max_size=2),
        "files": st.integers(0, 2),
        "drop_file": st.booleans(),
        "return_method": st.sampled_from(["desk", "electronic", "post"]),
    }
)
_serial = iter(range(10**9))


def _make(spec, extra, unit, procedure):
    dossier = build(spec, unit, procedure)
    # Written past the services, as a fix by hand or an import would.
    Dossier.objects.filter(pk=dossier.pk).update(
        fee_vnd=extra["fee"], return_method=extra["return_method"]
    )
    for status in extra["payments"]:
        n = next(_serial)
        Payment.objects.create(dossier=dossier, reference=f"T{n}", amount_vnd=50_000,
                               provider="test", status=status)  # fmt: skip
    files = [
        Attachment.objects.create(dossier=dossier, purpose="application", file=f"t/{n}.pdf",
                                  original_name="don.pdf", content_type="application/pdf",
                                  size=1, sha256="0" * 64)
        for n in range(extra["files"])
    ]  # fmt: skip
    if files and extra["drop_file"]:
        Attachment.objects.filter(pk=files[0].pk).delete()


def _score(points, ratio, threshold=None):
    if ratio is None:
        return None, None
    scored = points * (min(ratio / Decimal(threshold), Decimal(1)) if threshold else ratio)
    return (
        (100 * ratio).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
        scored.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
    )


def _ratio(part, whole):
    return None if not whole else min(Decimal(part) / whole, Decimal(1))


def recount(dossiers, at):
    received = [d for d in dossiers if d.received_at and START <= d.received_at < END]
    finished = [
        d for d in dossiers if d.state in FINISHED and d.resolved_at and START <= d.resolved_at < at
    ]
    fee = [d for d in received if (d.fee_vnd or 0) > 0]
    paid = [d for d in fee if any(p.status == "paid" for p in d.payments.all())]
    return {
        "paid_online": _score(6, _ratio(len(paid), len(fee))),
        "digitised": _score(
            4, _ratio(sum(d.attachments.exists() for d in received), len(received)), 0.8
        ),
        "e_result": _score(
            6, _ratio(sum(d.return_method == "electronic" for d in finished), len(finished))
        ),
    }


def _items(frame):
    found = {}
    for group in index766.index_766(frame)["groups"]:
        for item in group["items"]:
            found[item["key"]] = (item["value"], item["points"])
    return {key: found[key] for key in ("paid_online", "digitised", "e_result")}


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    made=st.lists(st.tuples(dossier_specs, extras), max_size=10),
    now_hours=st.integers(100, 1500),
)
def test_the_766_fee_file_and_e_result_items_equal_a_plain_recount(
    wards, procedure, made, now_hours
):
    kim_long, _thuan_hoa = wards
    now = START + timedelta(hours=now_hours)
    with transaction.atomic(), rollups.clock(now):
        for spec, extra in made:
            _make(spec, extra, kim_long, procedure)
        filters = parse_filters(
            {"period": "custom", "from": "01/03/2026", "to": "31/03/2026", "unit": KIM_LONG}
        )
        frame = stats.frame_for(
            user=User.objects.get(username="official.hue"), filters=filters, now=now
        )
        assert rolled.applies(frame)
        dossiers = list(
            Dossier.objects.filter(handling_unit=kim_long).prefetch_related(
                "payments", "attachments"
            )
        )
        expected = recount(dossiers, min(END, now))
        assert _items(frame) == expected
        # The row count (SQLite, a procedure) says the same.
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(rolled, "applies", lambda frame: False)
            assert _items(frame) == expected
        transaction.set_rollback(True)
