"""Online fee payment: the citizen pays through the sandbox gateway; signed callbacks move the
dossier on once; bad, replayed or wrong callbacks change nothing and are logged."""

import threading
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import connection
from django.test import Client

from applications import services
from applications.models import Dossier, DossierEvent, Payment, PaymentCallback
from applications.services.gateway import SandboxGateway
from portal.accounts.models import User
from procedures.models import Unit
from tests.applications.conftest import pdf, required_docs

FEE = 50_000
TRANSPORT = "tests.applications.test_payments.client_transport"
DROPPED = "tests.applications.test_payments.dropped_transport"

# What the sandbox bank's server-to-server calls got back, in order.
IPN_ANSWERS: list[dict] = []
IPN_SENT: list[dict] = []


def client_transport(url, params):
    """The sandbox bank's IPN, delivered through the Django test client instead of the network."""
    IPN_SENT.append(dict(params))
    answer = Client().post(urlsplit(url).path, params).json()
    IPN_ANSWERS.append(answer)
    return answer


def dropped_transport(url, params):
    """An IPN lost on the way: only the browser return reaches the portal."""
    IPN_SENT.append(dict(params))


@pytest.fixture(autouse=True)
def sandbox(settings):
    settings.PAYMENT_GATEWAY = "sandbox"
    settings.PAYMENT_SANDBOX_TRANSPORT = TRANSPORT
    IPN_ANSWERS.clear()
    IPN_SENT.clear()


def user(username):
    return User.objects.get(username=username)


def client_for(username=None):
    client = Client()
    client.cookies["motcua_language"] = "en"
    if username:
        client.force_login(user(username))
    return client


def awaiting_payment(procedure, amount=FEE) -> Dossier:
    """A citizen's online dossier, received by the desk, reviewed, and asked for a fee."""
    dossier = services.dossier_create(
        procedure=procedure,
        unit=Unit.objects.get(code="19774"),
        applicant=services.Applicant(name="Nguyễn Thị Lan", phone="0905123456"),
        channel="online",
        actor=user("citizen"),
        files={doc_id: pdf(f"doc{doc_id}.pdf") for doc_id in required_docs(procedure)},
    )
    clerk = user("clerk.kimlong")
    services.dossier_receive(dossier=dossier, actor=clerk)
    services.dossier_start_review(dossier=dossier, actor=clerk, assignee=user("specialist.kimlong"))
    services.dossier_request_payment(
        dossier=dossier, actor=user("specialist.kimlong"), amount=amount, note="Lệ phí"
    )
    return Dossier.objects.get(pk=dossier.pk)


def fresh(dossier):
    # The state is protected (it changes only through the services), so re-read, not refresh.
    return Dossier.objects.get(pk=dossier.pk)


def confirmations(dossier):
    return DossierEvent.objects.filter(dossier=dossier, action="confirm_payment").count()


def go_to_bank(client, dossier):
    """Press "pay" on the dossier's payment page: the portal sends the browser to the gateway."""
    response = client.post(f"/thanh-toan/{dossier.code}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/thanh-toan/sandbox/")
    return response["Location"]


def bank_answers(client, bank_url, choice):
    """On the sandbox bank's page, press "pay" or "fail"; follow it back to the portal."""
    page = client.get(bank_url)
    assert page.status_code == 200
    order = dict(parse_qsl(urlsplit(bank_url).query))
    response = client.post(urlsplit(bank_url).path, {**order, "choice": choice})
    assert response.status_code == 302
    return client.get(response["Location"])


def pay(client, dossier, choice="pay"):
    return bank_answers(client, go_to_bank(client, dossier), choice)


def ipn(params, method="post"):
    response = getattr(Client(), method)("/thanh-toan/ipn/", params)
    assert response.status_code == 200
    return response.json()["RspCode"]


def signed_callback(reference, amount=FEE, code="00", transaction="1234567890"):
    return SandboxGateway().sign(
        {
            "sandbox_TmnCode": "MOTCUA",
            "sandbox_TxnRef": reference,
            "sandbox_Amount": amount * 100,
            "sandbox_ResponseCode": code,
            "sandbox_TransactionStatus": code,
            "sandbox_TransactionNo": transaction,
        }
    )


