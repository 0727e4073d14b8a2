# MotCua production image. One image for every role: gunicorn (the default CMD) serves Django and
# its static files through WhiteNoise; the same image runs the migrations, the Celery worker and
# beat (see docker-compose.yml and docs/deploy.md). Nothing secret is baked in.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# ---- builder: a virtualenv holding the dependencies declared in pyproject.toml ------------------
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH

RUN python -m venv /opt/venv

WORKDIR /build
# Only pyproject.toml here, so a code change does not reinstall every dependency.
# The project itself is not installed into the venv: settings derive BASE_DIR (templates/,
# static/, locale/) from the location of portal/settings, so the code runs from /app below.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > requirements.txt \
 && pip install --upgrade pip \
 && pip install -r requirements.txt

# ---- runtime ----------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

# WeasyPrint loads Pango and HarfBuzz at run time; Noto and DejaVu carry the Vietnamese glyphs
# of the receipts and result documents.
RUN apt-get update \
 && apt-get install --yes --no-install-recommends \
      libpango-1.0-0 \
      libpangoft2-1.0-0 \
      libharfbuzz-subset0 \
      fonts-noto-core \
      fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

# The processes run as an unprivileged user; it owns only /var/lib/motcua (media, beat schedule),
# the code under /app stays root's and read-only. Named volumes mounted there inherit the owner.
RUN groupadd --system --gid 10001 motcua \
 && useradd --system --uid 10001 --gid motcua --home-dir /var/lib/motcua --no-create-home \
      --shell /usr/sbin/nologin motcua \
 && install -d -o motcua -g motcua -m 0750 /var/lib/motcua /var/lib/motcua/media

COPY --from=builder /opt/venv /opt/venv

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=portal.settings.production \
    MOTCUA_VAR_DIR=/var/lib/motcua \
    MEDIA_ROOT=/var/lib/motcua/media \
    STATIC_ROOT=/app/staticfiles

WORKDIR /app
# manage.py, the four packages, templates/, static/ and locale/ (compiled .mo files are
# committed); .dockerignore keeps out .venv, var/, tests, secrets and the like.
COPY . /app

# Static files are collected into the image. The SECRET_KEY below exists only in this RUN
# step's environment (and SITE_URL's placeholder), to satisfy the production settings; neither
# is an ENV of the image.
# MOTCUA_VAR_DIR points at a scratch directory because, with no DATABASE_URL or broker set,
# the settings create their SQLite and Celery directories there.
RUN SECRET_KEY=collectstatic-only-build-key-never-used-at-runtime-0123456789abcdef \
    SITE_URL=https://build.invalid \
    MOTCUA_VAR_DIR=/tmp/motcua-build \
    python manage.py collectstatic --noinput \
 && rm -rf /tmp/motcua-build \
 && python -m compileall -q portal procedures applications feedback

USER motcua

EXPOSE 8000

# /healthz answers 200 when the database and the broker do, 503 otherwise, and is exempt from the HTTPS
# redirect. The Host header is the first ALLOWED_HOSTS entry, so Django does not answer 400.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, sys, urllib.request as u; h = [x.strip() for x in os.environ.get('ALLOWED_HOSTS', '').split(',') if x.strip()]; h = (h[0] if h else 'localhost').lstrip('.'); h = 'localhost' if h == '*' else h; r = u.urlopen(u.Request('http://127.0.0.1:8000/healthz', headers={'Host': h}), timeout=4); sys.exit(0 if r.status == 200 else 1)"]

# gunicorn.conf.py: the access log without query strings (no look-up digits in the logs).
CMD ["gunicorn", "portal.wsgi:application", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000", "--workers", "3"]
