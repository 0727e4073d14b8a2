"""scripts/backup and scripts/restore: a seeded portal, backed up, restored into a new database
and a new media folder, works there as it did (docs/backup.md)."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import dj_database_url
import psycopg2
import pytest

pytestmark = [pytest.mark.postgres]

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\nstartxref\n0\n%%EOF\n"

ATTACH = """
import hashlib
from django.core.files.base import ContentFile
from applications.models import Attachment, Dossier
dossier = Dossier.objects.filter(receiving_unit__code="19774").order_by("code").first()
content = CONTENT
attachment = Attachment.objects.create(
    dossier=dossier, purpose="scan", file=ContentFile(content, name="scan.pdf"),
    original_name="scan.pdf", content_type="application/pdf", size=len(content),
    sha256=hashlib.sha256(content).hexdigest())
print("ATTACHED", dossier.code)
""".replace("CONTENT", repr(PDF))

# What a restored portal must show: the same dossiers and history, the file readable, pages up.
SMOKE = """
import hashlib, json
from django.core.management import call_command
from django.test import Client
from applications.models import Attachment, Dossier, DossierEvent
from portal.accounts.models import User
call_command("check", "--database", "default", "--fail-level", "ERROR")
attachment = Attachment.objects.get(original_name="scan.pdf")
with attachment.file.open("rb") as stored:
    content = stored.read()
client = Client()
client.force_login(User.objects.get(username="clerk.kimlong"))
page = client.get(f"/desk/ho-so/{attachment.dossier.code}/")
print("SMOKE " + json.dumps({
    "dossiers": Dossier.objects.count(),
    "codes": hashlib.sha256(" ".join(
        Dossier.objects.order_by("code").values_list("code", flat=True)).encode()).hexdigest(),
    "history": DossierEvent.objects.count(),
    "history_of_first": list(DossierEvent.objects.filter(dossier=attachment.dossier)
        .order_by("id").values_list("action", flat=True)),
    "attachment": hashlib.sha256(content).hexdigest(),
    "page": page.status_code,
    "page_names_the_dossier": attachment.dossier.code in page.content.decode(),
    "lookup_page": Client().get("/tra-cuu/").status_code,
}))
"""


def admin_connection():
    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    conn = psycopg2.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"] or "postgres",
        password=config["PASSWORD"] or None,
        dbname="postgres",
    )
    conn.autocommit = True
    return conn, config


@pytest.fixture
def databases():
    """Two database names on the suite's server: the source (created) and the restore target
    (left for scripts/restore to create); both dropped afterwards."""
    conn, config = admin_connection()
    suffix = uuid.uuid4().hex[:8]
    source, target = f"motcua_backup_src_{suffix}", f"motcua_backup_dst_{suffix}"
    credentials = config["USER"] + (f":{config['PASSWORD']}" if config["PASSWORD"] else "")
    server = f"postgres://{credentials}@{config['HOST'] or '127.0.0.1'}:{config['PORT'] or 5432}"
    with conn.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{source}"')
    try:
        yield f"{server}/{source}", f"{server}/{target}"
    finally:
        with conn.cursor() as cursor:
            for name in (source, target):
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()


def run(command, env, what):
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{what} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def portal_env(tmp_path: Path, database_url: str, media: Path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "REDIS_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.base",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(media),
        MOTCUA_VAR_DIR=str(tmp_path / "var"),
        SECURE_SSL_REDIRECT="false",
        LOG_LEVEL="WARNING",
    )
    return env


def smoke(env) -> dict:
    out = run([sys.executable, "manage.py", "shell", "-c", SMOKE], env, "the smoke test")
    return json.loads(out.split("SMOKE ", 1)[1])


def test_a_backup_restored_into_a_new_database_and_media_folder_serves_the_same_dossiers(
    databases, tmp_path
):
    source_url, target_url = databases
    source = portal_env(tmp_path, source_url, tmp_path / "media")
    manage = [sys.executable, "manage.py"]
    run([*manage, "migrate", "--noinput", "-v0"], source, "migrate")
    run([*manage, "seed_demo"], source, "seed_demo")
    run([*manage, "shell", "-c", ATTACH], source, "attaching a file")
    before = smoke(source)
    assert before["dossiers"] >= 300
    assert before["page"] == 200
    assert before["page_names_the_dossier"]

    backup = tmp_path / "backup"
    run([str(ROOT / "scripts" / "backup"), str(backup)], source, "scripts/backup")
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["counts"]["dossiers"] == before["dossiers"]
    assert manifest["counts"]["history_rows"] == before["history"]
    assert manifest["counts"]["attachments"] == 1
    assert manifest["media"]["files"] == 1
    assert {"database.dump", "media.tar.gz"} == set(manifest["files"])

    target = portal_env(tmp_path, target_url, tmp_path / "restored-media")
    report = run([str(ROOT / "scripts" / "restore"), str(backup)], target, "scripts/restore")
    assert "every count matches the manifest" in report
    after = smoke(target)
    assert after == before
    assert after["history_of_first"][0] == "submit"

    # A restore never writes over a database that holds data.
    again = subprocess.run(
        [str(ROOT / "scripts" / "restore"), str(backup)],
        cwd=ROOT,
        env={**target, "MEDIA_ROOT": str(tmp_path / "third-media")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 1
    assert "already holds tables" in again.stderr


def test_a_damaged_backup_is_refused_before_anything_is_restored(databases, tmp_path):
    source_url, target_url = databases
    source = portal_env(tmp_path, source_url, tmp_path / "media")
    run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], source, "migrate")
    backup = tmp_path / "backup"
    run([str(ROOT / "scripts" / "backup"), str(backup)], source, "scripts/backup")
    with (backup / "database.dump").open("ab") as dump:
        dump.write(b"tampered")
    target = portal_env(tmp_path, target_url, tmp_path / "restored-media")
    refused = subprocess.run(
        [str(ROOT / "scripts" / "restore"), str(backup)],
        cwd=ROOT,
        env=target,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 1
    assert "damaged" in refused.stderr
    assert not (tmp_path / "restored-media").exists()
