"""Online fee payment through a gateway: a signed browser return and a server-to-server IPN.

Vietnamese gateways (VNPay, OnePay, MoMo) work alike: the portal sends the citizen to the
gateway with a signed order; the gateway calls the portal back twice with signed parameters,
server to server (IPN) and through the browser (return). Both are untrusted input: only a valid
HMAC signature, a known reference and the exact amount may move anything, and a payment is
confirmed once however many callbacks arrive (gateways retry, browsers reload, attackers
replay). Every callback, good or bad, is kept in `PaymentCallback`.

The sandbox gateway ships for the demo and the tests and signs exactly as VNPay does
(HMAC-SHA512 over the sorted, URL-encoded parameters except the hash), so replacing it by a real
gateway is a matter of another `PaymentGateway` class. Its "bank" pays at the press of a button:
production settings refuse it unless a staging site opts in (`PAYMENT_SANDBOX_ALLOWED`) with a
strong `PAYMENT_SANDBOX_SECRET`, never the demo's published one. `PAYMENT_GATEWAY=none` turns
online payment off (the desk confirms payments); that is production's default.

The gateway calls back only the configured site (`SITE_URL`): the return and IPN addresses are
never taken from a request, so the sandbox cannot be made to POST to, or send a browser to, an
address of a caller's choosing.
"""

import hashlib
import hmac
import json
import logging
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import access
from applications.models import Dossier, Payment, PaymentCallback, State
from applications.services.actions import dossier_confirm_payment
from portal.core.errors import Conflict, DomainError, PermissionDenied

logger = logging.getLogger("motcua.payments")

# Longest value and most keys kept from a callback in the log: a forged callback may be huge.
MAX_LOGGED_KEYS = 40
MAX_LOGGED_VALUE = 300

# Outcomes of honest gateway traffic (retries are normal); the others are logged as warnings.
ORDINARY_OUTCOMES = {"confirmed", "paid", "failed", "duplicate"}

DEV_SANDBOX_SECRET = "motcua-sandbox-dev-secret"  # noqa: S105 - the demo gateway's, not a secret


class PaymentNotDue(Conflict):
    code = "payment_not_due"
    default_message = gettext_lazy("This dossier is not waiting for a payment.")


class PaymentUnavailable(DomainError):
    code = "payment_unavailable"
    default_message = gettext_lazy("No fee is set for this dossier; ask the desk.")


class OnlinePaymentOff(DomainError):
    code = "online_payment_off"
    status = 404
    default_message = gettext_lazy(
        "Online payment is not available on this portal: pay the fee at the one-stop desk."
    )


# --- Gateway interface --------------------------------------------------------------------------


@dataclass(frozen=True)
class CallbackData:
    """What a verified callback says, in the gateway's neutral terms."""

    reference: str
    amount_vnd: int | None
    success: bool
    response_code: str
    transaction: str


class PaymentGateway(Protocol):
    name: str

    def payment_url(self, payment: Payment, *, return_url: str, ipn_url: str) -> str:
        """Where to send the citizen's browser to pay, with the signed order."""

    def verify(self, params: dict) -> bool:
        """Whether the parameters carry this gateway's valid signature."""

    def parse(self, params: dict) -> CallbackData:
        """Read a callback whose signature was verified."""


def _sign(secret: str, params: dict, prefix: str, hash_key: str) -> str:
    """VNPay's scheme: HMAC-SHA512 of `k=v&...` over the sorted, URL-encoded parameters of the
    gateway (its prefix) except the hash itself, hex-encoded."""
    fields = sorted(
        (key, str(value))
        for key, value in params.items()
        if key.startswith(prefix) and key not in (hash_key, f"{prefix}SecureHashType")
    )
    data = "&".join(
        f"{urllib.parse.quote_plus(key)}={urllib.parse.quote_plus(value)}" for key, value in fields
    )
    return hmac.new(secret.encode(), data.encode(), hashlib.sha512).hexdigest()


