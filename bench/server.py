"""The production shape on loopback: gunicorn (4 workers) and a Celery worker, started as
child processes, with their memory sampled from /proc while the bench runs."""

import os
import signal
import subprocess
import threading
import time
import urllib.request
from dataclasses import dataclass, field

from .env import ROOT, VENV_BIN, BenchEnv


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return found


def rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


@dataclass
class Memory:
    """Peak of the summed RSS of a group of processes, sampled every half second."""

    peak_kib: int = 0
    samples: int = 0

    def sample(self, pids: list[int]) -> None:
        self.peak_kib = max(self.peak_kib, sum(rss_kib(p) for p in pids))
        self.samples += 1

    @property
    def peak_mb(self) -> float:
        return self.peak_kib / 1024


@dataclass
class Stack:
    env: BenchEnv
    variables: dict[str, str]
    workers: int = 4
    worker_concurrency: int = 2
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    web: Memory = field(default_factory=Memory)
    worker: Memory = field(default_factory=Memory)
    _stop: threading.Event = field(default_factory=threading.Event)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.env.port}"

    def start(self) -> None:
        self.env.var_dir.mkdir(parents=True, exist_ok=True)
        logs = self.env.var_dir
        subprocess.run([str(VENV_BIN / "python"), "manage.py", "collectstatic", "--noinput", "-v", "0"],
                       cwd=ROOT, env=self.variables, check=True)
        self.processes["web"] = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "mocua.wsgi:application", "--bind", f"127.0.0.1:{self.env.port}",
             "--workers", str(self.workers), "--access-logfile", str(logs / "access.log"),
             "--error-logfile", str(logs / "gunicorn.log"), "--backlog", "2048"],
            cwd=ROOT, env=self.variables)
        self.processes["worker"] = subprocess.Popen(
            [str(VENV_BIN / "celery"), "-A", "mocua", "worker", "--loglevel=WARNING",
             f"--concurrency={self.worker_concurrency}", "--without-gossip", "--without-mingle",
             f"--logfile={logs / 'celery.log'}"], cwd=ROOT, env=self.variables)
        self._wait_ready()
        threading.Thread(target=self._sample, daemon=True).start()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.processes["web"].poll() is not None:
                raise RuntimeError("gunicorn exited; see var/bench/gunicorn.log")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as response:
                    if response.status == 200 and len(_children(self.processes["web"].pid)) >= self.workers:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("the web tier did not answer /healthz within 60 s")

    def web_pids(self) -> list[int]:
        return _children(self.processes["web"].pid)

    def worker_pids(self) -> list[int]:
        pid = self.processes["worker"].pid
        return [pid, *_children(pid)]

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.web.sample(self.web_pids())
            self.worker.sample(self.worker_pids())
            time.sleep(0.5)

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
