"""A real Celery worker against the local Redis (issue 4, "Done when"): two deadline scans at once
deliver each expected alert exactly once, to exactly the expected people, and nothing for finished
or paused dossiers.

The worker is a subprocess on the test database (committed fixtures: a transactional test) with a
file-based e-mail backend in tmp_path, so what it sent can be read back. Needs REDIS_URL (CI sets it;
the zero-setup demo has no Redis, so the test is skipped there).
"""

import datetime as dt
import email
import email.policy
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from dossiers import services, tasks
from dossiers.models import Alert, AlertKind, Message
from mocua import workcalendar
from mocua.celery import app

from .conftest import make_intake

REDIS_URL = os.environ.get("REDIS_URL", "")
ROOT = Path(__file__).resolve().parents[2]
SEPARATOR = b"\n" + b"-" * 79 + b"\n"  # between messages in a filebased backend's file
PHRASES = {  # what each kind says in the subject (dossiers.alerts.TEXTS)
    AlertKind.STEP_DUE_SOON: "sắp hết hạn xử lý bước",
    AlertKind.STEP_OVERDUE: "đã quá hạn xử lý bước",
    AlertKind.DOSSIER_DUE_SOON: "sắp đến hạn trả kết quả",
    AlertKind.DOSSIER_OVERDUE: "đã quá hạn trả kết quả",
}

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL: a local Redis for the broker (CI sets it)"),
]


def _database_url() -> str:
    db = connection.settings_dict  # the test database, test_<name>
    auth = quote(db["USER"] or "", safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


@pytest.fixture
def worker(transactional_db, tmp_path):
    """`celery -A mocua worker` (prefork, 2 processes) on the test database; stopped at teardown."""
    if connection.vendor != "postgresql":
        pytest.skip("the worker needs a database server it can share with the test (PostgreSQL)")
    mail_dir, log = tmp_path / "mail", tmp_path / "worker.log"
    mail_dir.mkdir()
    app.control.purge()  # nothing left over from an earlier run on this Redis database
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mocua.settings", "DATABASE_URL": _database_url(),
           "REDIS_URL": REDIS_URL, "CELERY_TASK_ALWAYS_EAGER": "0",
           "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": str(mail_dir)}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "mocua", "worker", "--pool=prefork", "--concurrency=2",
             "-Q", app.conf.task_default_queue, "--loglevel=INFO", "--without-gossip", "--without-mingle",
             "--without-heartbeat", "-n", f"test-{uuid.uuid4().hex[:8]}@%h"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait(lambda: " ready." in log.read_text(errors="replace") or process.poll() is not None, 45,
              "the worker to start")
        assert process.poll() is None, log.read_text(errors="replace")
        yield mail_dir, log
    finally:
        process.send_signal(signal.SIGTERM)  # warm shutdown: finishes what it holds
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # its own session: only the worker and its children
            process.wait(timeout=5)


@contextmanager
def publishing_to_redis():
    """The test process publishes to the real broker (the suite runs tasks eagerly otherwise)."""
    assert app.conf.broker_url == django_settings.CELERY_BROKER_URL == REDIS_URL
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app.conf.task_always_eager = True


def sent_mails(mail_dir: Path) -> list[tuple[str, str]]:
    """(to, subject) of every e-mail the worker wrote."""
    found = []
    for path in sorted(mail_dir.iterdir()):
        for chunk in path.read_bytes().split(SEPARATOR):
            if chunk.strip():
                message = email.message_from_bytes(chunk, policy=email.policy.default)
                found.append((str(message["To"]), str(message["Subject"])))
    return found


def _office_time_before(now: dt.datetime, amount: dt.timedelta, agency) -> dt.datetime:
    """The moment with `amount` of office time before `now` (bisection on the calendar: the test runs
    at the real time of day, so the moment cannot be written down)."""
    low, high = now - dt.timedelta(days=20), now
    while high - low > dt.timedelta(seconds=1):
        middle = low + (high - low) / 2
        low, high = (middle, high) if workcalendar.working_time_between(middle, now, agency) > amount else (low, middle)
    return high


def test_two_concurrent_scans_deliver_each_alert_once(frozen, agency, receptionist, specialist, head, variant,
                                                      build_dossier, worker):
    mail_dir, log = worker
    head.department = specialist.department
    head.save(update_fields=["department"])
    now = timezone.localtime(dt.datetime.now(dt.UTC))
    month_ago = frozen.set(now - dt.timedelta(days=30))

    # Overdue: three working days, received a month ago and handed to the specialist.
    overdue = services.dossier_hand_over(dossier=services.dossier_receive(actor=receptionist, intake=make_intake(
        variant)), actor=receptionist, to_user=specialist)
    returned = build_dossier("returned")
    paused = build_dossier("awaiting_supplement")
    # Step due soon: received and handed to the specialist two office hours ago, its step of
    # 5 h 37 min 30 s has 3 h 37 min 30 s left (at most 4 h, and longer than 4 h in all); the dossier's
    # three days are far from due. (A brand-new short dossier is not due soon: test_due_soon.py.)
    frozen.set(_office_time_before(now, dt.timedelta(hours=2), agency))
    soon = services.dossier_hand_over(dossier=services.dossier_receive(actor=receptionist, intake=make_intake(
        variant)), actor=receptionist, to_user=specialist)
    frozen.set(now)
    assert month_ago < overdue.due_at < now < soon.step_due_at <= soon.due_at
    assert not Message.objects.filter(state=Message.State.PENDING).exists()  # the fixtures' own, sent in-process

    with publishing_to_redis():
        tasks.scan_deadlines.delay()
        tasks.scan_deadlines.delay()  # a second beat at the same moment

    def finished():
        done = re.findall(r"scan_deadlines\[[^\]]+\] succeeded in [^:]+: (\d+)", log.read_text(errors="replace"))
        return len(done) == 2 and not Message.objects.filter(state=Message.State.PENDING).exists()

    _wait(finished, 30, "both scans and every delivery")
    written = re.findall(r"scan_deadlines\[[^\]]+\] succeeded in [^:]+: (\d+)", log.read_text(errors="replace"))

    assert set(Alert.objects.values_list("dossier__code", "kind")) == {
        (soon.code, AlertKind.STEP_DUE_SOON),
        (overdue.code, AlertKind.STEP_OVERDUE), (overdue.code, AlertKind.DOSSIER_OVERDUE)}
    # 3 alerts × 2 people × (bell + e-mail), split between the two scans however they raced.
    assert sum(map(int, written)) == 12 == Message.objects.filter(key__startswith="alert:").count()

    expected = Counter((person.email, dossier.code, PHRASES[kind])
                       for dossier, kinds in ((soon, (AlertKind.STEP_DUE_SOON,)),
                                              (overdue, (AlertKind.STEP_OVERDUE, AlertKind.DOSSIER_OVERDUE)))
                       for kind in kinds for person in (specialist, head))
    received = Counter((to, code, phrase) for to, subject in sent_mails(mail_dir)
                       for code in (soon.code, overdue.code, returned.code, paused.code) if code in subject
                       for phrase in PHRASES.values() if phrase in subject)
    assert received == expected  # each exactly once (a Counter sees duplicates), nobody else
    assert len(sent_mails(mail_dir)) == 6  # and no other e-mail at all: none for returned or paused
    assert not Alert.objects.filter(dossier__in=[returned, paused]).exists()
