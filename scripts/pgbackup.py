"""Backup and restore of MotCua: the PostgreSQL database and the attachments (MEDIA_ROOT).

    scripts/backup DIR    # DATABASE_URL's database and MEDIA_ROOT into DIR (new or empty)
    scripts/restore DIR   # into DATABASE_URL's database and MEDIA_ROOT (both new or empty)

DIR then holds `database.dump` (pg_dump's custom format), `media.tar.gz` and `manifest.json`:
the row count of every table, the media files' count and bytes, and the SHA-256 of both files.
The counts are taken in the very snapshot pg_dump dumps (`pg_export_snapshot`), so they match
the dump exactly even while the portal keeps writing. A restore checks both checksums, restores,
and compares every count with the manifest: exit status 0 only when all match.

pg_dump must be at least as new as the server; the tool uses
/usr/lib/postgresql/<server major>/bin when it exists (Debian's layout), else PG_BIN, else the PATH,
and refuses an older client with a clear message. See docs/backup.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
FORMAT = 1
DUMP, MEDIA, MANIFEST = "database.dump", "media.tar.gz", "manifest.json"
KEY_TABLES = {
    "dossiers": "applications_dossier",
    "history_rows": "applications_dossierevent",
    "attachments": "applications_attachment",
    "notifications": "portal_notification",
    "users": "portal_user",
}


class Failure(Exception):
    """A clear message for the operator; exit status 1."""


# --- Connection ------------------------------------------------------------------------------


def database_from_env() -> dict:
    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql", "postgis"}:
        raise Failure(
            "DATABASE_URL must name a PostgreSQL database (postgres://user:pass@host:5432/name); "
            "the embedded SQLite default is backed up by copying var/motcua.sqlite3."
        )
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise Failure("DATABASE_URL names no database.")
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": str(parts.port or 5432),
        "user": unquote(parts.username or "postgres"),
        "password": unquote(parts.password or ""),
        "name": name,
    }


def libpq_env(db: dict) -> dict:
    env = dict(os.environ)
    env.update(PGHOST=db["host"], PGPORT=db["port"], PGUSER=db["user"], PGCONNECT_TIMEOUT="10")
    if db["password"]:
        env["PGPASSWORD"] = db["password"]
    return env


def connect(db: dict, name: str | None = None):
    import psycopg2

    try:
        return psycopg2.connect(
            host=db["host"],
            port=db["port"],
            user=db["user"],
            password=db["password"] or None,
            dbname=name or db["name"],
            connect_timeout=10,
        )
    except psycopg2.OperationalError as exc:
        where = f"{db['host']}:{db['port']}/{name or db['name']}"
        raise Failure(f"cannot connect to {where}: {exc}") from None


def server_major(conn) -> int:
    with conn.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def tool(name: str, major: int) -> str:
    """The pg_dump / pg_restore matching the server's major version, or newer."""
    candidates = [Path(f"/usr/lib/postgresql/{major}/bin") / name]
    if os.environ.get("PG_BIN"):
        candidates.insert(0, Path(os.environ["PG_BIN"]) / name)
    found = next((str(p) for p in candidates if p.exists()), None) or shutil.which(name)
    if not found:
        raise Failure(f"{name} not found: install postgresql-client-{major} or set PG_BIN")
    version = subprocess.run([found, "--version"], capture_output=True, text=True, check=True)
    # "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)"
    match = re.search(r"\)\s*(\d+)", version.stdout) or re.search(r"(\d+)", version.stdout)
    client = int(match.group(1))
    if client < major:
        raise Failure(
            f"{found} is version {client}, older than the server ({major}): it cannot dump it. "
            f"Install postgresql-client-{major} or point PG_BIN at its bin folder."
        )
    return found


def table_counts(cursor) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM public."{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


# --- Files -----------------------------------------------------------------------------------


