"""The models of the `portal` app (one app label, so tables and migrations stay as they are).

Django registers a model under the app whose module path contains it; the kernel's models live in
`portal.accounts.models`, `portal.notifications.models` and `portal.core.models` and are imported
here so the app's model registry finds them when it loads `portal.models`. Import them from their
own modules.
"""

from portal.accounts.models import ExternalIdentity, Role, StaffRole, User
from portal.core.models import Counter
from portal.notifications.models import Notification

__all__ = ["Counter", "ExternalIdentity", "Notification", "Role", "StaffRole", "User"]
