"""The citizen's journey through the JSON API, with token authentication for the citizen and the
staff: apply with attachments, supplement, fee, result, rating.

Three steps have no API and go through the citizen's pages, as a mobile app would open them in
a web view: starting the payment (the portal must send the browser to the gateway), downloading
the result file, and the rating. The payment itself is confirmed by the gateway's signed
server-to-server IPN, built here with the configured gateway as the bank would build it."""

from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from applications.models import Payment, PaymentCallback, Rating
from applications.services.gateway import get_gateway
from tests.applications.conftest import online_payload, pdf

FEE = 50_000
RESULT_PDF = (
    b"%PDF-1.4\n% Ket qua 27/QD-UBND\n1 0 obj<<>>endobj\ntrailer<<>>\nstartxref\n0\n%%EOF\n"
)


@pytest.fixture(autouse=True)
def sandbox(settings):
    settings.PAYMENT_GATEWAY = "sandbox"
    settings.PAYMENT_SANDBOX_TRANSPORT = ""


def token_client(username: str) -> APIClient:
    """An API client authenticated the way an app is: a token from username and password."""
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": "demo12345"}, format="json"
    )
    assert response.status_code == 200, response.content
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def act(client, code, action, fmt="json", **body):
    response = client.post(f"/api/v1/dossiers/{code}/{action}/", body, format=fmt)
    assert response.status_code == 200, response.json()
    return response.json()