def media_root() -> Path:
    if os.environ.get("MEDIA_ROOT"):
        return Path(os.environ["MEDIA_ROOT"])
    return Path(os.environ.get("MOTCUA_VAR_DIR", ROOT / "var")) / "media"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def media_figures(folder: Path) -> dict:
    files = [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []
    return {"files": len(files), "bytes": sum(p.stat().st_size for p in files)}


def empty_or_missing(folder: Path) -> bool:
    return not folder.exists() or (folder.is_dir() and not any(folder.iterdir()))


# --- Backup ----------------------------------------------------------------------------------


def backup(target: Path) -> dict:
    db = database_from_env()
    media = media_root()
    if not empty_or_missing(target):
        raise Failure(f"{target} is not empty: a backup goes into a new or empty folder.")
    target.mkdir(parents=True, exist_ok=True)
    conn = connect(db)
    try:
        major = server_major(conn)
        pg_dump = tool("pg_dump", major)
        conn.rollback()
        conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with conn.cursor() as cursor:
            # One snapshot for the counts and the dump: they describe the same moment.
            cursor.execute("SELECT pg_export_snapshot(), now(), version()")
            snapshot, at, server_version = cursor.fetchone()
            counts = table_counts(cursor)
            subprocess.run(
                [
                    *(pg_dump, "--format=custom", f"--snapshot={snapshot}"),
                    *("--file", str(target / DUMP), "--dbname", db["name"]),
                ],
                env=libpq_env(db),
                check=True,
            )
        conn.rollback()
    except subprocess.CalledProcessError as exc:
        raise Failure(
            f"pg_dump failed (exit status {exc.returncode}); see its message above."
        ) from None
    finally:
        conn.close()
    # The files after the database: a file of a dossier in the dump is already on disk (the
    # upload is stored before its row commits); files newer than the dump are merely extra.
    with tarfile.open(target / MEDIA, "w:gz") as archive:
        if media.exists():
            archive.add(media, arcname=".")
    manifest = {
        "format": FORMAT,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "snapshot_at": at.isoformat(),
        "database": {"host": db["host"], "port": db["port"], "name": db["name"]},
        "server_version": server_version,
        "pg_dump": subprocess.run(
            [pg_dump, "--version"], capture_output=True, text=True, check=True
        ).stdout.strip(),
        "counts": {key: counts.get(table) for key, table in KEY_TABLES.items()},
        "tables": counts,
        "media_root": str(media),
        "media": media_figures(media),
        "files": {DUMP: sha256(target / DUMP), MEDIA: sha256(target / MEDIA)},
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return manifest


# --- Restore ---------------------------------------------------------------------------------


def ensure_empty_database(db: dict) -> None:
    """Create the target database if it does not exist; refuse one that holds tables."""
    admin = connect(db, "postgres")
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["name"]])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{db["name"]}"')
                return
    finally:
        admin.close()
    conn = connect(db)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            if cursor.fetchone()[0]:
                raise Failure(
                    f"the database {db['name']} already holds tables: restore into a new or empty "
                    "database, check it, then point the portal at it."
                )
    finally:
        conn.close()


def safe_extract(archive: tarfile.TarFile, folder: Path) -> None:
    if hasattr(tarfile, "data_filter"):
        archive.extractall(folder, filter="data")
        return
    root = folder.resolve()
    for member in archive.getmembers():
        if not (member.isfile() or member.isdir()):
            raise Failure(f"{MEDIA} holds {member.name!r}, neither a file nor a folder")
        if not (root / member.name).resolve().is_relative_to(root):
            raise Failure(f"{MEDIA} holds a path outside the media folder: {member.name!r}")
    archive.extractall(folder)  # noqa: S202 - every member checked above


def restore(source: Path) -> dict:
    manifest_path = source / MANIFEST
    if not manifest_path.exists():
        raise Failure(f"{source} holds no {MANIFEST}: not a MotCua backup folder.")
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("format") != FORMAT:
        raise Failure(f"unknown backup format {manifest.get('format')!r}")
    for name, expected in manifest["files"].items():
        if not (source / name).exists() or sha256(source / name) != expected:
            raise Failure(f"{source / name} is missing or damaged (its SHA-256 differs).")
    db = database_from_env()
    media = media_root()
    if not empty_or_missing(media):
        raise Failure(f"MEDIA_ROOT {media} is not empty: restore the files into a new folder.")
    ensure_empty_database(db)
    conn = connect(db)
    try:
        pg_restore = tool("pg_restore", server_major(conn))
    finally:
        conn.close()
    try:
        subprocess.run(
            [
                *(pg_restore, "--no-owner", "--no-privileges", "--exit-on-error"),
                *("--dbname", db["name"], str(source / DUMP)),
            ],
            env=libpq_env(db),
            check=True,
        )
    except subprocess.CalledProcessError as exc:
        raise Failure(
            f"pg_restore failed (exit status {exc.returncode}); see its message above."
        ) from None
    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / MEDIA, "r:gz") as archive:
        safe_extract(archive, media)
    conn = connect(db)
    try:
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute("ANALYZE")
            counts = table_counts(cursor)
    finally:
        conn.close()
    differences = {
        table: (expected, counts.get(table))
        for table, expected in manifest["tables"].items()
        if counts.get(table) != expected
    }
    found_media = media_figures(media)
    if found_media != manifest["media"]:
        differences["media files"] = (manifest["media"], found_media)
    if differences:
        raise Failure(f"the restored copy differs from the manifest: {differences}")
    return {"counts": {key: counts.get(table) for key, table in KEY_TABLES.items()}, **found_media}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["backup", "restore"])
    parser.add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.action == "backup":
            manifest = backup(args.folder)
            print(
                f"backup of {manifest['database']['name']} in {args.folder}: "
                + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in manifest["counts"].items())
                + f"; {manifest['media']['files']} media files"
            )
        else:
            done = restore(args.folder)
            print(
                f"restored {args.folder} into {database_from_env()['name']} and {media_root()}: "
                + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in done["counts"].items())
                + f"; {done['files']} media files; every count matches the manifest"
            )
    except Failure as exc:
        print(f"{args.action} failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