class SandboxGateway:
    """A gateway that runs inside the portal: its "bank" page is `payments:sandbox`.

    Amounts travel in hundredths of a đồng, response code "00" means paid, as with VNPay.
    """

    name = "sandbox"
    prefix = "sandbox_"
    hash_key = "sandbox_SecureHash"
    terminal = "MOTCUA"
    SUCCESS = "00"
    # VNPay's "51": not enough money in the account. The sandbox's fail button answers it.
    INSUFFICIENT_FUNDS = "51"

    def __init__(self, secret: str | None = None):
        self.secret = secret or getattr(settings, "PAYMENT_SANDBOX_SECRET", DEV_SANDBOX_SECRET)
        if not self.secret:
            # An HMAC with an empty key is a signature anyone can make.
            raise ImproperlyConfigured("PAYMENT_SANDBOX_SECRET must not be empty")

    def sign(self, params: dict) -> dict:
        """The parameters with their signature added."""
        signed = {key: str(value) for key, value in params.items() if key != self.hash_key}
        signed[self.hash_key] = _sign(self.secret, signed, self.prefix, self.hash_key)
        return signed

    def verify(self, params: dict) -> bool:
        given = params.get(self.hash_key)
        if not isinstance(given, str) or not given:
            return False
        expected = _sign(self.secret, params, self.prefix, self.hash_key)
        # Constant time: a timing difference must not reveal how much of a forgery was right.
        return hmac.compare_digest(expected.lower(), given.lower())

    def order_params(self, payment: Payment, *, return_url: str, ipn_url: str) -> dict:
        return self.sign(
            {
                "sandbox_Version": "2.1.0",
                "sandbox_Command": "pay",
                "sandbox_TmnCode": self.terminal,
                "sandbox_TxnRef": payment.reference,
                "sandbox_Amount": payment.amount_vnd * 100,
                "sandbox_CurrCode": "VND",
                "sandbox_OrderInfo": f"Le phi ho so {payment.dossier.code}",
                "sandbox_CreateDate": timezone.localtime().strftime("%Y%m%d%H%M%S"),
                "sandbox_ReturnUrl": return_url,
                "sandbox_IpnUrl": ipn_url,
            }
        )

    def payment_url(self, payment: Payment, *, return_url: str, ipn_url: str) -> str:
        params = self.order_params(payment, return_url=return_url, ipn_url=ipn_url)
        path = reverse("payments:sandbox", kwargs={"reference": payment.reference})
        return f"{path}?{urllib.parse.urlencode(params)}"

    def callback_params(self, order: dict, *, paid: bool) -> dict:
        """What the bank answers for a verified order: the signed IPN and return parameters."""
        code = self.SUCCESS if paid else self.INSUFFICIENT_FUNDS
        return self.sign(
            {
                "sandbox_TmnCode": order["sandbox_TmnCode"],
                "sandbox_TxnRef": order["sandbox_TxnRef"],
                "sandbox_Amount": order["sandbox_Amount"],
                "sandbox_OrderInfo": order.get("sandbox_OrderInfo", ""),
                "sandbox_ResponseCode": code,
                "sandbox_TransactionStatus": code,
                "sandbox_TransactionNo": f"{secrets.randbelow(10**10):010d}",
                "sandbox_BankCode": "SANDBOX",
                "sandbox_PayDate": timezone.localtime().strftime("%Y%m%d%H%M%S"),
            }
        )

    def parse(self, params: dict) -> CallbackData:
        raw = str(params.get("sandbox_Amount", ""))
        # Hundredths of a đồng; anything else is no amount and will not match the order.
        amount = int(raw) // 100 if raw.isdigit() and int(raw) % 100 == 0 else None
        code = str(params.get("sandbox_ResponseCode", ""))
        status = str(params.get("sandbox_TransactionStatus", code))
        return CallbackData(
            reference=str(params.get("sandbox_TxnRef", "")),
            amount_vnd=amount,
            success=code == self.SUCCESS and status == self.SUCCESS,
            response_code=code,
            transaction=str(params.get("sandbox_TransactionNo", ""))[:80],
        )


GATEWAYS = {"sandbox": SandboxGateway}
# No online payment: the pay page sends the citizen to the desk; callbacks answer 404.
NO_GATEWAY = "none"


def gateway_name() -> str:
    return getattr(settings, "PAYMENT_GATEWAY", "sandbox") or NO_GATEWAY


def online_payment_enabled() -> bool:
    return gateway_name() in GATEWAYS


