"""Settings of the portal under `bench/run`: the portal's own, plus `bench.middleware.
DatabaseTime` first in the stack (inert unless a request asks for it with `X-Bench-Db: 1`)."""

from portal.settings.base import *  # noqa: F403
from portal.settings.base import MIDDLEWARE

MIDDLEWARE = ["bench.middleware.DatabaseTime", *MIDDLEWARE]
