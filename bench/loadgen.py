"""A small asyncio load generator: HTTP/1.1 over loopback, fixed concurrency for a fixed time.

No dependency beyond the standard library. gunicorn's sync workers close every connection, so
each request opens its own (cheap on loopback); cookies are kept per simulated client, as a
browser would.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    cookies: dict[str, str]


def _dechunk(body: bytes) -> bytes:
    out, rest = bytearray(), body
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out += rest[:size]
        rest = rest[size + 2:]
    return bytes(out)


def parse(raw: bytes) -> Response:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers, cookies = {}, {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name, value = name.strip().lower(), value.strip()
        if name == "set-cookie":
            jar = SimpleCookie()
            jar.load(value)
            cookies.update({key: morsel.value for key, morsel in jar.items()})
        headers[name] = value
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = _dechunk(body)
    return Response(status, headers, body, cookies)


class Client:
    """One simulated user: its address (X-Forwarded-For), its cookies, its extra headers."""

    def __init__(self, host: str, port: int, *, address: str, headers: dict[str, str] | None = None,
                 cookies: dict[str, str] | None = None, timeout: float = 30.0):
        self.host, self.port, self.address, self.timeout = host, port, address, timeout
        self.headers = headers or {}
        self.cookies = dict(cookies or {})
        self.extra: dict = {}  # per-client scenario data (its variants, its receipt paths)

    async def request(self, method: str, path: str, *, form: dict | None = None, json_body: bytes | None = None,
                      headers: dict[str, str] | None = None) -> Response:
        body = b""
        extra = {**self.headers, **(headers or {})}
        if form is not None:
            body = urlencode(form).encode()
            extra["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            body, extra["Content-Type"] = json_body, "application/json"
        if self.cookies:
            extra["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Connection: close",
                 f"X-Forwarded-For: {self.address}", f"Content-Length: {len(body)}"]
        lines += [f"{k}: {v}" for k, v in extra.items()]
        reader, writer = await asyncio.wait_for(asyncio.open_connection(self.host, self.port), self.timeout)
        try:
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
            raw = await asyncio.wait_for(reader.read(-1), self.timeout)
        finally:
            writer.close()
        response = parse(raw)
        self.cookies.update(response.cookies)
        return response

    async def csrf(self, path: str) -> str:
        """GET a page once for its CSRF cookie; the cookie's secret is accepted as the form token."""
        await self.request("GET", path)
        return self.cookies.get("csrftoken", "")


@dataclass
class Result:
    name: str
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    seconds: float = 0.0
    error_samples: list[str] = field(default_factory=list)

    def record(self, ms: float, status: int, ok: bool, why: str = "") -> None:
        self.latencies_ms.append(ms)
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if not ok:
            self.errors += 1
            if len(self.error_samples) < 5:
                self.error_samples.append(f"{status} {why}"[:200])

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        return percentile(self.latencies_ms, p)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0–100); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


# One request of a scenario: given the client, do it and say whether the answer was right.
Step = Callable[[Client], Awaitable[tuple[int, bool, str]]]


async def _loop(client: Client, step: Step, deadline: float, result: Result) -> None:
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            status, ok, why = await step(client)
        except (TimeoutError, OSError, ValueError, IndexError) as exc:
            status, ok, why = 0, False, f"{exc.__class__.__name__}: {exc}"
        result.record((time.perf_counter() - started) * 1000, status, ok, why)


async def run(name: str, clients: list[Client], step: Step, duration: float) -> Result:
    """Every client repeats `step` back to back until `duration` seconds have passed."""
    result = Result(name)
    started = time.monotonic()
    await asyncio.gather(*(_loop(c, step, started + duration, result) for c in clients))
    result.seconds = time.monotonic() - started
    return result


async def paced(client: Client, step: Step, rate: float, duration: float) -> list[tuple[float, int]]:
    """`rate` requests a second from one client (fire and forget, not waiting for answers):
    returns (seconds since start, status) of each."""
    answers: list[tuple[float, int]] = []
    started = time.monotonic()

    async def one(at: float) -> None:
        try:
            status, _, _ = await step(client)
        except (TimeoutError, OSError, ValueError, IndexError):
            status = 0
        answers.append((at, status))

    tasks, n = [], 0
    while (elapsed := time.monotonic() - started) < duration:
        tasks.append(asyncio.create_task(one(elapsed)))
        n += 1
        await asyncio.sleep(max(0.0, n / rate - (time.monotonic() - started)))
    await asyncio.gather(*tasks)
    return sorted(answers)
