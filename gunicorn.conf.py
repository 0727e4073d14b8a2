"""gunicorn settings for every way the portal runs (Procfile, Dockerfile, scripts/run).

The access log names the path without its query string and without the referring page: the
public look-up (`GET /api/v1/lookup/{code}/?phone=<last 4 digits>`, a fixed API name) and
search boxes carry what people typed in the query string, and an access log is kept and copied
far more widely than the database (issue 8). Command-line flags still override these.
"""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
accesslog = "-"
# Like the common log format, with %(U)s (the path only) where %(r)s would put the request line
# with its query string; no %(q)s, no %(f)s (the referrer's URL has a query string too).
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'
