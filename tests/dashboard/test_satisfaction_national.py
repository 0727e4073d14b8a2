"""Satisfaction on the national scheme on the officials' pages and in `GET /api/v1/stats/`
(issue 12): how many rated, the mean of 18, the share in each band; unknown (null) when nobody
rated, never 0; each figure opens exactly its dossiers; a recount in plain Python agrees."""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from applications.models import Dossier, NationalRating
from applications.models.satisfaction import CRITERIA, band_of
from applications.services.ratings_national import national_rating_submit
from portal.accounts.models import User
from portal.dashboard import satisfaction_national as national
from portal.dashboard import stats
from portal.dashboard.figures import FIGURES, compute, rows
from portal.dashboard.filters import parse_filters
from tests.dashboard.conftest import KIM_LONG, THUAN_HOA, make_dossier, vn
from tests.dashboard.test_figures_recount import END, FINISHED, START, build, dossier_specs
from tests.dashboard.test_pages import MARCH, as_user

API_MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


def criteria_for(score: int) -> dict[str, int]:
    """Nine scores of 0, 1 or 2 adding up to `score`."""
    scores = {}
    for key in CRITERIA:
        scores[key] = min(2, score)
        score -= scores[key]
    return scores


def rate(dossier: Dossier, score: int) -> NationalRating:
    return NationalRating.objects.create(
        dossier=dossier, criteria=criteria_for(score), score=score, band=band_of(score)
    )


def finished(unit, procedure, *, on, received=None):
    return make_dossier(
        unit=unit,
        procedure=procedure,
        state="resolved",
        received_at=received or on - timedelta(days=2),
        due_at=on + timedelta(days=3),
        resolved_at=on,
    )


@pytest.fixture
def rated_march(wards, procedure):
    """Kim Long: three dossiers finished in March rated 18, 12 and 4 (one of them received in
    February), one finished in February rated 18 and one finished in April rated 0 (neither
    counts in March), one finished in March and not rated."""
    kim_long, _thuan_hoa = wards
    rate(finished(kim_long, procedure, on=vn(2026, 3, 5)), 18)
    rate(finished(kim_long, procedure, on=vn(2026, 3, 10)), 12)
    rate(finished(kim_long, procedure, on=vn(2026, 3, 2), received=vn(2026, 2, 25)), 4)
    rate(finished(kim_long, procedure, on=vn(2026, 2, 20)), 18)
    rate(finished(kim_long, procedure, on=vn(2026, 4, 2)), 0)
    finished(kim_long, procedure, on=vn(2026, 3, 12))


def api(username):
    client = APIClient()
    client.force_authenticate(User.objects.get(username=username))
    return client


def test_the_stats_give_the_national_scheme_of_the_dossiers_finished_in_the_period(
    rated_march, people
):
    found = api("official.hue").get("/api/v1/stats/", API_MARCH).json()["satisfaction_national"]
    assert found["rated"] == 3
    assert found["average"] == 11.33  # (18 + 12 + 4) / 3
    assert found["band"] == "fair"  # 11 points: 9-11
    assert found["maximum"] == 18
    assert found["bands"] == {
        "excellent": 33.3,
        "good": 33.3,
        "fair": 0.0,
        "average": 0.0,
        "poor": 33.3,
    }


def test_nobody_rated_is_unknown_never_zero(rated_march, people):
    found = api("leader.thuanhoa").get("/api/v1/stats/", API_MARCH).json()
    assert found["satisfaction_national"] == {
        "rated": 0,
        "average": None,
        "band": None,
        "maximum": 18,
        "bands": dict.fromkeys(national.BANDS),
    }
    page = as_user("leader.thuanhoa").get(reverse("dashboard:index"), API_MARCH)
    assert page.context["national"]["average"] is None
    assert page.context["national_band"] is None


def test_rows_by_unit_carry_each_wards_own_ratings(rated_march, people):
    found = api("official.hue").get("/api/v1/stats/", {**API_MARCH, "group_by": "unit"}).json()
    by_code = {row["code"]: row["satisfaction_national"] for row in found}
    assert by_code[KIM_LONG]["rated"] == 3
    assert by_code[KIM_LONG]["average"] == 11.33
    assert by_code[THUAN_HOA]["rated"] == 0
    assert by_code[THUAN_HOA]["average"] is None
    csv = api("official.hue").get("/api/v1/stats/", {**API_MARCH, "format": "csv"})
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert "Được đánh giá theo Bộ chỉ số quốc gia" in text.splitlines()[0]


