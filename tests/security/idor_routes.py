"""The routes of `test_idor.py`: every address that takes an identifier, with how to call it on
a victim's object and on one that does not exist. Its guard
(`test_every_url_with_an_identifier_is_in_this_suite`) fails until a new such route is listed
here: in `ATTEMPTS`, `PUBLIC`, `RATING`, `PASSWORD_RESET` or `NOT_AN_OBJECT`."""

from dataclasses import dataclass, field

from applications.workflow import ACTIONS
from tests.security.conftest import Victims

ATTACKERS = ["anonymous", "clerk.thuanhoa", "citizen2", "leader.thuanhoa"]
MISSING_CODE = "19774-991231-9999"
MISSING_REPORT = "PA-19774-991231-9999"
MISSING_PK = 987_654_321
THUAN_HOA = "19789"


@dataclass(frozen=True)
class Attempt:
    """One route tried on a victim's object and on an object that does not exist."""

    name: str
    real: object  # victims -> kwargs for reverse()
    missing: dict
    method: str = "get"
    data: dict = field(default_factory=dict)
    # Counters are public (the wall display names them): another unit's counter is 403 and an
    # unknown one 404, by design (applications/selectors/tickets.py `counter_get`). No personal data.
    same_answer: bool = True
    # Statuses that refuse without looking at the object, besides 400/401/403/404/login.
    also: tuple = ()


def _code(v: Victims) -> dict:
    return {"code": v.dossier.code}


ATTEMPTS = [
    # Desk (staff login).
    Attempt("desk:dossier", _code, {"code": MISSING_CODE}),
    Attempt(
        "desk:dossier-action",
        lambda v: {"code": v.paying.code, "action": "confirm_payment"},
        {"code": MISSING_CODE, "action": "confirm_payment"},
        method="post",
    ),
    Attempt("desk:withdraw", _code, {"code": MISSING_CODE}),
    Attempt("desk:withdraw", _code, {"code": MISSING_CODE}, method="post", data={"reason": "Rút"}),
    Attempt("desk:forms", _code, {"code": MISSING_CODE}),
    Attempt(
        "desk:form-pdf",
        lambda v: {"code": v.dossier.code, "form": "receipt"},
        {"code": MISSING_CODE, "form": "receipt"},
    ),
    Attempt("desk:tracking-log", lambda v: {"unit_code": "19774"}, {"unit_code": "99999"}),
    Attempt("desk:complaint-answer", lambda v: {"pk": v.complaint.pk}, {"pk": MISSING_PK}),
    Attempt(
        "desk:complaint-answer",
        lambda v: {"pk": v.complaint.pk},
        {"pk": MISSING_PK},
        method="post",
        data={"answer": "Đã xử lý"},
    ),
    Attempt(
        "desk:kiosk_ticket",
        lambda v: {"unit_code": THUAN_HOA, "pk": v.ticket.pk},
        {"unit_code": THUAN_HOA, "pk": MISSING_PK},
    ),
    Attempt("desk:counter", lambda v: {"pk": v.counter.pk}, {"pk": MISSING_PK}, same_answer=False),
    Attempt(
        "desk:counter_call",
        lambda v: {"pk": v.counter.pk},
        {"pk": MISSING_PK},
        method="post",
        same_answer=False,
    ),
    Attempt(
        "desk:counter_open",
        lambda v: {"pk": v.counter.pk},
        {"pk": MISSING_PK},
        method="post",
        same_answer=False,
    ),
    Attempt(
        "desk:counter_act",
        lambda v: {"pk": v.counter.pk, "ticket_pk": v.ticket.pk, "action": "serve"},
        {"pk": MISSING_PK, "ticket_pk": MISSING_PK, "action": "serve"},
        method="post",
        same_answer=False,
    ),
    # The citizen's pages.
    Attempt("citizen:draft", lambda v: {"pk": v.draft.pk}, {"pk": MISSING_PK}),
    Attempt("citizen:draft-documents", lambda v: {"pk": v.draft.pk}, {"pk": MISSING_PK}),
    Attempt("citizen:draft-review", lambda v: {"pk": v.draft.pk}, {"pk": MISSING_PK}),
    Attempt(
        "citizen:draft-discard", lambda v: {"pk": v.draft.pk}, {"pk": MISSING_PK}, method="post"
    ),
    Attempt("citizen:dossier", _code, {"code": MISSING_CODE}),
    Attempt("citizen:submitted", _code, {"code": MISSING_CODE}),
    Attempt(
        "citizen:supplement",
        _code,
        {"code": MISSING_CODE},
        method="post",
        data={"note": "bổ sung"},
    ),
    Attempt("citizen:withdraw", _code, {"code": MISSING_CODE}),
    Attempt("citizen:withdraw", _code, {"code": MISSING_CODE}, method="post"),
    *(
        Attempt(name, _code, {"code": MISSING_CODE})
        for name in ("citizen:receipt", "citizen:result", "citizen:rate", "citizen:rate-national")
    ),
    Attempt("citizen:rate", _code, {"code": MISSING_CODE}, method="post", data={"overall": "5"}),
    Attempt("citizen:rate-thanks", _code, {"code": MISSING_CODE}),
    Attempt("citizen:rate-national", _code, {"code": MISSING_CODE}, method="post"),
    Attempt("citizen:attachment", lambda v: {"pk": v.attachment.pk}, {"pk": MISSING_PK}),
    # Payments.
    Attempt("payments:pay", lambda v: {"code": v.paying.code}, {"code": MISSING_CODE}),
    Attempt(
        "payments:pay", lambda v: {"code": v.paying.code}, {"code": MISSING_CODE}, method="post"
    ),
    Attempt(
        "payments:sandbox",
        lambda v: {"reference": v.payment.reference},
        {"reference": MISSING_CODE + "-ABCDEF"},
    ),
    # Neighbourhood reports: the ward's staff pages.
    Attempt("feedback:staff_report", lambda v: {"code": v.report.code}, {"code": MISSING_REPORT}),
    Attempt(
        "feedback:staff_photo",
        lambda v: {"code": v.report.code, "pk": v.photo.pk},
        {"code": MISSING_REPORT, "pk": MISSING_PK},
    ),
    Attempt(
        "feedback:staff_action",
        lambda v: {"code": v.report.code, "action": "assign"},
        {"code": MISSING_REPORT, "action": "assign"},
        method="post",
    ),
    # The confirmation shows the rating key to the session that made it; others go to follow.
    Attempt(
        "feedback:done",
        lambda v: {"code": v.report.code},
        {"code": MISSING_REPORT},
        also=(302,),
    ),
    # The API.
    Attempt("api-dossier", _code, {"code": MISSING_CODE}),
    Attempt(
        "api-dossier-action",
        lambda v: {"code": v.dossier.code, "action": "return_result"},
        {"code": MISSING_CODE, "action": "return_result"},
        method="post",
    ),
    Attempt(
        "api-dossier-action",
        lambda v: {"code": v.paying.code, "action": "withdraw"},
        {"code": MISSING_CODE, "action": "withdraw"},
        method="post",
    ),
    # One operation per action (applications/workflow.py) and the rating, on both victims.
    *(
        Attempt(f"api-dossier-{name}", _code, {"code": MISSING_CODE}, method="post")
        for name in (*ACTIONS, "rating")
    ),
    *(
        Attempt(
            f"api-dossier-{name}",
            lambda v: {"code": v.paying.code},
            {"code": MISSING_CODE},
            method="post",
        )
        for name in (*ACTIONS, "rating")
    ),
    Attempt(
        "api-lookup",
        lambda v: {"code": v.dossier.code},
        {"code": MISSING_CODE},
        data={"phone": "0000"},
    ),
]

