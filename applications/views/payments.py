"""Fee payment pages: start a payment, the gateway's signed return and IPN, the sandbox bank.

Thin: reads through the scoped selector, writes through `applications.services.payments` services.
The IPN and the return are untrusted input handled by `payment_handle_callback`; the sandbox
"bank" page stands for the gateway's own site and exists only when the sandbox is configured.
"""

import urllib.parse

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from applications import selectors
from applications.models import Payment, State
from applications.services import gateway as payment_gateway
from applications.services import payments
from portal.core.pages import page

IPN_MESSAGES = {
    "00": "Confirm Success",
    "01": "Order not found",
    "02": "Order already confirmed",
    "04": "Invalid amount",
    "97": "Invalid signature",
    "99": "Unknown error",
}


@login_required
@require_http_methods(["GET", "POST"])
@page("payments:pay")
def pay(request, code: str):
    """The fee of a dossier waiting for payment, and the button that goes to the gateway."""
    dossier = selectors.dossier_get(user=request.user, code=code)  # else a 404 (@page)
    if request.method == "POST":
        gateway = payment_gateway.get_gateway()
        payment = payments.payment_start(dossier=dossier, actor=request.user, gateway=gateway)
        url = gateway.payment_url(
            payment, return_url=payment_gateway.return_url(), ipn_url=payment_gateway.ipn_url()
        )
        return redirect(url)
    attempts = dossier.payments.order_by("-created_at")
    online = payment_gateway.online_payment_enabled()
    return render(
        request,
        "payments/pay.html",
        {
            "dossier": dossier,
            "online": online,
            "payable": online and dossier.state == State.AWAITING_PAYMENT and bool(dossier.fee_vnd),
            "paid": attempts.filter(status=Payment.Status.PAID).first(),
            "attempts": attempts,
        },
    )


def _gateway_or_404():
    try:
        return payment_gateway.get_gateway()
    except payment_gateway.OnlinePaymentOff as error:
        raise Http404 from error


@require_http_methods(["GET"])
def payment_return(request):
    """Where the gateway sends the browser back. Signed like the IPN and handled the same way,
    so a citizen whose IPN was delayed still sees the truth; an unsigned return moves nothing."""
    gateway = _gateway_or_404()
    outcome = payments.payment_handle_callback(
        params=request.GET.dict(), kind="return", gateway=gateway
    )
    payment = outcome.payment
    return render(
        request,
        "payments/result.html",
        {
            "outcome": outcome.outcome,
            "payment": payment,
            "paid": outcome.paid,
            "failed": payment is not None and payment.status == Payment.Status.FAILED,
            "dossier": payment.dossier if payment is not None else None,
        },
        status=400 if outcome.outcome in ("bad_signature", "not_found", "bad_amount") else 200,
    )


@csrf_exempt  # Server to server: the gateway has no session; the HMAC signature is the check.
@require_http_methods(["GET", "POST"])
def ipn(request):
    """The gateway's server-to-server confirmation; answers in VNPay's JSON vocabulary."""
    gateway = _gateway_or_404()
    params = request.POST.dict() if request.method == "POST" else {}
    params = params or request.GET.dict()
    outcome = payments.payment_handle_callback(params=params, kind="ipn", gateway=gateway)
    code = outcome.rsp_code
    return JsonResponse({"RspCode": code, "Message": IPN_MESSAGES.get(code, "")})


def _invalid_order(request):
    return HttpResponseBadRequest(
        render_to_string("payments/sandbox_invalid.html", request=request)
    )


@require_http_methods(["GET", "POST"])
def sandbox(request, reference: str):
    """The sandbox gateway's "bank": it trusts only the signed order, as a real one would, and
    answers with a signed IPN to the portal, then a signed return through the browser.

    It calls back and redirects to the configured site only (`SITE_URL`): an order naming any
    other return or IPN address is refused, even when signed, so the sandbox is neither a
    request forger (SSRF) nor an open redirect."""
    if not payment_gateway.sandbox_enabled():
        raise Http404
    gateway = payment_gateway.SandboxGateway()
    source = request.POST if request.method == "POST" else request.GET
    order = {key: value for key, value in source.items() if key.startswith(gateway.prefix)}
    if not gateway.verify(order) or order.get("sandbox_TxnRef") != reference:
        return _invalid_order(request)
    back, ipn_to = payment_gateway.return_url(), payment_gateway.ipn_url()
    if (
        order.get("sandbox_ReturnUrl", back) != back
        or order.get("sandbox_IpnUrl", ipn_to) != ipn_to
    ):
        payments.logger.warning("sandbox order %r names a foreign callback address", reference)
        return _invalid_order(request)
    amount_raw = order.get("sandbox_Amount", "")
    amount = int(amount_raw) // 100 if amount_raw.isdigit() else 0
    if request.method == "GET":
        return render(
            request,
            "payments/sandbox.html",
            {"order": order, "reference": reference, "amount": amount},
        )
    answer = gateway.callback_params(order, paid=request.POST.get("choice") == "pay")
    payment_gateway.sandbox_transport()(ipn_to, answer)
    return redirect(f"{back}?{urllib.parse.urlencode(answer)}")