def test_the_citizen_pays_through_the_sandbox_and_the_dossier_goes_back_to_review(procedure):
    dossier = awaiting_payment(procedure)
    citizen = client_for("citizen")
    page = citizen.get(f"/thanh-toan/{dossier.code}/")
    assert page.status_code == 200
    assert "50,000" in page.content.decode()

    bank_page = citizen.get(go_to_bank(citizen, dossier))
    assert "50,000" in bank_page.content.decode()

    result = pay(citizen, dossier)
    assert result.status_code == 200
    assert "Your payment was received" in result.content.decode()
    assert "back in processing" in result.content.decode()
    assert IPN_ANSWERS == [{"RspCode": "00", "Message": "Confirm Success"}]
    assert fresh(dossier).state == "in_review"
    assert confirmations(dossier) == 1
    event = DossierEvent.objects.get(dossier=dossier, action="confirm_payment")
    assert event.actor is None
    assert event.actor_label == "system"
    payment = Payment.objects.get(dossier=dossier)
    assert payment.status == "paid"
    assert payment.paid_at is not None
    assert payment.amount_vnd == FEE
    assert payment.provider == "sandbox"
    assert payment.provider_transaction
    # The IPN confirmed; the browser return that followed found it done.
    assert list(
        PaymentCallback.objects.filter(payment=payment)
        .order_by("received_at", "id")
        .values_list("kind", "outcome")
    ) == [("ipn", "confirmed"), ("return", "duplicate")]


def test_a_replayed_ipn_answers_already_confirmed_and_changes_nothing(procedure):
    dossier = awaiting_payment(procedure)
    pay(client_for("citizen"), dossier)
    after = fresh(dossier)

    assert ipn(IPN_SENT[0]) == "02"
    assert ipn(IPN_SENT[0], method="get") == "02"

    assert confirmations(dossier) == 1
    assert fresh(dossier).version == after.version
    assert fresh(dossier).due_at == after.due_at
    assert PaymentCallback.objects.filter(kind="ipn", outcome="duplicate").count() == 2


def test_a_callback_with_a_bad_signature_changes_nothing_and_is_logged(procedure, caplog):
    dossier = awaiting_payment(procedure)
    client_for("citizen").post(f"/thanh-toan/{dossier.code}/")
    payment = Payment.objects.get(dossier=dossier)
    forged = signed_callback(payment.reference)
    forged["sandbox_SecureHash"] = "0" * 128

    assert ipn(forged) == "97"
    unsigned = {k: v for k, v in forged.items() if k != "sandbox_SecureHash"}
    assert ipn(unsigned) == "97"
    # A tampered amount breaks the signature too.
    tampered = {**signed_callback(payment.reference), "sandbox_Amount": "100"}
    assert ipn(tampered) == "97"

    assert fresh(dossier).state == "awaiting_payment"
    assert Payment.objects.get(pk=payment.pk).status == "pending"
    logged = PaymentCallback.objects.filter(signature_valid=False)
    assert logged.count() == 3
    assert set(logged.values_list("outcome", flat=True)) == {"bad_signature"}
    assert all(row.payment is None for row in logged)
    assert "bad_signature" in caplog.text
    assert "0905123456" not in caplog.text


def test_a_forged_browser_return_never_confirms(procedure):
    dossier = awaiting_payment(procedure)
    client = client_for("citizen")
    client.post(f"/thanh-toan/{dossier.code}/")
    payment = Payment.objects.get(dossier=dossier)
    forged = {**signed_callback(payment.reference), "sandbox_SecureHash": "ab" * 64}

    response = client.get("/thanh-toan/ket-qua/", forged)

    assert response.status_code == 400
    assert "could not verify" in response.content.decode()
    assert fresh(dossier).state == "awaiting_payment"
    assert Payment.objects.get(pk=payment.pk).status == "pending"
    assert PaymentCallback.objects.get().signature_valid is False


def test_a_signed_return_confirms_when_the_ipn_was_lost(procedure, settings):
    settings.PAYMENT_SANDBOX_TRANSPORT = DROPPED
    dossier = awaiting_payment(procedure)

    result = pay(client_for("citizen"), dossier)

    assert "Your payment was received" in result.content.decode()
    assert "back in processing" in result.content.decode()
    assert fresh(dossier).state == "in_review"
    assert confirmations(dossier) == 1
    # The IPN arriving late finds it done.
    assert ipn(IPN_SENT[0]) == "02"
    assert confirmations(dossier) == 1


def test_a_callback_with_the_wrong_amount_is_refused(procedure):
    dossier = awaiting_payment(procedure)
    client_for("citizen").post(f"/thanh-toan/{dossier.code}/")
    payment = Payment.objects.get(dossier=dossier)

    assert ipn(signed_callback(payment.reference, amount=FEE - 1)) == "04"

    assert fresh(dossier).state == "awaiting_payment"
    assert Payment.objects.get(pk=payment.pk).status == "pending"
    assert PaymentCallback.objects.get().outcome == "bad_amount"
    # The right amount still goes through afterwards.
    assert ipn(signed_callback(payment.reference)) == "00"
    assert fresh(dossier).state == "in_review"


def test_a_callback_for_an_unknown_reference_is_not_found(demo):
    assert ipn(signed_callback("19774-260310-0001-ABCDEF")) == "01"
    row = PaymentCallback.objects.get()
    assert (row.signature_valid, row.outcome, row.payment) == (True, "not_found", None)


