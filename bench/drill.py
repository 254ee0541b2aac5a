"""The backup drill: pg_dump of the bench database, pg_restore into a scratch database, and a
check that the copy holds the same rows (counts, highest ids, a sample of dossiers).

The dump is pg_dump's directory format, written by `jobs` processes (one table each) with gzip
level 1: a single -Fc process compressed at level 6 on one core and took 90 s for 1M dossiers.
"""

import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg2

TABLES = ["dossiers_dossier", "dossiers_dossierstep", "dossiers_dossierevent", "dossiers_dossierdocument",
          "dossiers_dossierfee", "dossiers_codecounter", "ratings_rating", "accounts_user", "procedures_procedure"]


@dataclass
class Drill:
    dump_seconds: float = 0.0
    restore_seconds: float = 0.0
    dump_mb: float = 0.0
    passed: bool = False
    differences: list[str] = field(default_factory=list)


def _with_database(url: str, name: str) -> str:
    parts = urlparse(url)
    return urlunparse(parts._replace(path="/" + name))


def _figures(url: str) -> dict[str, tuple]:
    with psycopg2.connect(url) as conn, conn.cursor() as cursor:
        found = {}
        for table in TABLES:
            cursor.execute(f"SELECT count(*), max(id) FROM {table}")
            found[table] = cursor.fetchone()
        # A sample spread over the archive: the same codes, PINs, states and due times.
        cursor.execute("SELECT md5(string_agg(code || pin_hash || status || coalesce(due_at::text, ''), ',' "
                       "ORDER BY id)) FROM dossiers_dossier WHERE id % 997 = 0")
        found["sample"] = cursor.fetchone()
        return found


def run(database_url: str, workdir: Path, *, jobs: int = 2, keep: bool = False) -> Drill:
    drill = Drill()
    source = urlparse(database_url).path.lstrip("/")
    scratch = f"{source}_restore_drill"
    dump = workdir / f"{source}.dump.d"
    workdir.mkdir(parents=True, exist_ok=True)
    admin = _with_database(database_url, "postgres")
    started = time.monotonic()
    shutil.rmtree(dump, ignore_errors=True)
    subprocess.run(["pg_dump", "-Fd", "-j", str(jobs), "-Z", "1", "-f", str(dump), "--dbname", database_url],
                   check=True)
    drill.dump_seconds = time.monotonic() - started
    drill.dump_mb = sum(f.stat().st_size for f in dump.iterdir()) / 2**20
    subprocess.run(["dropdb", "--if-exists", "--maintenance-db", admin, scratch], check=True)
    subprocess.run(["createdb", "--maintenance-db", admin, scratch], check=True)
    started = time.monotonic()
    subprocess.run(["pg_restore", "-j", str(jobs), "--no-owner", "--dbname", _with_database(database_url, scratch),
                    str(dump)], check=True)
    drill.restore_seconds = time.monotonic() - started
    before, after = _figures(database_url), _figures(_with_database(database_url, scratch))
    drill.differences = [f"{k}: {before[k]} ≠ {after.get(k)}" for k in before if before[k] != after.get(k)]
    drill.passed = not drill.differences and before["dossiers_dossier"][0] > 0
    if not keep:
        subprocess.run(["dropdb", "--if-exists", "--maintenance-db", admin, scratch], check=True)
        shutil.rmtree(dump)
    return drill
