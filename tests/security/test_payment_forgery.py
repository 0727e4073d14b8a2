"""Issue 8, item 2: payments cannot be forged. Production refuses the sandbox gateway unless a
staging site opts in, and never with the published demo secret; a forged, replayed, tampered or
misdirected IPN moves nothing; the sandbox's own pages exist only with the sandbox and call back
and redirect to the configured site only (no SSRF, no open redirect)."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client

from applications.models import Payment, PaymentCallback
from applications.services.gateway import DEV_SANDBOX_SECRET, SandboxGateway
from portal.accounts.models import User
from tests.applications.test_payments import (
    FEE,
    awaiting_payment,
    client_for,
    confirmations,
    fresh,
    signed_callback,
)

ROOT = Path(__file__).resolve().parents[2]
STRONG = secrets.token_urlsafe(48)
SENT: list[tuple[str, dict]] = []


def recording_transport(url, params):
    """The sandbox bank's server-to-server call, recorded instead of sent."""
    SENT.append((url, dict(params)))


@pytest.fixture(autouse=True)
def sandbox(settings):
    settings.PAYMENT_GATEWAY = "sandbox"
    settings.PAYMENT_SANDBOX_SECRET = STRONG
    settings.PAYMENT_SANDBOX_TRANSPORT = "tests.security.test_payment_forgery.recording_transport"
    settings.SITE_URL = "https://motcua.example.gov.vn"
    SENT.clear()


def start(dossier):
    """The citizen presses "pay": the pending payment and the signed order sent to the bank."""
    response = client_for("citizen").post(f"/thanh-toan/{dossier.code}/")
    assert response.status_code == 302
    order = dict(parse_qsl(urlsplit(response["Location"]).query))
    return Payment.objects.get(dossier=dossier, status="pending"), response["Location"], order


def ipn(params):
    response = Client().post("/thanh-toan/ipn/", params)
    assert response.status_code == 200
    return response.json()["RspCode"]


def assert_unpaid(dossier, payment):
    assert fresh(dossier).state == "awaiting_payment"
    assert Payment.objects.get(pk=payment.pk).status == "pending"
    assert confirmations(dossier) == 0


# --- Forged and tampered IPNs ---------------------------------------------------------------


def test_an_ipn_with_a_forged_signature_moves_nothing(procedure):
    dossier = awaiting_payment(procedure)
    payment, _, _ = start(dossier)
    forged = {**signed_callback(payment.reference), "sandbox_SecureHash": "f" * 128}

    assert ipn(forged) == "97"
    assert_unpaid(dossier, payment)


def test_an_ipn_signed_with_the_published_demo_secret_is_refused_when_a_real_secret_is_set(
    procedure,
):
    dossier = awaiting_payment(procedure)
    payment, _, _ = start(dossier)
    demo_signed = SandboxGateway(secret=DEV_SANDBOX_SECRET).sign(
        {
            "sandbox_TmnCode": "MOTCUA",
            "sandbox_TxnRef": payment.reference,
            "sandbox_Amount": FEE * 100,
            "sandbox_ResponseCode": "00",
            "sandbox_TransactionStatus": "00",
            "sandbox_TransactionNo": "4242424242",
        }
    )

    assert ipn(demo_signed) == "97"
    assert Client().get("/thanh-toan/ket-qua/", demo_signed).status_code == 400
    assert_unpaid(dossier, payment)


def test_a_replayed_ipn_confirms_once(procedure):
    dossier = awaiting_payment(procedure)
    payment, _, _ = start(dossier)
    genuine = signed_callback(payment.reference)

    assert ipn(genuine) == "00"
    assert [ipn(genuine) for _ in range(3)] == ["02", "02", "02"]
    assert confirmations(dossier) == 1
    assert fresh(dossier).state == "in_review"


