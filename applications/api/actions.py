"""One way to run a dossier action, shared by the API and the desk pages: the action's input
serializer (workflow.ACTIONS) validates the request and gives the service its keyword arguments."""

from applications.api.action_inputs import document_files
from applications.models import Dossier
from applications.workflow import ACTIONS
from portal.core.errors import NotFound

__all__ = ["REASON_ACTIONS", "document_files", "run_action"]

# Actions whose text is a reason (printed on the form or the notice), the others take a note.
REASON_ACTIONS = frozenset(name for name, action in ACTIONS.items() if action.takes_reason)


def run_action(*, action: str, dossier: Dossier, actor, data, files) -> Dossier:
    """Validate `data` (a request's data: JSON, or form fields with `files` merged in) with the
    action's input, then call its service. A bad input is a ValidationError (400)."""
    if action not in ACTIONS:
        raise NotFound()
    spec = ACTIONS[action]
    serializer = spec.input(data=data)
    serializer.is_valid(raise_exception=True)
    return spec.service(dossier=dossier, actor=actor, **serializer.service_kwargs(files))
