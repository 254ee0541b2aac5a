import pytest
from django.core.management import call_command
from django.urls import reverse

from mocua.accounts.models import Role

from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_staff_logs_in_with_username_and_password(client, receptionist):
    response = login(client, "tiepnhan", PASSWORD)
    assert response.status_code == 302 and response.url == reverse("accounts:home")
    assert client.get(reverse("accounts:home")).status_code == 200


def test_wrong_password_gets_a_vietnamese_message(client, receptionist):
    response = login(client, "tiepnhan", "sai-mat-khau")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()


def test_login_attempts_are_limited_even_with_the_right_password(client, receptionist, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        login(client, "tiepnhan", "sai-mat-khau")
    response = login(client, "tiepnhan", PASSWORD)
    assert response.status_code == 429
    assert "thử lại sau" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_staff_pages_need_login(client):
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_unsafe_next_is_ignored(client, receptionist):
    response = client.post(reverse("accounts:login") + "?next=https://evil.example/",
                           {"username": "tiepnhan", "password": PASSWORD, "next": "https://evil.example/"})
    assert response.url == reverse("accounts:home")


def test_role_required_refuses_other_roles(rf, agency):
    from django.core.exceptions import PermissionDenied
    from django.http import HttpResponse

    from mocua.accounts.roles import role_required

    @role_required(Role.LEADER)
    def leaders_only(request):
        return HttpResponse("ok")

    request = rf.get("/")
    request.user = UserFactory(agency=agency, role=Role.RECEPTION)
    with pytest.raises(PermissionDenied):
        leaders_only(request)
    request.user = UserFactory(agency=agency, role=Role.LEADER)
    assert leaders_only(request).status_code == 200
    request.user = UserFactory(agency=None, role=Role.LEADER)  # no agency: not an officer
    with pytest.raises(PermissionDenied):
        leaders_only(request)


def test_healthz_checks_database_and_redis(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_healthz_reports_a_dead_redis(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["redis"].startswith("error")


def test_page_probe_renders_the_home_page(client):
    """/healthz/trang (the compose healthcheck) renders a real page; /healthz stays the bare floor."""
    response = client.get("/healthz/trang")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "page": 200}


def test_seed_demo_prints_a_summary_not_its_messages(capfd, settings):
    """Issue 22, item 19: with the demo's console backends the replayed history printed 11,000 lines."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    settings.SMS_BACKEND = "dossiers.sms.LoggingSMSBackend"
    call_command("seed_demo")
    out, err = capfd.readouterr()
    assert "mocua-demo-2026" in out and "lanhdao.ubndtinh" in out
    assert "thư điện tử" in out and "Subject:" not in out and "SMS not sent" not in err
    # The deadline scan ran once after seeding (item 7): the demo's bell has due-soon and overdue alerts.
    from dossiers.models import Alert

    assert "quét hạn xử lý:" in out and Alert.objects.exists()
    assert len((out + err).splitlines()) < 20, out + err


def test_seed_demo_is_idempotent(capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    from mocua.accounts.models import Agency, User

    assert Agency.objects.filter(code="000.17.22.H56").count() == 1
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert "mocua-demo-2026" in capsys.readouterr().out


def test_concurrent_wrong_passwords_never_pass_the_limit(receptionist, settings):
    """Counted before the password is checked: eight guesses racing on a limit of three, three go through."""
    from concurrent.futures import ThreadPoolExecutor

    from mocua.accounts import services

    settings.LOGIN_MAX_FAILURES = 3
    with ThreadPoolExecutor(8) as pool:
        taken = list(pool.map(lambda n: services.login_attempt(username="tiepnhan", client="192.0.2.9"), range(8)))
    assert sum(t is not None for t in taken) == 3


def test_a_right_password_forgets_that_clients_failures_on_the_account(client, receptionist, settings):
    settings.LOGIN_MAX_FAILURES = 3
    login(client, "tiepnhan", "sai-mat-khau")
    login(client, "tiepnhan", "sai-mat-khau")
    assert login(client, "tiepnhan", PASSWORD).status_code == 302
    client.logout()
    # The success wiped the two failures: three more are allowed before the lock…
    for _ in range(3):
        assert login(client, "tiepnhan", "sai-mat-khau").status_code == 200
    # …and then this client is locked out of the account, whatever the password.
    assert login(client, "tiepnhan", PASSWORD).status_code == 429
