"""`manage.py serve_demo` (issue 22, item 7): the demo serves with the deadline scan on a timer."""

import threading

from django.core.management import call_command
from django.db import OperationalError

from dossiers import alerts
from dossiers.management.commands import serve_demo


def test_the_timer_scans_until_stopped_and_a_failed_scan_waits_for_the_next():
    stop, calls = threading.Event(), []

    def scan() -> int:
        calls.append(len(calls))
        if len(calls) == 1:
            raise OperationalError("database is locked")  # SQLite busy while a page writes
        if len(calls) == 3:
            stop.set()
        return 0

    serve_demo.scan_every(0.001, stop, scan)
    assert calls == [0, 1, 2]


def test_the_command_serves_without_the_reloader_beside_a_running_timer(monkeypatch):
    served = {}

    def runserver(name, addrport, **options):
        timers = [t for t in threading.enumerate() if t.name == "demo-deadline-scan"]
        served.update(name=name, addrport=addrport, options=options, timer_alive=bool(timers) and timers[0].is_alive())

    monkeypatch.setattr(serve_demo, "call_command", runserver)
    call_command("serve_demo", "127.0.0.1:8765", "--every", "3600")
    assert served == {"name": "runserver", "addrport": "127.0.0.1:8765", "options": {"use_reloader": False},
                      "timer_alive": True}


def test_the_timer_runs_the_alert_scan_by_default():
    assert serve_demo.scan_every.__defaults__ == (alerts.alerts_scan,)
