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

import logging
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import access
from applications.models import Dossier, Payment, PaymentCallback, State
from applications.services.actions import dossier_confirm_payment
from applications.services.gateway import (
    PaymentGateway,
    PaymentNotDue,
    PaymentUnavailable,
    get_gateway,
)
from portal.accounts.models import User
from portal.core.errors import PermissionDenied

logger = logging.getLogger("motcua.payments")

# Longest value and most keys kept from a callback in the log: a forged callback may be huge.
MAX_LOGGED_KEYS = 40
MAX_LOGGED_VALUE = 300

# Outcomes of honest gateway traffic (retries are normal); the others are logged as warnings.
ORDINARY_OUTCOMES = {"confirmed", "paid", "failed", "duplicate"}

# --- Services ---------------------------------------------------------------------------------


def _new_reference(dossier: Dossier) -> str:
    # The dossier code makes a reference readable at the desk; the random tail makes each
    # attempt unique (the signature, not secrecy, protects it). 33 + 7 fits the 40 characters.
    return f"{dossier.code[:33]}-{secrets.token_hex(3).upper()}"


@transaction.atomic
def payment_start(
    *, dossier: Dossier, actor: User, gateway: PaymentGateway | None = None
) -> Payment:
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


def _loggable(params: dict[str, Any]) -> dict[str, Any]:
    keys = sorted(str(key) for key in params)[:MAX_LOGGED_KEYS]
    return {key[:60]: str(params[key])[:MAX_LOGGED_VALUE] for key in keys}


def _log(
    payment: Payment | None,
    kind: str,
    valid: bool,
    outcome: str,
    params: dict[str, Any],
    reference: str = "",
) -> None:
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
    *, params: dict[str, Any], kind: str, gateway: PaymentGateway | None = None
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
