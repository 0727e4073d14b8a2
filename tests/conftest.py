"""Shared fixtures. The suite runs on whatever DATABASE_URL / CELERY_BROKER_URL say (CI: the
local PostgreSQL and Redis); tests that need the real servers are skipped, saying why, without."""

import os

import pytest
from django.core.management import call_command

from portal.demo import seed_accounts
from procedures.demo import seed_catalogue, seed_units
from procedures.models import Procedure


def _seed():
    seed_units()
    seed_catalogue()
    seed_accounts()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load Huế's units, the demo catalogue and the demo accounts once for the whole run."""
    with django_db_blocker.unblock():
        _seed()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Throttle counts live in the shared cache (Redis with REDIS_URL), which outlives a test
    and a run: every test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def demo(db):
    """The demo province. Reloaded if a transactional (browser) test flushed it."""
    if not Procedure.objects.exists():
        _seed()


@pytest.fixture
def demo_transactional(transactional_db):
    if not Procedure.objects.exists():
        _seed()


def pytest_collection_modifyitems(config, items):
    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))
    on_redis = os.environ.get("CELERY_BROKER_URL", "").startswith("redis")
    skip_pg = pytest.mark.skip(reason="needs a real PostgreSQL: set DATABASE_URL=postgres://...")
    skip_redis = pytest.mark.skip(reason="needs a real Redis: set CELERY_BROKER_URL=redis://...")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not on_redis:
            item.add_marker(skip_redis)


__all__ = ["call_command"]
