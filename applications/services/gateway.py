"""The payment gateway: its interface, the sandbox gateway (signed browser return and
server-to-server IPN), the configured gateway, and the sandbox's transport."""

import hashlib
import hmac
import json
import logging
import secrets
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy

from applications.models import Payment
from portal.core.errors import Conflict, DomainError, ErrorCode

logger = logging.getLogger("motcua.payments")


DEV_SANDBOX_SECRET = "motcua-sandbox-dev-secret"  # noqa: S105 - the demo gateway's, not a secret


class PaymentNotDue(Conflict):
    code = ErrorCode.PAYMENT_NOT_DUE
    default_message = gettext_lazy("This dossier is not waiting for a payment.")


class PaymentUnavailable(DomainError):
    code = ErrorCode.PAYMENT_UNAVAILABLE
    default_message = gettext_lazy("No fee is set for this dossier; ask the desk.")


class OnlinePaymentOff(DomainError):
    code = ErrorCode.ONLINE_PAYMENT_OFF
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

    def verify(self, params: dict[str, Any]) -> bool:
        """Whether the parameters carry this gateway's valid signature."""

    def parse(self, params: dict[str, Any]) -> CallbackData:
        """Read a callback whose signature was verified."""


def _sign(secret: str, params: dict[str, Any], prefix: str, hash_key: str) -> str:
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

    def __init__(self, secret: str | None = None) -> None:
        configured: str = getattr(settings, "PAYMENT_SANDBOX_SECRET", DEV_SANDBOX_SECRET)
        self.secret = secret or configured
        if not self.secret:
            # An HMAC with an empty key is a signature anyone can make.
            raise ImproperlyConfigured("PAYMENT_SANDBOX_SECRET must not be empty")

    def sign(self, params: dict[str, Any]) -> dict[str, Any]:
        """The parameters with their signature added."""
        signed = {key: str(value) for key, value in params.items() if key != self.hash_key}
        signed[self.hash_key] = _sign(self.secret, signed, self.prefix, self.hash_key)
        return signed

    def verify(self, params: dict[str, Any]) -> bool:
        given = params.get(self.hash_key)
        if not isinstance(given, str) or not given:
            return False
        expected = _sign(self.secret, params, self.prefix, self.hash_key)
        # Constant time: a timing difference must not reveal how much of a forgery was right.
        return hmac.compare_digest(expected.lower(), given.lower())

    def order_params(self, payment: Payment, *, return_url: str, ipn_url: str) -> dict[str, Any]:
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

    def callback_params(self, order: dict[str, Any], *, paid: bool) -> dict[str, Any]:
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

    def parse(self, params: dict[str, Any]) -> CallbackData:
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


def urllib_transport(url: str, params: dict[str, Any]) -> dict[str, Any] | None:
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
            answer: dict[str, Any] | None = json.loads(response.read().decode())
            return answer
    except (OSError, ValueError) as error:
        # The browser return still arrives signed and confirms; the IPN is not the only road.
        logger.warning("sandbox IPN to %s failed: %s", url, error)
        return None


def sandbox_transport() -> Callable[[str, dict[str, Any]], dict[str, Any] | None]:
    """The IPN transport: `settings.PAYMENT_SANDBOX_TRANSPORT` (a dotted path) lets the tests
    deliver it through the Django test client instead of the network."""
    path = getattr(settings, "PAYMENT_SANDBOX_TRANSPORT", "")
    return import_string(path) if path else urllib_transport
