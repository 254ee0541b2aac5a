"""`python -m bench seed|run|alerts|drill|inprocess|leaders`: the scale bench (docs/benchmarks.md).

seed    writes the bench data set (bench/data.py) into the bench database with COPY: one province,
        its centre and communes, officers, the real catalogue and --dossiers N over several years.
run     starts gunicorn (4 workers) and a Celery worker on loopback against the bench database,
        drives every scenario for --duration seconds at --concurrency clients, runs the alert
        scan end to end, and prints the figures table (Markdown) with the targets.
alerts  only the alert scan (candidate query and the end-to-end run).
drill   the backup drill: pg_dump, pg_restore into a scratch database, check.
inprocess
        the rows' requests through Django in this process, one at a time (--only, default
        lookup,mine,search; --requests each): CPU and wall time a request and its queries,
        without gunicorn, the network and the load generator (bench/inprocess.py).
leaders seeds a province year of its own (marked BENCH.) and times the leaders' dashboard, per-officer
        table and Biểu 06 in this process (bench/leaders.py).

The bench database is $BENCH_DATABASE_URL or …/mocua_bench (migrate it first).
"""

import argparse
import asyncio
import json
import os
import platform
import time
from dataclasses import asdict

from . import env as bench_env


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["seed", "run", "alerts", "drill", "inprocess", "leaders"])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per scenario (default 60)")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of warm-up per scenario")
    parser.add_argument("--only", default="", help="comma-separated scenario keys (lookup,mine,search,…)")
    parser.add_argument("--alerts", type=int, default=20_000, help="alerts in the end-to-end run (0: skip)")
    parser.add_argument("--flood-rate", type=float, default=50.0, help="wrong lookups a second from one client")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--database-url", default="", help="default $BENCH_DATABASE_URL or …/mocua_bench")
    parser.add_argument("--redis-url", default="", help="default $BENCH_REDIS_URL or redis://127.0.0.1:6379/7 "
                                                        "(a db of its own: the bench empties it)")
    parser.add_argument("--var-dir", default="", help="logs, static files, results (default var/bench)")
    parser.add_argument("--json", default="", help="write the figures here too (default var/bench/last-run.json)")
    parser.add_argument("--keep-dump", action="store_true", help="drill: keep the dump and the restored copy")
    parser.add_argument("--requests", type=int, default=100, help="inprocess: requests a row a round (default 100)")
    parser.add_argument("--rounds", type=int, default=5, help="inprocess: rounds, floors measured in each (default 5)")
    # seed and leaders (their modules need Django set up, so their options are declared here).
    parser.add_argument("--dossiers", type=int, default=0, help="seed, leaders: dossiers to write")
    parser.add_argument("--years", type=int, default=None, help="seed: years of archive (default ~500 000 a year)")
    parser.add_argument("--communes", type=int, default=20, help="seed: communes (default 20)")
    parser.add_argument("--seed", type=int, default=2026, help="seed, leaders: random seed")
    parser.add_argument("--chunk", type=int, default=20_000, help="seed: dossiers a COPY")
    parser.add_argument("--force", action="store_true",
                        help="seed, leaders: write beside dossiers that are not the bench's")
    parser.add_argument("--reset", action="store_true", help="seed: remove the bench's dossiers first")
    parser.add_argument("--no-vacuum", action="store_true", help="seed: ANALYZE only, no VACUUM")
    parser.add_argument("--runs", type=int, default=5, help="leaders: timed runs a figure")
    parser.add_argument("--keep", action="store_true", help="leaders: leave the seeded rows in the database")
    parser.add_argument("--reuse", action="store_true", help="leaders: time the rows a --keep run left")
    return parser.parse_args()


def machine() -> dict:
    from django.db import connection

    with open("/proc/meminfo") as meminfo:
        memory = int(meminfo.readline().split()[1]) / 2**20
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'dossiers_dossier'")
        dossiers = cursor.fetchone()[0]
    return {"cpus": os.cpu_count(), "memory_gib": round(memory, 1), "python": platform.python_version(),
            "postgresql": version, "kernel": platform.release(), "dossiers": dossiers,
            "load_average": os.getloadavg(), "when": time.strftime("%Y-%m-%d %H:%M")}


def main() -> None:
    args = _args()
    env = bench_env.from_args(args)
    variables = bench_env.setup_django(env)
    if args.command in ("seed", "leaders"):
        from . import leaders, seed

        (seed if args.command == "seed" else leaders).run(args)
        return
    if args.command == "inprocess":
        from . import inprocess

        inprocess.run(env, args)
        return
    from . import runner

    rows, info = [], machine()
    print(f"Máy: {info}", flush=True)
    if args.command == "drill":
        rows = runner.drill_rows(env, keep=args.keep_dump)
    else:
        if args.command == "alerts" and not args.only:
            args.only = "alerts"  # the alert scan alone; `run` measures every row
        rows = runner.run(env, variables, args)
    from .report import markdown

    table = markdown(rows)
    print("\n" + table)
    target = args.json or str(env.var_dir / ("last-drill.json" if args.command == "drill" else "last-run.json"))
    env.var_dir.mkdir(parents=True, exist_ok=True)
    with open(target, "w") as out:
        json.dump({"machine": info, "args": vars(args), "rows": [asdict(r) for r in rows], "markdown": table},
                  out, ensure_ascii=False, indent=1)
    print(f"\n→ {target}")


if __name__ == "__main__":
    asyncio.set_event_loop_policy(None)
    main()
