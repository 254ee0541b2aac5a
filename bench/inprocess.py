"""`python -m bench inprocess --only ROWS`: each row's request through Django's WSGIHandler in this
process, one at a time: its CPU and wall time per request without gunicorn, the network and the
load generator, and its queries. The rows are the HTTP bench's own scenarios (bench/scenarios.py),
with a client that calls the handler instead of opening a connection.

Where the HTTP figures say a row is short, this says how much of it is the request's own Python;
under py-spy (`py-spy record -o out.svg -- python -m bench inprocess --only mine`) it shows where
that time goes. Compare commits back to back: the machine's speed drifts (docs/benchmarks.md).
"""

import io
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .loadgen import Client, Response, percentile
from .runner import _scenarios
from .scenarios import Bench, _address


class InProcessClient(Client):
    """The HTTP client's interface (cookies, headers, the scenario's extra data), answered by
    Django's WSGI handler in this process."""

    handler: WSGIHandler | None = None

    async def request(self, method: str, path: str, *, form: dict | None = None, json_body: bytes | None = None,
                      headers: dict[str, str] | None = None) -> Response:
        body, content_type = b"", ""
        if form is not None:
            body, content_type = urlencode(form).encode(), "application/x-www-form-urlencoded"
        elif json_body is not None:
            body, content_type = json_body, "application/json"
        url = urlsplit(path)
        environ = {
            "REQUEST_METHOD": method, "PATH_INFO": url.path, "QUERY_STRING": url.query, "SCRIPT_NAME": "",
            "SERVER_NAME": self.host, "SERVER_PORT": str(self.port), "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": f"{self.host}:{self.port}",
            "HTTP_X_FORWARDED_FOR": self.address, "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": content_type,
            "wsgi.input": io.BytesIO(body), "wsgi.errors": io.StringIO(), "wsgi.url_scheme": "http",
            "wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
        }
        for name, value in {**self.headers, **(headers or {})}.items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        if self.cookies:
            environ["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        answer: dict = {}

        def start_response(status, response_headers, exc_info=None):
            answer["status"], answer["headers"] = int(status.split()[0]), response_headers

        chunks = self.handler(environ, start_response)
        try:
            content = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()  # request_finished: connections are closed or kept as under gunicorn
        cookies, plain = {}, {}
        for name, value in answer["headers"]:
            if name.lower() == "set-cookie":
                jar = SimpleCookie()
                jar.load(value)
                cookies.update({key: morsel.value for key, morsel in jar.items()})
            plain[name.lower()] = value
        self.cookies.update(cookies)
        return Response(answer["status"], plain, content, cookies)


class InProcessBench(Bench):
    def _client(self, **kwargs) -> Client:
        return InProcessClient(self.host, self.port, address=_address(next(self.address)), **kwargs)


def _drive(step, client):
    """Run one step to its end without an event loop: the in-process client never suspends, and
    Django refuses database calls from inside a running loop."""
    coroutine = step(client)
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    coroutine.close()
    raise RuntimeError("the step waited on something other than the in-process client")


def _measure(scenario, requests: int, warmup: int) -> str:
    clients = scenario.clients
    for n in range(warmup):
        _drive(scenario.step, clients[n % len(clients)])
    with CaptureQueriesContext(connection) as queries:
        status, ok, why = _drive(scenario.step, clients[0])
    count = len(queries)  # now: the next request's request_started empties the connection's log
    if not ok:
        return f"{scenario.key}: HTTP {status}, wrong answer ({why})"
    walls = []
    cpu = time.process_time()
    for n in range(requests):
        started = time.perf_counter()
        _drive(scenario.step, clients[n % len(clients)])
        walls.append((time.perf_counter() - started) * 1000)
    cpu_ms = (time.process_time() - cpu) * 1000 / requests
    return (f"{scenario.key}: {requests} requests, CPU {cpu_ms:.2f} ms a request, wall p50 "
            f"{percentile(walls, 50):.2f} ms, p95 {percentile(walls, 95):.2f} ms, {count} queries "
            f"(the first request's)")


def run(env, args) -> list[str]:
    # The pages name their static files through the manifest, as the web tier's do (bench/server.py).
    env.var_dir.mkdir(parents=True, exist_ok=True)
    call_command("collectstatic", interactive=False, verbosity=0)
    InProcessClient.handler = WSGIHandler()
    bench = InProcessBench("127.0.0.1", env.port, args.concurrency)
    only = {key for key in args.only.split(",") if key} or {"lookup", "mine", "search"}
    lines = []
    for scenario in _scenarios(bench, only):
        lines.append(_measure(scenario, args.requests, warmup=max(len(scenario.clients), 20)))
        print(lines[-1], flush=True)
    return lines
