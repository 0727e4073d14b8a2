"""One way to run a dossier action from parsed input, shared by the API and the desk pages."""

from django.contrib.auth import get_user_model

from applications import services
from applications.models import Dossier
from portal.core.errors import NotFound

# Actions whose text is a reason (printed on the form or the notice), the others take a note.
REASON_ACTIONS = {"refuse", "reject", "stop", "request_supplement", "apologize", "withdraw"}


def document_files(files) -> dict[int, object]:
    """Uploads named `document_<id>` (ids from the procedure's documents)."""
    return {
        int(name[9:]): upload
        for name, upload in files.items()
        if name.startswith("document_") and name[9:].isdigit()
    }


def run_action(*, action: str, dossier: Dossier, actor, values: dict, files) -> Dossier:
    if action not in services.ACTION_SERVICES:
        raise NotFound()
    kwargs = {
        "dossier": dossier,
        "actor": actor,
        "expected_version": values.get("expected_version"),
    }
    if action in REASON_ACTIONS:
        kwargs["reason"] = values.get("reason") or values.get("note") or ""
    else:
        kwargs["note"] = values.get("note") or ""
    if action == "receive":
        kwargs["due_at"] = values.get("due_at")
    elif action == "start_review" and values.get("assignee"):
        assignee = get_user_model().objects.filter(username=values["assignee"]).first()
        if assignee is None:
            raise NotFound()
        kwargs["assignee"] = assignee
    elif action == "request_payment":
        kwargs["amount"] = values.get("amount")
    elif action == "return_result":
        kwargs["method"] = values.get("method") or "desk"
    elif action == "resolve":
        kwargs["result_number"] = values.get("result_number") or ""
        kwargs["result_file"] = files.get("result")
    elif action == "apologize":
        kwargs["new_due_at"] = values.get("new_due_at")
    elif action == "supplement":
        kwargs["files"] = document_files(files)
    return services.ACTION_SERVICES[action](**kwargs)