def test_a_failed_payment_leaves_the_dossier_waiting_and_paying_again_works(procedure):
    dossier = awaiting_payment(procedure)
    citizen = client_for("citizen")

    result = pay(citizen, dossier, choice="fail")

    assert "did not go through" in result.content.decode()
    assert IPN_ANSWERS[-1]["RspCode"] == "00"
    assert fresh(dossier).state == "awaiting_payment"
    assert confirmations(dossier) == 0
    failed = Payment.objects.get(dossier=dossier)
    assert failed.status == "failed"
    # The failure replayed is a duplicate, not a second failure.
    assert ipn(IPN_SENT[-1]) == "02"

    result = pay(citizen, dossier)

    assert "Your payment was received" in result.content.decode()
    assert fresh(dossier).state == "in_review"
    assert confirmations(dossier) == 1
    assert sorted(Payment.objects.filter(dossier=dossier).values_list("status", flat=True)) == [
        "failed",
        "paid",
    ]


def test_pressing_pay_twice_reuses_the_pending_payment(procedure):
    dossier = awaiting_payment(procedure)
    citizen = client_for("citizen")
    first = go_to_bank(citizen, dossier)
    second = go_to_bank(citizen, dossier)
    assert urlsplit(first).path == urlsplit(second).path
    assert Payment.objects.filter(dossier=dossier).count() == 1


def test_another_citizen_cannot_see_or_start_the_payment(procedure):
    dossier = awaiting_payment(procedure)
    other = client_for("citizen2")
    assert other.get(f"/thanh-toan/{dossier.code}/").status_code == 404
    assert other.post(f"/thanh-toan/{dossier.code}/").status_code == 404
    assert not Payment.objects.exists()


def test_the_payment_page_needs_a_login(procedure):
    dossier = awaiting_payment(procedure)
    response = Client().post(f"/thanh-toan/{dossier.code}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not Payment.objects.exists()


def test_a_dossier_not_waiting_for_payment_cannot_be_paid(procedure):
    dossier = awaiting_payment(procedure)
    pay(client_for("citizen"), dossier)
    citizen = client_for("citizen")

    response = citizen.post(f"/thanh-toan/{dossier.code}/", follow=True)

    assert "not waiting for a payment" in response.content.decode()
    assert Payment.objects.filter(dossier=dossier).count() == 1


def test_a_tampered_order_is_refused_by_the_sandbox_bank(procedure):
    dossier = awaiting_payment(procedure)
    citizen = client_for("citizen")
    bank_url = go_to_bank(citizen, dossier)
    order = dict(parse_qsl(urlsplit(bank_url).query))
    order["sandbox_Amount"] = "100"

    assert citizen.get(urlsplit(bank_url).path, order).status_code == 400
    response = citizen.post(urlsplit(bank_url).path, {**order, "choice": "pay"})

    assert response.status_code == 400
    assert not IPN_SENT
    assert fresh(dossier).state == "awaiting_payment"


def test_the_sandbox_bank_exists_only_with_the_sandbox_gateway(procedure, settings):
    dossier = awaiting_payment(procedure)
    citizen = client_for("citizen")
    bank_url = go_to_bank(citizen, dossier)
    settings.PAYMENT_GATEWAY = "vnpay"
    assert citizen.get(bank_url).status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_ipn_delivered_five_times_at_once_confirms_once(demo_transactional, procedure):
    dossier = awaiting_payment(procedure)
    client_for("citizen").post(f"/thanh-toan/{dossier.code}/")
    payment = Payment.objects.get(dossier=dossier)
    params = signed_callback(payment.reference)
    answers, errors = [], []
    barrier = threading.Barrier(5)

    def deliver():
        try:
            barrier.wait()
            answers.append(Client().post("/thanh-toan/ipn/", params).json()["RspCode"])
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert not errors
    assert sorted(answers) == ["00", "02", "02", "02", "02"]
    assert fresh(dossier).state == "in_review"
    assert confirmations(dossier) == 1
    assert Payment.objects.get(pk=payment.pk).status == "paid"
    assert PaymentCallback.objects.filter(outcome="confirmed").count() == 1


def test_the_amount_is_written_the_vietnamese_way_by_default(procedure):
    dossier = awaiting_payment(procedure, amount=1_250_000)
    citizen = Client()
    citizen.force_login(user("citizen"))
    page = citizen.get(f"/thanh-toan/{dossier.code}/")
    assert page.status_code == 200
    assert "1.250.000 đ" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_sandbox_bank_calls_the_portal_back_over_http(
    demo_transactional, procedure, live_server, settings
):
    """The real transport: the IPN travels over HTTP to SITE_URL, as from a gateway's server."""
    settings.SITE_URL = live_server.url
    settings.PAYMENT_SANDBOX_TRANSPORT = ""
    dossier = awaiting_payment(procedure)

    pay(client_for("citizen"), dossier)

    assert fresh(dossier).state == "in_review"
    assert list(
        PaymentCallback.objects.order_by("received_at", "id").values_list("kind", "outcome")
    ) == [("ipn", "confirmed"), ("return", "duplicate")]
