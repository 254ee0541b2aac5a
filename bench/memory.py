"""Memory of the web tier and the Celery worker, read from /proc/<pid>/smaps_rollup: RSS, PSS and
USS per process and summed per group, sampled while the bench runs.

RSS counts every page a process has mapped, so pages that forked workers share copy-on-write with
their parent (the code and data imported before the fork) are counted once per process: summed
RSS overstates what a prefork group costs. PSS divides each shared page by the number of processes
mapping it, so the PSS of a group sums to the memory it really occupies; USS (private pages only) is
what stopping one process would give back.

`python -m bench.memory` starts the stack, warms every main page up, and prints what each process
holds (docs/benchmarks.md, "Memory").
"""

import argparse
import asyncio
import json
import os
from dataclasses import asdict, dataclass, field

KIB_PER_MB = 1024


@dataclass
class Usage:
    """Memory of one process or the sum over a group, in KiB."""

    rss: int = 0
    pss: int = 0
    uss: int = 0  # Private_Clean + Private_Dirty
    swap: int = 0
    processes: int = 0

    def __add__(self, other: "Usage") -> "Usage":
        return Usage(self.rss + other.rss, self.pss + other.pss, self.uss + other.uss, self.swap + other.swap,
                     self.processes + other.processes)

    def mb(self) -> dict[str, float]:
        return {"rss": self.rss / KIB_PER_MB, "pss": self.pss / KIB_PER_MB, "uss": self.uss / KIB_PER_MB}


def read(pid: int) -> Usage | None:
    """One process's memory; None once it has gone (a recycled worker between listing and reading)."""
    fields = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                name, _, rest = line.partition(":")
                parts = rest.split()
                if len(parts) == 2 and parts[1] == "kB":
                    fields[name] = int(parts[0])
    except (OSError, ValueError):
        return None
    if "Rss" not in fields:  # a kernel thread or a zombie: nothing mapped
        return None
    return Usage(rss=fields["Rss"], pss=fields.get("Pss", 0),
                 uss=fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0),
                 swap=fields.get("Swap", 0), processes=1)


def total(pids: list[int]) -> Usage:
    summed = Usage()
    for pid in pids:
        usage = read(pid)
        if usage is not None:
            summed = summed + usage
    return summed


