"""Issue 13, item 7: the fee and how to pay are shown before the citizen sends the dossier, from
the catalogue; "unknown" when the catalogue has none (never an invented amount)."""

import pytest

from portal.accounts.models import User
from tests.citizen.conftest import start, upload_all


def _set_fee(procedure, fee, note=""):
    version = procedure.current_version
    version.fee_vnd = fee
    version.fee_note = note
    version.save(update_fields=["fee_vnd", "fee_note"])


def _fee(html):
    return html.split('id="fee"')[1].split("</dd>")[0]


@pytest.mark.parametrize(
    ("fee", "shown", "pay"),
    [
        (50_000, "50.000 đ", True),
        (0, "Miễn phí", False),
        (None, "Chưa rõ", True),
    ],
)
def test_the_fee_and_how_to_pay_show_on_the_first_and_last_steps(
    client, procedure, fee, shown, pay
):
    _set_fee(procedure, fee, note="Theo Nghị quyết của HĐND thành phố" if fee else "")
    client.force_login(User.objects.get(username="citizen"))
    first = client.get(f"/nop-ho-so/{procedure.code}/").content.decode()
    assert shown in _fee(first)
    assert ("how-to-pay" in _fee(first)) is pay
    draft = start(client, procedure)
    upload_all(client, draft, procedure)
    review = client.get(f"/nop-ho-so/nhap/{draft.pk}/xem-lai/").content.decode()
    assert shown in _fee(review)
    assert ("how-to-pay" in _fee(review)) is pay
    assert (
        "Hội đồng nhân dân" not in _fee(review) or fee
    )  # no authority invented for an unknown fee


@pytest.mark.parametrize("who", ["anonymous", "citizen2", "clerk.thuanhoa"])
def test_the_review_with_its_fee_is_only_the_drafts_owners(client, procedure, who):
    _set_fee(procedure, 50_000)
    client.force_login(User.objects.get(username="citizen"))
    draft = start(client, procedure)
    client.logout()
    if who != "anonymous":
        client.force_login(User.objects.get(username=who))
    response = client.get(f"/nop-ho-so/nhap/{draft.pk}/xem-lai/")
    assert response.status_code == (302 if who == "anonymous" else 404)
    assert 'id="fee"' not in response.content.decode()
