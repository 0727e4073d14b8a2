"""/healthz names what is down: the database, the broker, and with `?deep` a Celery worker."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from portal.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def point_broker_at(monkeypatch, url: str) -> None:
    # Celery reads CELERY_BROKER_URL from the environment before its configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    monkeypatch.setitem(celery_app.conf, "broker_url", url)


def test_healthz_is_200_with_database_and_broker_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    assert response.json()["database"] == "ok"
    assert response.json()["broker"] == "ok"
    assert "worker" not in response.json()


def test_healthz_is_503_naming_the_broker_when_the_broker_is_down(client, db, monkeypatch):
    point_broker_at(monkeypatch, f"redis://127.0.0.1:{closed_port()}/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "down", "status": "unavailable"}


def test_healthz_deep_without_a_broker_reports_the_worker_down_at_once(client, db, monkeypatch):
    point_broker_at(monkeypatch, f"redis://127.0.0.1:{closed_port()}/0")
    response = client.get("/healthz?deep")
    assert response.status_code == 503
    assert response.json()["worker"] == "down"


def test_healthz_on_the_embedded_broker_needs_its_folders_writable(
    client, db, monkeypatch, tmp_path
):
    folders = {
        key: tmp_path / key
        for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")
    }
    for folder in folders.values():
        folder.mkdir()
    point_broker_at(monkeypatch, "filesystem://")
    monkeypatch.setitem(
        celery_app.conf,
        "broker_transport_options",
        {key: str(folder) for key, folder in folders.items()},
    )
    assert client.get("/healthz").json()["broker"] == "ok"

    folders["processed_folder"].rmdir()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "down"


@pytest.mark.redis
def test_healthz_deep_without_a_worker_is_503_naming_the_worker(client, db):
    response = client.get("/healthz?deep")
    assert response.status_code == 503
    assert response.json() == {
        "database": "ok",
        "broker": "ok",
        "worker": "down",
        "status": "unavailable",
    }


@pytest.mark.redis
def test_healthz_deep_with_a_real_worker_up_is_200(client, db, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "MOTCUA_REAL_CELERY": "1",
        "MOTCUA_VAR_DIR": str(tmp_path),
    }
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [
            *(str(Path(sys.executable).with_name("celery")), "-A", "portal", "worker", "-c", "1"),
            *("-n", "healthz@%h", "--without-gossip", "--without-mingle", "-l", "info"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline:
            response = client.get("/healthz?deep")
            if response.status_code == 200:
                break
            time.sleep(0.5)
    finally:
        os.killpg(worker.pid, 15)
        worker.wait(20)
    assert response.status_code == 200, (tmp_path / "worker.log").read_text()[-2000:]
    assert response.json() == {"database": "ok", "broker": "ok", "worker": "ok", "status": "ok"}
