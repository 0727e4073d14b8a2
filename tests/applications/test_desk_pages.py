from datetime import timedelta

from django.utils import timezone

from applications.models import Dossier
from portal.models import User


def test_the_desk_work_queue_shows_the_units_open_dossiers_due_first(client, demo):
    from applications.demo import seed_dossiers

    seed_dossiers()
    client.force_login(User.objects.get(username="clerk.kimlong"))
    html = client.get("/desk/").content.decode()
    open_kim_long = Dossier.objects.filter(
        handling_unit__code="19774",
        state__in=["submitted", "received", "in_review", "awaiting_supplement", "awaiting_payment"],
    )
    assert f">{open_kim_long.count()} hồ sơ<" in html or f"{open_kim_long.count()} hồ sơ" in html
    other = Dossier.objects.exclude(handling_unit__code="19774").first()
    assert other.code not in html
    overdue = client.get("/desk/", {"overdue": "true"}).content.decode()
    late = open_kim_long.filter(
        state__in=["received", "in_review"], due_at__lt=timezone.now() - timedelta(seconds=1)
    )
    for dossier in late[:3]:
        assert dossier.code in overdue


def test_the_desk_needs_a_staff_login(client, demo):
    assert client.get("/desk/").status_code == 302
    client.force_login(User.objects.get(username="citizen"))
    assert client.get("/desk/").status_code == 403
