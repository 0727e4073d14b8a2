"""Machine interfaces to neighbourhood reports: the portal's JSON API under /api/v1/feedback/
(`reports.py`, routed by `urls.py`) and Open311 GeoReport v2 under /open311/v2/ (`open311.py`,
routed by `urls_open311.py`). Both parse, call a service or selector, and serialise."""
