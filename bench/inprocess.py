"""`python -m bench inprocess --only ROWS`: each row's request through Django's WSGIHandler in this
process, one at a time: its CPU per request without gunicorn, the network and the load generator,
its queries, and its ratio to the floors measured in the same process (bench/floors.py): in each
of --rounds rounds, the request floor (and the PDF floor when a PDF row is asked for), then each
row. The rows are the HTTP bench's own scenarios (bench/scenarios.py), with a client that calls the
handler instead of opening a connection.

Under py-spy (`py-spy record -o out.svg -- python -m bench inprocess --only mine`) it shows where a
row's time goes. The ratios, not the milliseconds, compare across machines.
"""

import io
import statistics
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from . import floors
from .loadgen import Client, Response
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


def _cpu_ms(scenario, requests: int) -> float:
    """CPU ms a request of `requests` in a row, the scenario's clients taking turns."""
    clients = scenario.clients
    cpu = time.process_time()
    for n in range(requests):
        _drive(scenario.step, clients[n % len(clients)])
    return (time.process_time() - cpu) * 1000 / requests


def _warm(scenario, warmup: int) -> tuple[int, str]:
    """Warm the scenario up; (queries of one request, "" or why its answer was wrong)."""
    clients = scenario.clients
    for n in range(max(warmup, scenario.warmup)):
        _drive(scenario.step, clients[n % len(clients)])
    with CaptureQueriesContext(connection) as queries:
        status, ok, why = _drive(scenario.step, clients[0])
    count = len(queries)  # now: the next request's request_started empties the connection's log
    return count, "" if ok else f"HTTP {status}, wrong answer ({why})"


def _measure(scenario, requests: int, warmup: int) -> str:
    """One row alone: its CPU a request and its queries (no floor; `run` divides by the floors)."""
    count, wrong = _warm(scenario, warmup)
    if wrong:
        return f"{scenario.key}: {wrong}"
    return f"{scenario.key}: {requests} requests, CPU {_cpu_ms(scenario, requests):.2f} ms a request, {count} queries"


def measure_rounds(floor, scenarios, *, requests: int, rounds: int, warmup: int) -> list[dict]:
    """Each row and the floors interleaved in one process, `rounds` times: per row its CPU a
    request and its ratio to its floor in each round (bench/floors.py). Wrong rows are left out."""
    _warm(floor, warmup)
    rows = []
    for scenario in scenarios:
        if scenario.missing:
            rows.append({"scenario": scenario, "queries": None, "wrong": scenario.missing, "cpu": [], "ratio": []})
            continue
        count, wrong = _warm(scenario, warmup)
        rows.append({"scenario": scenario, "queries": count, "wrong": wrong, "cpu": [], "ratio": []})
    needs_pdf = any(floors.TARGETS.get(r["scenario"].key, floors.Target(0, "")).floor == "pdf" for r in rows)
    floor_ms, pdf_ms = [], []
    for _ in range(rounds):
        floor_ms.append(_cpu_ms(floor, requests))
        if needs_pdf:
            pdf_ms.append(floors.pdf_floor_ms())
        for row in rows:
            if row["wrong"]:
                continue
            cpu = _cpu_ms(row["scenario"], requests)
            target = floors.TARGETS.get(row["scenario"].key)
            base = pdf_ms[-1] if target and target.floor == "pdf" else floor_ms[-1]
            row["cpu"].append(cpu)
            row["ratio"].append(cpu / base)
    return [{"key": "floor", "label": "Sàn yêu cầu (/healthz)", "cpu": floor_ms, "ratio": [1.0] * rounds,
             "queries": None, "wrong": ""},
            *([{"key": "pdf_floor", "label": "Sàn PDF (một trang A4, phông của các mẫu)", "cpu": pdf_ms,
                "ratio": [1.0] * rounds, "queries": None, "wrong": ""}] if pdf_ms else []),
            *({"key": r["scenario"].key, "label": r["scenario"].label, "cpu": r["cpu"], "ratio": r["ratio"],
               "queries": r["queries"], "wrong": r["wrong"]} for r in rows)]


def table(results: list[dict], rounds: int) -> str:
    """The rows as Markdown: CPU a request and ratio to the floor (medians of the rounds)."""
    lines = ["| hàng | CPU ms một yêu cầu (trung vị) | tỷ lệ so với sàn (trung vị) | số truy vấn | mục tiêu |",
             "|---|---|---|---|---|"]
    for r in results:
        if r["wrong"]:
            lines.append(f"| {r['label']} | — | — | — | {r['wrong']} |")
            continue
        ratio, verdict = floors.ratio_line(r["key"], r["ratio"])
        cpu = statistics.median(r["cpu"])
        queries = "—" if r["queries"] is None else str(r["queries"])
        lines.append(f"| {r['label']} | {cpu:.2f} | {ratio:.2f} | {queries} | {verdict or '—'} |")
    lines.append(f"\n{rounds} vòng; mỗi vòng đo sàn rồi từng hàng, trong cùng một tiến trình.")
    return "\n".join(lines)


def run(env, args) -> list[dict]:
    # The pages name their static files through the manifest, as the web tier's do (bench/server.py).
    env.var_dir.mkdir(parents=True, exist_ok=True)
    call_command("collectstatic", interactive=False, verbosity=0)
    InProcessClient.handler = WSGIHandler()
    bench = InProcessBench("127.0.0.1", env.port, args.concurrency)
    only = {key for key in args.only.split(",") if key} or {"lookup", "mine", "search", "catalogue", "intake",
                                                            "receipt", "reprint", "transparency", "feedback_answer",
                                                            "targets", "transfer", "eresult"}
    warmup = max(args.concurrency, 20)
    bench.feedback_items = warmup + 1 + args.requests * args.rounds  # each answered once
    bench.transfer_dossiers = warmup + 1 + args.requests * args.rounds  # each sent once
    results = measure_rounds(bench.floor(), _scenarios(bench, only), requests=args.requests, rounds=args.rounds,
                             warmup=warmup)
    print(table(results, args.rounds), flush=True)
    return results
