"""Issue 10: a submission reads its procedure, the version's documents and the unit from the
worker's catalogue snapshot (procedures/snapshot.py). It must follow the catalogue's changes at
once, and still work, from PostgreSQL, while the shared cache is down."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from procedures import snapshot
from procedures.models import Unit
from tests.applications.conftest import desk_payload

pytestmark = pytest.mark.django_db


def test_a_withdrawn_procedure_is_refused_by_the_next_submission(api, procedure):
    client = api("clerk.kimlong")
    assert client.post("/api/v1/dossiers/", desk_payload(procedure), format="json").status_code == (
        201
    )
    procedure.is_active = False
    procedure.save()  # the signals renew the catalogue's generation
    response = client.post("/api/v1/dossiers/", desk_payload(procedure), format="json")
    assert response.status_code == 404, response.json()


def test_a_unit_renamed_shows_in_the_next_dossier(api, procedure):
    client = api("clerk.kimlong")
    client.post("/api/v1/dossiers/", desk_payload(procedure), format="json")
    unit = Unit.objects.get(code="19774")
    unit.name_vi = "Phường Kim Long (mới)"
    unit.save()
    response = client.post("/api/v1/dossiers/", desk_payload(procedure), format="json")
    assert response.status_code == 201, response.json()
    assert snapshot.current().unit("19774").name_vi == "Phường Kim Long (mới)"


def test_with_the_cache_down_a_submission_reads_the_catalogue_from_postgresql(
    api, procedure, settings
):
    client = api("clerk.kimlong")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    snapshot._cache_down_until = 0.0
    try:
        with CaptureQueriesContext(connection) as captured:
            response = client.post("/api/v1/dossiers/", desk_payload(procedure), format="json")
        assert response.status_code == 201, response.json()
        sqls = [q["sql"] for q in captured.captured_queries]
        # The procedure and the unit, one row each: not a whole snapshot for one request.
        assert any('FROM "procedures_procedure"' in sql for sql in sqls)
        assert not any('FROM "procedures_field"' in sql for sql in sqls)
    finally:
        snapshot._cache_down_until = 0.0