def get_gateway() -> PaymentGateway:
    name = gateway_name()
    if name not in GATEWAYS:
        if name != NO_GATEWAY:
            logger.error("PAYMENT_GATEWAY %r is not a known gateway: online payment is off", name)
        raise OnlinePaymentOff()
    return GATEWAYS[name]()


def sandbox_enabled() -> bool:
    """The sandbox bank page exists only where the sandbox is the configured gateway: a test
    bank that pays at the press of a button has no place on a portal taking real money."""
    return gateway_name() == SandboxGateway.name


def return_url() -> str:
    """Where the gateway sends the browser back: the configured site, never the request's."""
    return settings.SITE_URL + reverse("payments:return")


def ipn_url() -> str:
    """Where the gateway's server confirms a payment: the configured site only."""
    return settings.SITE_URL + reverse("payments:ipn")


# --- Sandbox transport: the "bank" calling the portal back, server to server ------------------


def urllib_transport(url: str, params: dict) -> dict | None:
    """POST the IPN like a gateway's server does; the answer is the portal's JSON, or None."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        logger.warning("sandbox IPN not sent: unsupported URL scheme")
        return None
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        url,
        data=urllib.parse.urlencode(params).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return json.loads(response.read().decode())
    except (OSError, ValueError) as error:
        # The browser return still arrives signed and confirms; the IPN is not the only road.
        logger.warning("sandbox IPN to %s failed: %s", url, error)
        return None


def sandbox_transport():
    """The IPN transport: `settings.PAYMENT_SANDBOX_TRANSPORT` (a dotted path) lets the tests
    deliver it through the Django test client instead of the network."""
    path = getattr(settings, "PAYMENT_SANDBOX_TRANSPORT", "")
    return import_string(path) if path else urllib_transport


# --- Services ---------------------------------------------------------------------------------


def _new_reference(dossier: Dossier) -> str:
    # The dossier code makes a reference readable at the desk; the random tail makes each
    # attempt unique (the signature, not secrecy, protects it). 33 + 7 fits the 40 characters.
    return f"{dossier.code[:33]}-{secrets.token_hex(3).upper()}"


@transaction.atomic
def payment_start(*, dossier: Dossier, actor, gateway: PaymentGateway | None = None) -> Payment:
    """The payment to send the citizen to the gateway with: the pending one, or a new one."""
    gateway = gateway or get_gateway()
    # The dossier row lock makes a double-clicked "pay" reuse one pending payment.
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if not access.may_pay(actor, dossier):
        raise PermissionDenied(_("Only the applicant or the desk may pay for this dossier."))
    if dossier.state != State.AWAITING_PAYMENT:
        raise PaymentNotDue()
    if not dossier.fee_vnd:
        raise PaymentUnavailable()
    pending = dossier.payments.filter(status=Payment.Status.PENDING, provider=gateway.name)
    payment = pending.filter(amount_vnd=dossier.fee_vnd).order_by("-created_at").first()
    if payment is not None:
        return payment
    # The fee was changed since an earlier attempt: that order may no longer be paid.
    stale = list(pending.values_list("reference", flat=True))
    if stale:
        pending.update(status=Payment.Status.CANCELLED)
        logger.info("payments %s cancelled: the fee changed", ", ".join(stale))
    payment = Payment(
        dossier=dossier,
        reference=_new_reference(dossier),
        amount_vnd=dossier.fee_vnd,
        provider=gateway.name,
    )
    payment.full_clean()
    payment.save()
    logger.info("payment %s started for %s VND", payment.reference, payment.amount_vnd)
    return payment


@dataclass(frozen=True)
class PaymentOutcome:
    """What a callback did. `outcome` is also what the callback log records."""

    outcome: str
    payment: Payment | None = None

    # VNPay's IPN answers: 00 acknowledged, 01 order not found, 02 already confirmed,
    # 04 wrong amount, 97 bad signature.
    RSP_CODES = {
        "confirmed": "00",
        "paid": "00",
        "failed": "00",
        "not_found": "01",
        "duplicate": "02",
        "bad_amount": "04",
        "bad_signature": "97",
    }

    @property
    def rsp_code(self) -> str:
        return self.RSP_CODES.get(self.outcome, "99")

    @property
    def paid(self) -> bool:
        return self.payment is not None and self.payment.status == Payment.Status.PAID


def _loggable(params: dict) -> dict:
    keys = sorted(str(key) for key in params)[:MAX_LOGGED_KEYS]
    return {key[:60]: str(params[key])[:MAX_LOGGED_VALUE] for key in keys}


def _log(payment, kind, valid, outcome, params, reference="") -> None:
    PaymentCallback.objects.create(
        payment=payment,
        kind=kind,
        signature_valid=valid,
        outcome=outcome,
        payload=_loggable(params),
    )
    level = logging.INFO if outcome in ORDINARY_OUTCOMES else logging.WARNING
    reference = payment.reference if payment else reference[:40]
    logger.log(level, "payment callback %s for %r: %s", kind, reference, outcome)


def payment_handle_callback(
    *, params: dict, kind: str, gateway: PaymentGateway | None = None
) -> PaymentOutcome:
    """A gateway's IPN or browser return. A bad signature, an unknown reference or a wrong
    amount changes nothing; a success marks the payment paid and moves the dossier on once,
    a failure marks it failed so that a new attempt may start. Every call is logged."""
    gateway = gateway or get_gateway()
    params = {str(key): str(value) for key, value in params.items()}
    if not gateway.verify(params):
        _log(None, kind, False, "bad_signature", params)
        return PaymentOutcome("bad_signature")
    data = gateway.parse(params)
    with transaction.atomic():
        # The payment row lock serialises callbacks that arrive together (gateway retries, the
        # IPN racing the browser return): the first one decides, the others see it decided.
        payment = (
            Payment.objects.select_for_update()
            .select_related("dossier")
            .filter(reference=data.reference, provider=gateway.name)
            .first()
        )
        if payment is None:
            _log(None, kind, True, "not_found", params, data.reference)
            return PaymentOutcome("not_found")
        if data.amount_vnd != payment.amount_vnd:
            _log(payment, kind, True, "bad_amount", params)
            return PaymentOutcome("bad_amount", payment)
        if payment.status != Payment.Status.PENDING:
            if data.success and payment.status != Payment.Status.PAID:
                # Money taken for an order already failed or cancelled: the desk must refund
                # or reconcile it; nothing moves automatically.
                logger.warning(
                    "payment %s: success reported after it was %s; reconcile with the gateway",
                    payment.reference,
                    payment.status,
                )
            _log(payment, kind, True, "duplicate", params)
            return PaymentOutcome("duplicate", payment)
        if not data.success:
            payment.status = Payment.Status.FAILED
            payment.save(update_fields=["status"])
            _log(payment, kind, True, "failed", params)
            return PaymentOutcome("failed", payment)
        taken = (
            Payment.objects.filter(provider=gateway.name, provider_transaction=data.transaction)
            .exclude(pk=payment.pk)
            .exists()
        )
        if data.transaction and taken:
            # One bank transaction cannot pay two orders.
            _log(payment, kind, True, "duplicate", params)
            return PaymentOutcome("duplicate", payment)
        payment.status = Payment.Status.PAID
        payment.paid_at = timezone.now()
        payment.provider_transaction = data.transaction
        payment.save(update_fields=["status", "paid_at", "provider_transaction"])
        dossier = Dossier.objects.select_for_update().get(pk=payment.dossier_id)
        if dossier.state == State.AWAITING_PAYMENT:
            # The confirmed dossier goes back on the payment, so the return page shows it moved.
            payment.dossier = dossier_confirm_payment(
                dossier=dossier,
                actor=None,
                note=_("Fee paid online (%(gateway)s), reference %(reference)s")
                % {"gateway": gateway.name, "reference": payment.reference},
            )
            outcome = "confirmed"
        else:
            # The desk confirmed a payment in cash meanwhile, or the citizen withdrew: the
            # money is recorded, the dossier is left where it is, the desk reconciles.
            logger.warning(
                "payment %s paid while its dossier is %s; reconcile at the desk",
                payment.reference,
                dossier.state,
            )
            outcome = "paid"
        _log(payment, kind, True, outcome, params)
        return PaymentOutcome(outcome, payment)
