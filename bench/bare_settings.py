"""Settings of the bare-view server of the benchmarks (`bench/search.py`, `bench/dossiers.py`).

The portal's own settings (middleware, database, languages, security) with one change: the
URLconf is `bench.bare_urls`, whose view answers precomputed bytes. The two servers then differ
only in the work the real endpoint does.
"""

from portal.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.bare_urls"