def test_an_ipn_with_a_tampered_amount_is_refused(procedure):
    dossier = awaiting_payment(procedure)
    payment, _, _ = start(dossier)

    # The amount changed after signing: the signature no longer matches.
    assert ipn({**signed_callback(payment.reference, amount=100), "sandbox_Amount": "100"}) == "97"
    assert ipn({**signed_callback(payment.reference), "sandbox_Amount": "100"}) == "97"
    # Signed, but for less than the fee: refused all the same.
    assert ipn(signed_callback(payment.reference, amount=FEE - 1000)) == "04"
    assert_unpaid(dossier, payment)


def test_an_ipn_with_a_tampered_order_or_code_is_refused(procedure):
    dossier = awaiting_payment(procedure)
    payment, _, _ = start(dossier)
    genuine = signed_callback(payment.reference)

    other_tail = "1" if payment.reference.endswith("0") else "0"
    assert ipn({**genuine, "sandbox_TxnRef": payment.reference[:-1] + other_tail}) == "97"
    assert ipn({**genuine, "sandbox_ResponseCode": "00", "sandbox_OrderInfo": "x"}) == "97"
    failed = signed_callback(payment.reference, code="51")
    assert ipn({**failed, "sandbox_ResponseCode": "00", "sandbox_TransactionStatus": "00"}) == "97"
    assert_unpaid(dossier, payment)
    assert not PaymentCallback.objects.filter(signature_valid=True).exists()


def test_an_ipn_for_one_dossier_cannot_pay_another(procedure):
    paid, other = awaiting_payment(procedure), awaiting_payment(procedure)
    paid_payment, _, _ = start(paid)
    other_payment, _, _ = start(other)
    genuine = signed_callback(paid_payment.reference, transaction="7000000001")

    # The first dossier's genuine IPN with the other's reference: the signature breaks.
    assert ipn({**genuine, "sandbox_TxnRef": other_payment.reference}) == "97"
    assert ipn(genuine) == "00"
    # One bank transaction cannot pay two orders, even signed.
    assert ipn(signed_callback(other_payment.reference, transaction="7000000001")) == "02"

    assert fresh(paid).state == "in_review"
    assert_unpaid(other, other_payment)


# --- The sandbox's own pages ----------------------------------------------------------------


def test_the_sandbox_calls_back_and_redirects_to_the_configured_site_only(procedure):
    dossier = awaiting_payment(procedure)
    _, bank_url, order = start(dossier)
    assert order["sandbox_ReturnUrl"] == "https://motcua.example.gov.vn/thanh-toan/ket-qua/"

    response = client_for("citizen").post(urlsplit(bank_url).path, {**order, "choice": "pay"})

    assert response.status_code == 302
    assert response["Location"].startswith("https://motcua.example.gov.vn/thanh-toan/ket-qua/?")
    assert [url for url, _ in SENT] == ["https://motcua.example.gov.vn/thanh-toan/ipn/"]


@pytest.mark.parametrize(
    ("field", "address"),
    [
        ("sandbox_IpnUrl", "http://169.254.169.254/latest/meta-data/"),
        ("sandbox_IpnUrl", "http://127.0.0.1:6379/"),
        ("sandbox_ReturnUrl", "https://evil.example/phish"),
        ("sandbox_ReturnUrl", "//evil.example/"),
    ],
)
def test_a_sandbox_order_naming_another_address_is_refused_even_when_signed(
    procedure, field, address
):
    dossier = awaiting_payment(procedure)
    payment, bank_url, order = start(dossier)
    # Re-signed with the secret, as someone holding it (or the published demo one) could.
    hostile = SandboxGateway().sign({**order, field: address})
    path = urlsplit(bank_url).path

    page = Client().get(path, hostile)
    pressed = Client().post(path, {**hostile, "choice": "pay"})

    assert page.status_code == pressed.status_code == 400
    assert "evil.example" not in pressed.get("Location", "")
    assert not SENT
    assert_unpaid(dossier, payment)