# Routes whose identifier names something public, tried for personal data only.
PUBLIC = {
    "procedures:detail": lambda v: {"code": v.procedure.code},
    "api-procedure": lambda v: {"code": v.procedure.code},
    "citizen:apply": lambda v: {"procedure_code": v.procedure.code},
    "desk:reception": lambda v: {"procedure_code": v.procedure.code},
    "desk:kiosk": lambda v: {"unit_code": "19774"},
    "desk:display": lambda v: {"unit_code": "19774"},
    # Today's ticket and the display's spoken call: numbers and a service, nothing personal.
    "desk:kiosk_ticket": lambda v: {"unit_code": "19774", "pk": v.ticket.pk},
    "desk:display_call_audio": lambda v: {"unit_code": "19774", "number": 1, "counter": 1},
    # A report's public view (no contact, no photo) by its tracking code.
    "feedback:follow": lambda v: {"code": v.report.code},
    "api-feedback-report": lambda v: {"code": v.report.code},
    "open311-request": lambda v: {"request_id": v.report.code, "fmt": "json"},
    "open311-service": lambda v: {"code": "rubbish", "fmt": "json"},
}
# Rating a report needs its rating key (shown once to the reporter); without it, refused.
RATING = "api-feedback-rating"
# Django's password reset: the link carries a signed, expiring token (tried with a wrong one).
PASSWORD_RESET = "citizen:password-reset-confirm"
# Routes with a parameter that is not an object identifier.
NOT_AN_OBJECT = {
    "open311-discovery",  # `.json` / `.xml`: the format
    "open311-services",
    "open311-requests",
    "javascript-catalog",
    "set_language",
}