def test_the_dashboard_shows_the_figures_and_each_opens_exactly_its_dossiers(rated_march, people):
    client = as_user("official.hue")
    page = client.get(reverse("dashboard:index"), API_MARCH)
    assert page.context["national"]["rated"] == 3
    html = page.content.decode()
    assert "Mức độ hài lòng theo Bộ chỉ số quốc gia" in html
    assert "figure=national_band_poor" in html
    for key, count in (("national_rated", 3), ("national_band_poor", 1),
                       ("national_band_fair_rate", 0), ("national_score_average", 3)):  # fmt: skip
        listing = client.get(reverse("dashboard:dossiers"), {**MARCH, "figure": key})
        assert listing.context["count"] == count, key
    overview = client.get(reverse("dashboard:overview"), MARCH)
    assert "figure=national_score_average" in overview.content.decode()
    # A leader of another ward sees none of Kim Long's ratings.
    other = as_user("leader.thuanhoa").get(reverse("dashboard:dossiers"),
                                           {**MARCH, "figure": "national_rated"})  # fmt: skip
    assert other.context["count"] == 0


def test_the_figures_do_not_take_a_key_of_the_existing_ones():
    assert len(set(national.KEYS)) == len(national.KEYS)
    assert all(key in FIGURES for key in national.KEYS)
    assert len(FIGURES) == len({figure.key for figure in FIGURES.values()})


def test_a_rating_given_through_the_service_counts_on_the_dashboard(wards, procedure, people):
    kim_long, _thuan_hoa = wards
    citizen = User.objects.get(username="citizen")
    dossier = finished(kim_long, procedure, on=vn(2026, 3, 5))
    Dossier.objects.filter(pk=dossier.pk).update(applicant_user=citizen)
    dossier = Dossier.objects.get(pk=dossier.pk)
    national_rating_submit(dossier=dossier, user=citizen, criteria=criteria_for(15))
    found = api("leader.kimlong").get("/api/v1/stats/", API_MARCH).json()
    assert found["satisfaction_national"]["rated"] == 1
    assert found["satisfaction_national"]["band"] == "good"


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    specs=st.lists(st.tuples(dossier_specs, st.one_of(st.none(), st.integers(0, 18))), max_size=10),
    now_hours=st.integers(100, 1500),
)
def test_every_national_figure_equals_a_plain_recount(wards, procedure, specs, now_hours):
    kim_long, _thuan_hoa = wards
    now = START + timedelta(hours=now_hours)
    with transaction.atomic():
        for spec, score in specs:
            dossier = build(spec, kim_long, procedure)
            if score is not None and dossier.state in FINISHED:
                rate(dossier, score)
        filters = parse_filters(
            {"period": "custom", "from": "01/03/2026", "to": "31/03/2026", "unit": KIM_LONG}
        )
        frame = stats.frame_for(
            user=User.objects.get(username="official.hue"), filters=filters, now=now
        )
        values = compute(frame, national.KEYS)
        # The stats API's one aggregate query says what the figures say.
        assert national.summary_of(frame) == national.summary(values)
        at = min(END, now)
        scored = [
            d.national_rating.score
            for d in Dossier.objects.filter(handling_unit=kim_long).select_related(
                "national_rating"
            )
            if d.state in FINISHED and START <= d.resolved_at < at and hasattr(d, "national_rating")
        ]
        assert values[national.RATED] == len(scored)
        assert rows(frame, national.RATED).count() == len(scored)
        if scored:
            mean = Decimal(sum(scored)) / len(scored)
            assert values[national.AVERAGE] == mean.quantize(Decimal("0.01"), ROUND_HALF_UP)
        else:
            assert values[national.AVERAGE] is None
        for band in national.BANDS:
            count = sum(str(band_of(score)) == band for score in scored)
            assert values[national.count_key(band)] == count
            share = values[national.rate_key(band)]
            if not scored:
                assert share is None
            else:
                assert abs(share - Decimal(100 * count) / len(scored)) <= Decimal("0.05")
        transaction.set_rollback(True)