def test_an_unsigned_change_of_address_is_refused_by_the_sandbox(procedure):
    dossier = awaiting_payment(procedure)
    payment, bank_url, order = start(dossier)
    tampered = {**order, "sandbox_ReturnUrl": "https://evil.example/", "choice": "pay"}

    assert Client().post(urlsplit(bank_url).path, tampered).status_code == 400
    assert not SENT
    assert_unpaid(dossier, payment)


def test_without_online_payment_the_gateway_routes_are_404_and_the_desk_takes_the_fee(
    procedure, settings
):
    dossier = awaiting_payment(procedure)
    payment, bank_url, order = start(dossier)
    settings.PAYMENT_GATEWAY = "none"

    assert Client().get(urlsplit(bank_url).path, order).status_code == 404
    assert Client().post("/thanh-toan/ipn/", signed_callback(payment.reference)).status_code == 404
    assert (
        Client().get("/thanh-toan/ket-qua/", signed_callback(payment.reference)).status_code == 404
    )
    citizen = Client()  # Vietnamese, the portal's first language
    citizen.force_login(User.objects.get(username="citizen"))
    page = citizen.get(f"/thanh-toan/{dossier.code}/")
    assert page.status_code == 200
    assert "nộp phí tại bộ phận một cửa" in page.content.decode()
    pressed = citizen.post(f"/thanh-toan/{dossier.code}/", follow=True)
    assert "nộp phí tại bộ phận một cửa" in pressed.content.decode()
    assert Payment.objects.filter(dossier=dossier).count() == 1
    assert_unpaid(dossier, payment)


# --- Production settings --------------------------------------------------------------------


def production(**env):
    """Import the production settings in a fresh interpreter with this environment."""
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PAYMENT_", "DJANGO_", "DEBUG"))
    }
    base.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="motcua.example.gov.vn",
        SITE_URL="https://motcua.example.gov.vn",
        **env,
    )
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; print(settings.PAYMENT_GATEWAY)",
        ],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    "env",
    [
        # The deployment the attacker found: the sandbox on, with the published secret.
        {"PAYMENT_GATEWAY": "sandbox"},
        {"PAYMENT_GATEWAY": "sandbox", "PAYMENT_SANDBOX_SECRET": DEV_SANDBOX_SECRET},
        # A strong secret is not enough: the sandbox bank pays at the press of a button.
        {"PAYMENT_GATEWAY": "sandbox", "PAYMENT_SANDBOX_SECRET": STRONG},
        # A staging opt-in is not enough without a strong secret of its own.
        {
            "PAYMENT_GATEWAY": "sandbox",
            "PAYMENT_SANDBOX_ALLOWED": "true",
            "PAYMENT_SANDBOX_SECRET": DEV_SANDBOX_SECRET,
        },
        {
            "PAYMENT_GATEWAY": "sandbox",
            "PAYMENT_SANDBOX_ALLOWED": "true",
            "PAYMENT_SANDBOX_SECRET": "short-secret",
        },
        {"PAYMENT_GATEWAY": "sandbox", "PAYMENT_SANDBOX_ALLOWED": "true"},
        {"PAYMENT_GATEWAY": "vnpay"},
    ],
)
def test_production_settings_refuse_to_start_with_a_forgeable_gateway(env):
    result = production(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "PAYMENT_" in result.stderr


def test_production_settings_start_with_a_staging_opt_in_and_a_strong_secret():
    result = production(
        PAYMENT_GATEWAY="sandbox", PAYMENT_SANDBOX_ALLOWED="true", PAYMENT_SANDBOX_SECRET=STRONG
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "sandbox"


def test_production_settings_without_a_gateway_take_no_online_payment():
    result = production()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "none"


def test_docker_compose_requires_the_gateway_and_its_secret():
    compose = (ROOT / "docker-compose.yml").read_text()
    for name in ("PAYMENT_GATEWAY", "PAYMENT_SANDBOX_SECRET"):
        assert re.search(rf'{name}: "\$\{{{name}:\?[^}}]+\}}"', compose), name
    assert 'PAYMENT_SANDBOX_ALLOWED: "${PAYMENT_SANDBOX_ALLOWED:-false}"' in compose
