"""The production shape on loopback: gunicorn (4 workers, --preload) and a Celery worker
(concurrency 2), started as child processes with the same options as the Dockerfile and
docker-compose.yml, and their memory (RSS and PSS, bench/memory.py) sampled while the bench runs."""

import signal
import subprocess
import threading
import time
import urllib.request
from dataclasses import dataclass, field

from .env import ROOT, VENV_BIN, BenchEnv
from .memory import KIB_PER_MB, Peak, children

# The production shape's memory options, as in the Dockerfile and docker-compose.yml (docs/benchmarks.md,
# "Memory"). --preload: the master imports the app (mocua/wsgi.py) and the workers share it. A worker
# is replaced after about 5 000 requests (jittered, so not all at once) and a Celery pool process after
# a task that took it past 150 MB RSS (~100 MB after start), so a slow leak cannot grow for ever.
# MALLOC_ARENA_MAX=2 is left out: it measured no smaller (single-threaded workers use one arena).
MAX_REQUESTS, MAX_REQUESTS_JITTER = 5000, 500
WORKER_MAX_MEMORY_KIB = 150_000


@dataclass
class Stack:
    env: BenchEnv
    variables: dict[str, str]
    workers: int = 4
    worker_concurrency: int = 2
    preload: bool = True
    max_requests: int = MAX_REQUESTS  # 0: a worker is never recycled
    malloc_arena_max: str = ""  # "": glibc's default (up to 8 arenas per core, one per thread)
    worker_max_memory_kib: int = WORKER_MAX_MEMORY_KIB  # 0: a pool process is never replaced
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    web: Peak = field(default_factory=Peak)  # gunicorn master + workers
    web_workers: Peak = field(default_factory=Peak)  # the 4 workers alone
    worker: Peak = field(default_factory=Peak)  # Celery main process + pool
    _stop: threading.Event = field(default_factory=threading.Event)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.env.port}"

    def start(self) -> None:
        self.env.var_dir.mkdir(parents=True, exist_ok=True)
        subprocess.run([str(VENV_BIN / "python"), "manage.py", "collectstatic", "--noinput", "-v", "0"],
                       cwd=ROOT, env=self.variables, check=True)
        variables = {**self.variables}
        if self.malloc_arena_max:
            variables["MALLOC_ARENA_MAX"] = self.malloc_arena_max
        self.processes["web"] = subprocess.Popen(self.gunicorn_command(), cwd=ROOT, env=variables)
        self.processes["worker"] = subprocess.Popen(self.celery_command(), cwd=ROOT, env=variables)
        self._wait_ready()
        threading.Thread(target=self._sample, daemon=True).start()

    def gunicorn_command(self) -> list[str]:
        logs = self.env.var_dir
        command = [str(VENV_BIN / "gunicorn"), "mocua.wsgi:application", "--bind", f"127.0.0.1:{self.env.port}",
                   "--workers", str(self.workers), "--access-logfile", str(logs / "access.log"),
                   "--error-logfile", str(logs / "gunicorn.log"), "--backlog", "2048"]
        if self.preload:
            command.append("--preload")
        if self.max_requests:
            command += ["--max-requests", str(self.max_requests), "--max-requests-jitter", str(MAX_REQUESTS_JITTER)]
        return command

    def celery_command(self) -> list[str]:
        command = [str(VENV_BIN / "celery"), "-A", "mocua", "worker", "--loglevel=WARNING",
                   f"--concurrency={self.worker_concurrency}", "--without-gossip", "--without-mingle",
                   f"--logfile={self.env.var_dir / 'celery.log'}"]
        if self.worker_max_memory_kib:
            command.append(f"--max-memory-per-child={self.worker_max_memory_kib}")
        return command

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.processes["web"].poll() is not None:
                raise RuntimeError("gunicorn exited; see var/bench/gunicorn.log")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as response:
                    if response.status == 200 and len(children(self.processes["web"].pid)) >= self.workers:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("the web tier did not answer /healthz within 60 s")

    def web_pids(self) -> list[int]:
        return children(self.processes["web"].pid)

    def worker_pids(self) -> list[int]:
        pid = self.processes["worker"].pid
        return [pid, *children(pid)]

    def sample_now(self) -> None:
        workers = self.web_pids()
        self.web.sample([self.processes["web"].pid, *workers])
        self.web_workers.sample(workers)
        self.worker.sample(self.worker_pids())

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.sample_now()
            time.sleep(0.5)

    def peaks(self) -> dict[str, Peak]:
        return {"web": self.web, "web_workers": self.web_workers, "worker": self.worker}

    def peak_lines(self) -> list[str]:
        def mb(kib: int) -> str:
            return f"{kib / KIB_PER_MB:.0f}"

        return [f"Peaks over {self.web.samples} samples: web tier PSS {mb(self.web.pss)} MB (master + "
                f"{self.workers} workers), RSS {mb(self.web_workers.rss)} MB ({self.workers} workers), "
                f"{mb(self.web.rss)} MB with the master; Celery PSS {mb(self.worker.pss)} MB, "
                f"RSS {mb(self.worker.rss)} MB (main + {self.worker_concurrency} children)"]

    def stop(self) -> None:
        self._stop.set()
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