def test_the_citizen_journey_through_the_api(procedure):
    citizen = token_client("citizen")
    clerk = token_client("clerk.kimlong")
    specialist = token_client("specialist.kimlong")
    assert APIClient().get("/api/v1/dossiers/").status_code in (401, 403)

    # Apply online with one file per required document: the answer carries the code.
    created = citizen.post("/api/v1/dossiers/", online_payload(procedure), format="multipart")
    assert created.status_code == 201, created.json()
    body = created.json()
    code = body["code"]
    assert (body["state"], body["channel"]) == ("submitted", "online")
    assert code.startswith("19774-")
    assert [row["code"] for row in citizen.get("/api/v1/dossiers/").json()["results"]] == [code]

    # The desk receives it and asks for a supplement; the citizen sees the request.
    assert act(clerk, code, "receive")["state"] == "received"
    asked = act(clerk, code, "request_supplement", reason="Tờ khai thiếu chữ ký.")
    assert asked["state"] == "awaiting_supplement"
    mine = citizen.get(f"/api/v1/dossiers/{code}/").json()
    assert mine["state"] == "awaiting_supplement"
    assert "supplement" in mine["actions"]
    assert mine["history"][-1]["action"] == "request_supplement"
    assert mine["history"][-1]["note"] == "Tờ khai thiếu chữ ký."

    # The citizen answers with the corrected document; the clock runs again.
    first_doc = next(k for k in online_payload(procedure) if k.startswith("document_"))
    answered = act(
        citizen,
        code,
        "supplement",
        fmt="multipart",
        note="Đã ký tờ khai.",
        **{first_doc: pdf("to-khai-co-chu-ky.pdf")},
    )
    assert answered["state"] == "received"

    # The desk hands it to the specialist, who asks for the fee.
    act(clerk, code, "start_review", assignee="specialist.kimlong")
    asked = act(specialist, code, "request_payment", amount=FEE)
    assert (asked["state"], asked["fee_vnd"]) == ("awaiting_payment", FEE)
    assert citizen.get(f"/api/v1/dossiers/{code}/").json()["fee_vnd"] == FEE

    # No API starts a payment: the citizen's page does, and sends the browser to the gateway
    # with the signed order.
    pages = Client()
    pages.cookies["motcua_language"] = "en"
    # Signs in through the page, as a browser does (the lockout needs the request).
    assert (
        pages.post("/accounts/login/", {"username": "citizen", "password": "demo12345"}).status_code
        == 302
    )
    to_bank = pages.post(f"/thanh-toan/{code}/")
    assert to_bank.status_code == 302
    gateway = get_gateway()
    order = dict(parse_qsl(urlsplit(to_bank["Location"]).query))
    assert gateway.verify(order)
    assert order["sandbox_IpnUrl"].endswith("/thanh-toan/ipn/")

    # The bank's signed IPN, server to server, confirms it; a replay changes nothing.
    ipn = gateway.sign(
        {
            "sandbox_TmnCode": order["sandbox_TmnCode"],
            "sandbox_TxnRef": order["sandbox_TxnRef"],
            "sandbox_Amount": FEE * 100,
            "sandbox_ResponseCode": "00",
            "sandbox_TransactionStatus": "00",
            "sandbox_TransactionNo": "8800112233",
            "sandbox_BankCode": "SANDBOX",
        }
    )
    assert Client().post("/thanh-toan/ipn/", ipn).json()["RspCode"] == "00"
    assert Client().post("/thanh-toan/ipn/", ipn).json()["RspCode"] == "02"
    payment = Payment.objects.get(reference=order["sandbox_TxnRef"])
    assert (payment.status, payment.amount_vnd, payment.provider_transaction) == (
        "paid",
        FEE,
        "8800112233",
    )
    assert list(
        PaymentCallback.objects.filter(payment=payment)
        .order_by("id")
        .values_list("kind", "outcome")
    ) == [("ipn", "confirmed"), ("ipn", "duplicate")]
    paid = citizen.get(f"/api/v1/dossiers/{code}/").json()
    assert paid["state"] == "in_review"
    assert paid["history"][-1]["action"] == "confirm_payment"
    assert paid["history"][-1]["actor_label"] == "system"

    # The specialist proposes the result; the leader signs it with its PDF.
    act(specialist, code, "propose", result_number="27/QĐ-UBND")
    resolved = act(
        token_client("leader.kimlong"),
        code,
        "approve",
        fmt="multipart",
        result_number="27/QĐ-UBND",
        result=SimpleUploadedFile("ket-qua.pdf", RESULT_PDF, content_type="application/pdf"),
    )
    assert (resolved["state"], resolved["result_number"]) == ("resolved", "27/QĐ-UBND")
    final = citizen.get(f"/api/v1/dossiers/{code}/").json()
    assert final["state"] == "resolved"
    assert final["timeliness"] in ("early", "on_time")
    assert [e["action"] for e in final["history"]] == [
        "submit", "receive", "request_supplement", "supplement", "start_review",
        "request_payment", "confirm_payment", "propose", "approve",
    ]  # fmt: skip

    # The result file (no API serves it): exactly the PDF the leader signed.
    result = pages.get(f"/ho-so-cua-toi/{code}/ket-qua/")
    assert result.status_code == 200
    assert b"".join(result.streaming_content) == RESULT_PDF
    assert 'filename="ket-qua.pdf"' in result["Content-Disposition"]

    # The rating (no API either): the page's form, once.
    scores = {"overall": 5, "time": 4, "attitude": 5, "guidance": 5, "transparency": 4}
    rated = pages.post(f"/ho-so-cua-toi/{code}/danh-gia/", {**scores, "comment": "Tận tình."})
    assert rated.status_code == 302
    assert rated["Location"] == f"/ho-so-cua-toi/{code}/danh-gia/cam-on/"
    rating = Rating.objects.get(dossier__code=code)
    assert {k: getattr(rating, k) for k in scores} == scores
    again = pages.post(f"/ho-so-cua-toi/{code}/danh-gia/", scores)
    assert again.status_code == 302
    assert Rating.objects.filter(dossier__code=code).count() == 1

    # Other people see none of it.
    assert token_client("citizen2").get(f"/api/v1/dossiers/{code}/").status_code == 404
    assert token_client("clerk.thuanhoa").get(f"/api/v1/dossiers/{code}/").status_code == 404
