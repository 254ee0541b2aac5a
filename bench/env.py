"""Where the bench runs: its database, its Redis db, and the environment shared by the web tier,
the worker and the driver (same SECRET_KEY, so that sessions made by the driver are valid)."""

import os
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
PIN_HASH_KEY = "mocua-bench-pin-key"
VENV_BIN = Path(sys.executable).parent


@dataclass
class BenchEnv:
    database_url: str
    redis_url: str
    port: int
    var_dir: Path

    @property
    def database(self) -> str:
        return urlparse(self.database_url).path.lstrip("/")

    def variables(self) -> dict[str, str]:
        """Production settings (DEBUG off, persistent connections, real Celery), on plain HTTP
        over loopback. X-Forwarded-For is trusted because the load generator plays many clients
        from one address, as a reverse proxy in front of gunicorn would report them."""
        return {
            **os.environ,
            "DATABASE_URL": self.database_url, "REDIS_URL": self.redis_url, "DEBUG": "0",
            "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or _secret(), "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # The seed stores each PIN's keyed hash: a key of its own, fixed, so that every later run
            # (each with a new SECRET_KEY) can still look the dossiers up.
            "PIN_KEY": os.environ.get("BENCH_PIN_KEY") or PIN_HASH_KEY,
            "SECURE_SSL_REDIRECT": "0", "SECURE_HSTS_SECONDS": "0", "TRUSTED_PROXIES": "1",
            "VAR_DIR": str(self.var_dir), "MEDIA_ROOT": str(self.var_dir / "media"), "LOG_LEVEL": "WARNING",
            "DB_CONN_MAX_AGE": "600", "CELERY_TASK_ALWAYS_EAGER": "0",
            "EMAIL_BACKEND": "bench.mailsink.EmailBackend", "DJANGO_SETTINGS_MODULE": "mocua.settings",
        }


_SECRET: list[str] = []


def _secret() -> str:
    if not _SECRET:
        _SECRET.append(secrets.token_urlsafe(48))
    return _SECRET[0]


def from_args(args) -> BenchEnv:
    return BenchEnv(
        database_url=args.database_url or os.environ.get("BENCH_DATABASE_URL")
        or "postgres://postgres@127.0.0.1:5432/mocua_bench",
        redis_url=args.redis_url or os.environ.get("BENCH_REDIS_URL") or "redis://127.0.0.1:6379/7",
        port=args.port, var_dir=Path(args.var_dir or ROOT / "var" / "bench"))


def setup_django(env: BenchEnv) -> dict[str, str]:
    """Configure this process (the driver) like the web tier, then start Django."""
    variables = env.variables()
    os.environ.update(variables)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return variables