def children(pid: int) -> list[int]:
    """Direct children of `pid` (gunicorn's workers, Celery's pool processes)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return sorted(found)


@dataclass
class Peak:
    """Peaks of the summed RSS, PSS and USS of a group of processes (each peak on its own sample)."""

    rss: int = 0
    pss: int = 0
    uss: int = 0
    samples: int = 0

    def sample(self, pids: list[int]) -> Usage:
        usage = total(pids)
        self.rss, self.pss, self.uss = max(self.rss, usage.rss), max(self.pss, usage.pss), max(self.uss, usage.uss)
        self.samples += 1
        return usage

    @property
    def rss_mb(self) -> float:
        return self.rss / KIB_PER_MB

    @property
    def pss_mb(self) -> float:
        return self.pss / KIB_PER_MB


@dataclass
class Snapshot:
    """What every process of the stack holds at one moment, by role."""

    roles: dict[str, list[Usage]] = field(default_factory=dict)

    def group(self, *roles: str) -> Usage:
        summed = Usage()
        for role in roles:
            for usage in self.roles.get(role, []):
                summed = summed + usage
        return summed

    def lines(self) -> list[str]:
        out = ["| processes | n | RSS MB | PSS MB | USS MB |", "|---|---|---|---|---|"]
        rows = [(role, (role,)) for role in self.roles] + [
            ("web tier: master + workers", ("gunicorn master", "gunicorn worker")),
            ("Celery: main + pool", ("celery main", "celery child"))]
        for label, roles in rows:
            usage = self.group(*roles)
            mb = usage.mb()
            out.append(f"| {label} | {usage.processes} | {mb['rss']:.1f} | {mb['pss']:.1f} | {mb['uss']:.1f} |")
        return out


def snapshot(stack) -> Snapshot:
    web, worker = stack.processes["web"].pid, stack.processes["worker"].pid
    pids = {"gunicorn master": [web], "gunicorn worker": children(web), "celery main": [worker],
            "celery child": children(worker)}
    return Snapshot({role: [u for u in map(read, group) if u is not None] for role, group in pids.items()})


# --------------------------------------------------------------------------- python -m bench.memory

WARM_KEYS = ["lookup", "mine", "search", "officers_unit", "officers_province", "officers_province_api",
             "report06", "intake", "receipt"]


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=6.0, help="warm-up seconds per page (default 6)")
    parser.add_argument("--concurrency", type=int, default=4, help="clients during the warm-up (default 4)")
    parser.add_argument("--min-requests", type=int, default=40, help="per page, at least (default 40)")
    parser.add_argument("--alerts", type=int, default=200, help="alerts sent through the worker to warm it up")
    parser.add_argument("--no-preload", action="store_true", help="gunicorn without --preload")
    parser.add_argument("--max-requests", type=int, default=None, help="gunicorn --max-requests (0: never)")
    parser.add_argument("--malloc-arena-max", default=None, help="MALLOC_ARENA_MAX ('' leaves glibc's default)")
    parser.add_argument("--worker-concurrency", type=int, default=2)
    parser.add_argument("--worker-max-memory", type=int, default=None, help="Celery --max-memory-per-child, KiB")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--var-dir", default="")
    parser.add_argument("--json", default="", help="write the snapshot here too")
    return parser.parse_args()


def _warm(stack, bench, args) -> None:
    from . import alerts, loadgen
    from .runner import LEADERS

    makers = {"lookup": bench.lookup, "mine": bench.mine, "search": bench.agency_search, "intake": bench.intake,
              "receipt": bench.receipt, **{row[0]: (lambda row=row: bench.leaders(*row)) for row in LEADERS}}
    for key in WARM_KEYS:
        scenario = makers[key]()
        requests = errors = 0
        # Slow pages (the receipt on a busy machine) run longer, so that every worker has served them.
        for _ in range(5):
            result = asyncio.run(loadgen.run(key, scenario.clients, scenario.step, args.seconds))
            requests, errors = requests + result.requests, errors + result.errors
            if requests >= args.min_requests:
                break
        web = snapshot(stack).group("gunicorn master", "gunicorn worker").mb()
        print(f"… {key}: {requests} requests, {errors} errors; web tier now PSS {web['pss']:.0f} MB, "
              f"USS {web['uss']:.0f} MB", flush=True)
        stack.sample_now()
    if args.alerts:
        run = alerts.run(args.alerts, timeout=300)
        worker = snapshot(stack).group("celery main", "celery child").mb()
        print(f"… alerts: {run.alerts} alerts, {run.emails} e-mails in {run.seconds:.0f} s; Celery now PSS "
              f"{worker['pss']:.0f} MB", flush=True)
        stack.sample_now()


def main() -> None:
    args = _args()
    from . import env as bench_env

    env = bench_env.from_args(args)
    variables = bench_env.setup_django(env)
    import redis

    from .scenarios import Bench
    from .server import Stack

    redis.Redis.from_url(env.redis_url).flushdb()
    options = {"preload": not args.no_preload, "worker_concurrency": args.worker_concurrency}
    if args.max_requests is not None:
        options["max_requests"] = args.max_requests
    if args.worker_max_memory is not None:
        options["worker_max_memory_kib"] = args.worker_max_memory
    if args.malloc_arena_max is not None:
        options["malloc_arena_max"] = args.malloc_arena_max
    stack = Stack(env, variables, **options)
    stack.start()
    try:
        started = snapshot(stack)
        _warm(stack, Bench("127.0.0.1", env.port, args.concurrency), args)
        warm = snapshot(stack)
    finally:
        stack.stop()
    print("\nAfter start-up:\n" + "\n".join(started.lines()))
    print("\nAfter the warm-up:\n" + "\n".join(warm.lines()))
    print("\n" + "\n".join(stack.peak_lines()))
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"options": options, "started": asdict(started), "warm": asdict(warm),
                       "peaks": {name: asdict(peak) for name, peak in stack.peaks().items()}}, out, indent=1)


if __name__ == "__main__":
    main()
