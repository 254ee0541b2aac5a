"""What the bench asks of the web tier: one scenario per row of the issue's table.

Each scenario is prepared in the driver with the ORM (sample codes, sessions, API tokens) and
then run over HTTP only. Users are the bench officers made by `python -m bench seed` (usernames bench.*).
"""

import itertools
import json
import random
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Q
from django.test import Client as DjangoClient
from django.utils import timezone
from rest_framework.authtoken.models import Token

from dossiers.models import Dossier
from dossiers.workflow import OPEN
from mocua.accounts.models import Agency, Role
from procedures.models import ProcedureVariant

from .data import BENCH_SUFFIX, derive_pin
from .loadgen import Client, Step

LOOKUP = "/tra-cuu/"
SESSION_COOKIE = "sessionid"


def _address(n: int) -> str:
    return f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256 + 1}"


def sample_codes(count: int, rng: random.Random, where: str = "", params: list | None = None) -> list[str]:
    """Random dossier codes, spread over the whole archive (random ids, not the first rows)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM dossiers_dossier")
        low, high = cursor.fetchone()
        ids = [rng.randint(low, high) for _ in range(count * 3)]
        cursor.execute(f"SELECT code FROM dossiers_dossier WHERE id = ANY(%s) {where} LIMIT %s",
                       [ids, *(params or []), count])
        return [row[0] for row in cursor.fetchall()]


def session_for(user) -> str:
    client = DjangoClient()
    client.force_login(user)
    return client.cookies[SESSION_COOKIE].value


@dataclass
class Scenario:
    key: str
    label: str
    clients: list[Client]
    step: Step
    missing: str = ""  # why it cannot run ("not yet built")
    warmup: int = 0  # requests that bring it to its steady state, when more than the bench's own warm-up


class Bench:
    """Builds the scenarios against one running web tier."""

    def __init__(self, host: str, port: int, concurrency: int, seed: int = 7):
        self.host, self.port, self.concurrency = host, port, concurrency
        self.rng = random.Random(seed)
        self.users = get_user_model().objects.filter(username__startswith="bench.", is_active=True)
        self.address = itertools.count(1)
        if not self.users.exists():
            raise SystemExit("Không có dữ liệu đo tải: chạy `python -m bench seed --dossiers N` trước.")

    def _client(self, **kwargs) -> Client:
        return Client(self.host, self.port, address=_address(next(self.address)), **kwargs)

    def _staff(self, user) -> Client:
        return self._client(cookies={SESSION_COOKIE: session_for(user)})

    # -- public lookup ------------------------------------------------------------------------

    def lookup_step(self, codes: list[str]) -> Step:
        pairs = [(code, derive_pin(code)) for code in codes]
        rng = self.rng

        async def step(client: Client):
            if "csrftoken" not in client.cookies:
                await client.csrf(LOOKUP)
            code, pin = rng.choice(pairs)
            response = await client.request("POST", LOOKUP, form={
                "code": code, "pin": pin, "csrfmiddlewaretoken": client.cookies["csrftoken"]},
                headers={"Referer": f"http://{self.host}:{self.port}{LOOKUP}"})
            # The dossier's page, not the retry form (which shows the code typed too).
            shown = f'<h1 class="code">{code}</h1>'.encode() in response.body
            return response.status, response.status == 200 and shown, "no dossier shown"
        return step

    def lookup(self) -> Scenario:
        codes = sample_codes(2000, self.rng)
        return Scenario("lookup", "Tra cứu công khai (mã + PIN)", [self._client() for _ in range(self.concurrency)],
                        self.lookup_step(codes))

    def flood_step(self) -> Step:
        rng = self.rng
        agencies = list(Agency.objects.filter(code__endswith=BENCH_SUFFIX).values_list("code", flat=True))

        async def step(client: Client):
            if "csrftoken" not in client.cookies:
                await client.csrf(LOOKUP)
            # Guessing codes: today's numbers at random agencies, with a made-up PIN.
            code = f"{rng.choice(agencies)}-{timezone.localdate():%y%m%d}-{rng.randint(1, 9999):04d}"
            response = await client.request("POST", LOOKUP, form={
                "code": code, "pin": "AAAAAAAA", "csrfmiddlewaretoken": client.cookies["csrftoken"]})
            return response.status, response.status in (200, 429), ""
        return step

    # -- the floor and the catalogue ----------------------------------------------------------

    def floor(self) -> Scenario:
        """The request floor (bench/floors.py): /healthz through the whole middleware stack."""
        return Scenario("floor", "Sàn yêu cầu (/healthz)", [self._client() for _ in range(self.concurrency)],
                        self._get(["/healthz"]))

    def catalogue(self) -> Scenario:
        """The public catalogue's first page, the portal's most visited page, anonymous."""
        return Scenario("catalogue", "Danh mục thủ tục công khai (/thu-tuc/)",
                        [self._client() for _ in range(self.concurrency)], self._get(["/thu-tuc/"]))

    # -- staff pages --------------------------------------------------------------------------

    def _get(self, paths: list[str], expect: bytes = b"") -> Step:
        rng = self.rng

        async def step(client: Client):
            response = await client.request("GET", rng.choice(paths))
            ok = response.status == 200 and (not expect or response.body.startswith(expect))
            return response.status, ok, response.body[:120].decode("utf-8", "replace")
        return step

    def mine(self) -> Scenario:
        busiest = (self.users.filter(role=Role.SPECIALIST)
                   .annotate(open=Count("held_dossiers", filter=Q(held_dossiers__status__in=sorted(OPEN))))
                   .order_by("-open")[:self.concurrency])
        return Scenario("mine", "Hồ sơ của tôi (chuyên viên)", [self._staff(u) for u in busiest],
                        self._get(["/can-bo/ho-so/cua-toi/"]))

    def agency_search(self) -> Scenario:
        clerks = list(self.users.filter(role=Role.RECEPTION).select_related("agency")
                      .annotate(n=Count("agency__dossiers")).order_by("-n")[:self.concurrency])
        agency_ids = {u.agency_id for u in clerks}
        terms = []
        for name, phone, code in self._sample_rows(agency_ids):
            terms += [name, phone, code, name.split()[-1]]
        # Full names, phones, codes and a lone given name (many matches), plus the unfiltered list.
        paths = ["/can-bo/ho-so/?" + urlencode({"q": term}) for term in terms] + ["/can-bo/ho-so/"]
        return Scenario("search", "Danh sách hồ sơ của cơ quan, có tìm kiếm", [self._staff(u) for u in clerks],
                        self._get(paths))

    def agency_list(self) -> Scenario:
        """The agency's list without a search (/can-bo/ho-so/): the busiest agencies' reception officers."""
        clerks = list(self.users.filter(role=Role.RECEPTION).select_related("agency")
                      .annotate(n=Count("agency__dossiers")).order_by("-n")[:self.concurrency])
        return Scenario("list", "Danh sách hồ sơ của cơ quan, không tìm kiếm", [self._staff(u) for u in clerks],
                        self._get(["/can-bo/ho-so/"]))

    def _sample_rows(self, agency_ids: set[int]) -> list[tuple[str, str, str]]:
        codes = sample_codes(100, self.rng, "AND agency_id = ANY(%s)", [list(agency_ids)])
        return list(Dossier.objects.filter(code__in=codes).values_list("applicant_name", "applicant_phone", "code"))

    # -- leaders ------------------------------------------------------------------------------

    def _leader(self, province: bool):
        if province:
            return self.users.filter(role=Role.LEADER, agency__code="000.00.00" + BENCH_SUFFIX).first()
        return (self.users.filter(role=Role.LEADER, agency__level="commune")
                .annotate(n=Count("agency__dossiers")).order_by("-n").first())

    def leaders(self, key: str, label: str, path: str, province: bool) -> Scenario:
        user = self._leader(province)
        year = timezone.localdate().year
        url = f"{path}?period=year&year={year}"
        clients = [self._staff(user) for _ in range(self.concurrency)]
        return Scenario(key, label, clients, self._get([url]))

    # -- counter ------------------------------------------------------------------------------

    def _counter_clerks(self) -> list:
        """Reception officers of agencies that receive dossiers (not the province's own office)."""
        return list(self.users.filter(role=Role.RECEPTION, agency__procedures__isnull=False).distinct()
                    .select_related("agency").order_by("agency_id", "pk")[:self.concurrency])

    def intake(self) -> Scenario:
        clerks = self._counter_clerks()
        variants = {}
        for clerk in clerks:
            variants[clerk.pk] = list(ProcedureVariant.objects.filter(procedure__agencies=clerk.agency_id)
                                      .values_list("pk", flat=True))
        clients = []
        for clerk in clerks:
            token, _ = Token.objects.get_or_create(user=clerk)
            client = self._client(headers={"Authorization": f"Token {token.key}"})
            client.extra["variants"] = variants[clerk.pk]
            clients.append(client)
        rng = self.rng

        async def step(client: Client):
            body = json.dumps({"variant": rng.choice(client.extra["variants"]), "applicant": {
                "name": "Nguyễn Văn Đo Tải", "id_number": f"0380{rng.randint(10**7, 10**8 - 1)}",
                "phone": f"09{rng.randint(10**7, 10**8 - 1)}"}}).encode()
            response = await client.request("POST", "/api/v1/dossiers/", json_body=body)
            return response.status, response.status == 201, response.body[:200].decode("utf-8", "replace")
        # A process keeps each variant it has received once (procedures.catalogue.intake_variant): warm up
        # until every client's variants have been seen, as in a process that has served a morning.
        return Scenario("intake", "Tiếp nhận tại quầy qua API", clients, step,
                        warmup=10 * len({pk for pks in variants.values() for pk in pks}))

    def receipt(self) -> Scenario:
        """Mẫu 01's first print: rendered and kept. Each code is printed once (a second print is a
        re-print, the next row), so a client's codes are used up; the row says so when they run out."""
        clients, pools = [], {}
        for clerk in self._counter_clerks():
            client = self._staff(clerk)
            if clerk.agency_id not in pools:  # one pool an agency: its clerks must not print a code twice
                # Never printed (no issued form yet), so that each print is a first print.
                codes = (Dossier.objects.filter(agency=clerk.agency_id, received_at__isnull=False, issued_forms=None)
                         .order_by("-pk").values_list("code", flat=True)[:1000])
                pools[clerk.agency_id] = [f"/can-bo/ho-so/{code}/giay-tiep-nhan.pdf" for code in codes]
            client.extra["paths"] = pools[clerk.agency_id]
            clients.append(client)

        async def step(client: Client):
            if not client.extra["paths"]:
                return 0, False, "no receipt left that was never printed"
            response = await client.request("GET", client.extra["paths"].pop())
            return response.status, response.status == 200 and response.body.startswith(b"%PDF"), ""
        return Scenario("receipt", "Giấy tiếp nhận (PDF, Mẫu 01), in lần đầu", clients, step)

    reprints = 10  # receipts issued per clerk before the re-print row runs

    def reprint(self) -> Scenario:
        """Mẫu 01 printed again: the stored copy with its "Bản in lại" mark, a file read. The receipts
        are issued beforehand through dossiers.issued, as a first print would."""
        from dossiers import issued, selectors

        clients = []
        for clerk in self._counter_clerks():
            client = self._staff(clerk)
            codes = list(Dossier.objects.filter(agency=clerk.agency_id, received_at__isnull=False)
                         .order_by("pk").values_list("code", flat=True)[:self.reprints])
            for code in codes:
                issued.dossier_form_print(dossier=selectors.dossier_get_for_officer(user=clerk, code=code),
                                          number="01", actor=clerk)
            client.extra["paths"] = [f"/can-bo/ho-so/{code}/giay-tiep-nhan.pdf" for code in codes]
            clients.append(client)
        rng = self.rng

        async def step(client: Client):
            response = await client.request("GET", rng.choice(client.extra["paths"]))
            reprinted = "-in-lai.pdf" in response.headers.get("content-disposition", "")
            return response.status, response.status == 200 and reprinted, ""
        return Scenario("reprint", "Giấy tiếp nhận in lại (bản đã lưu)", clients, step)

    # -- pages added since issue 7 (issue 26's item 1) -----------------------------------------

    def transparency(self) -> Scenario:
        """The public figures page (/cong-khai/), anonymous: read from the summary rows, cached."""
        return Scenario("transparency", "Trang công khai số liệu (/cong-khai/)",
                        [self._client() for _ in range(self.concurrency)], self._get(["/cong-khai/"]))

    def targets(self) -> Scenario:
        """The leaders' targets page (/lanh-dao/chi-tieu/) as the province leader, this year."""
        user = self._leader(province=True)
        clients = [self._staff(user) for _ in range(self.concurrency)]
        return Scenario("targets", "Chỉ tiêu của các đơn vị (/lanh-dao/chi-tieu/), toàn tỉnh",
                        clients, self._get([f"/lanh-dao/chi-tieu/?period=year&year={timezone.localdate().year}"]))

    feedback_items = 3000  # the HTTP bench's: a minute of answers at 8 clients; inprocess sets its own

    def feedback_answer(self) -> Scenario:
        """A unit's officer answers a citizen's feedback (the "answer" move's form, a real commit):
        `feedback_items` items are sent and classified beforehand through the services, each answered
        once; the row reports a wrong answer when they run out."""
        from feedback import services as feedback_services
        from feedback.models import Subject

        officer = (self.users.filter(role=Role.SPECIALIST, agency__level="commune")
                   .select_related("agency").order_by("agency_id", "pk").first())
        clients = [self._staff(officer) for _ in range(self.concurrency)]
        sender = feedback_services.Sender(name="Nguyễn Văn Đo Tải", phone="0912000111", address="Số 1 Lê Lợi")
        pool = []  # shared: every client is the same officer, and any of them may answer any item
        for _ in range(self.feedback_items):
            item = feedback_services.feedback_send(
                subject=Subject.UNIT, title="Thời gian chờ tại quầy", content="Phải chờ hơn một giờ buổi sáng.",
                agency=officer.agency, sender=sender)
            item = feedback_services.feedback_classify(item=item, actor=officer, category="conduct")
            pool.append((item.pk, item.version))

        async def step(client: Client):
            if "csrftoken" not in client.cookies:
                await client.csrf("/can-bo/phan-anh/")
            if not pool:
                return 0, False, "no feedback item left to answer"
            pk, version = pool.pop()
            path = f"/can-bo/phan-anh/{pk}/thao-tac/answer/"
            response = await client.request("POST", path, form={
                "answer-answer": "Đơn vị đã bố trí thêm một cán bộ tiếp nhận vào buổi sáng.",
                "answer-version": str(version), "csrfmiddlewaretoken": client.cookies["csrftoken"]},
                headers={"Referer": f"http://{self.host}:{self.port}/can-bo/phan-anh/{pk}/"})
            return response.status, response.status == 302, response.body[:200].decode("utf-8", "replace")
        return Scenario("feedback_answer", "Trả lời phản ánh, kiến nghị (đơn vị)", clients, step)

    # -- across agencies and electronic results (issue 26's item 1, after issues 23 and 24) ------

    transfer_dossiers = 2000  # the HTTP bench's; inprocess sets its own (each sent once)

    def transfer(self) -> Scenario:
        """A commune's desk sends a dossier it received for the province on to the agency that resolves it,
        as its counter system does (POST /api/v1/dossiers/<code>/transfer/, electronic; a real commit):
        `transfer_dossiers` dossiers of the province's procedures are received at the communes' desks
        through dossiers.services beforehand (issue 23), each sent once; the row reports a wrong answer
        when they run out."""
        from dossiers import services

        clerks = list(self.users.filter(role=Role.RECEPTION, agency__level="commune")
                      .select_related("agency", "department").order_by("agency_id", "pk")[:self.concurrency])
        # The province's procedures, which a commune's desk receives for the province's agency (issue 23).
        variants = list(ProcedureVariant.objects.filter(procedure__is_active=True, procedure__level="province")
                        .select_related("procedure").prefetch_related("documents", "fees", "steps").order_by("pk"))
        pools: dict[int, list[str]] = {}  # one an agency: any of its clerks may send any of its dossiers
        for n in range(self.transfer_dossiers):
            clerk, variant = clerks[n % len(clerks)], variants[n % len(variants)]
            intake = services.Intake(
                variant=variant, applicant=services.Applicant(
                    name="Nguyễn Văn Đo Tải", id_number=f"0380{self.rng.randint(10**7, 10**8 - 1)}",
                    phone=f"09{self.rng.randint(10**7, 10**8 - 1)}"),
                papers=[services.Paper(name=d.name, form=d.form, quantity=d.quantity, mandatory=d.mandatory)
                        for d in variant.documents.all()])
            pools.setdefault(clerk.agency_id, []).append(services.dossier_receive(actor=clerk, intake=intake).code)
        clients = []
        for clerk in clerks:
            token, _ = Token.objects.get_or_create(user=clerk)
            client = self._client(headers={"Authorization": f"Token {token.key}"})
            client.extra["codes"] = pools[clerk.agency_id]
            clients.append(client)
        body = json.dumps({"mode": "electronic"}).encode()

        async def step(client: Client):
            if not client.extra["codes"]:
                return 0, False, "no dossier left to send"
            code = client.extra["codes"].pop()
            response = await client.request("POST", f"/api/v1/dossiers/{code}/transfer/", json_body=body)
            ok = response.status == 200 and b'"transfer_state":"to_agency"' in response.body
            return response.status, ok, response.body[:200].decode("utf-8", "replace")
        return Scenario("transfer", "Chuyển hồ sơ giữa các cơ quan (nơi tiếp nhận → cơ quan giải quyết, API)",
                        clients, step)

    results_a_client = 3  # dossiers each citizen's browser has unlocked and downloads the result of

    def eresult(self) -> Scenario:
        """A citizen downloads a signed electronic result from the lookup (GET /tra-cuu/<code>/ket-qua/1/:
        an audit row and the download count, then the file), the dossier unlocked by its code and PIN in
        this browser before (the lookup's signed cookie, made here as the lookup makes it). The results are
        signed with a certificate of a CA made here (tests/pki.py) and attached through dossiers.results."""
        import tempfile
        from pathlib import Path

        from django.core import signing
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.test import override_settings

        from dossiers import results
        from dossiers.public import lookup
        from dossiers.workflow import Status
        from tests.pki import TestCA, result_pdf

        ca = TestCA("CA đo tải")
        signed = ca.issue("Chủ tịch UBND xã Đo Tải").sign(result_pdf("GIẤY CHỨNG NHẬN ĐO TẢI"))
        leaders = {u.agency_id: u for u in self.users.filter(role=Role.LEADER).order_by("pk")}
        wanted = self.concurrency * self.results_a_client
        # Handled and not yet holding a result, at agencies with a leader to attach one.
        codes = sample_codes(wanted * 4, self.rng, "AND status = ANY(%s) AND result_files = 0 AND agency_id = ANY(%s)",
                             [[Status.RESULT_READY, Status.RETURNED], list(leaders)])[:wanted]
        with tempfile.TemporaryDirectory() as trust, override_settings(RESULT_TRUST_DIR=Path(trust)):
            ca.write_anchor(Path(trust))
            for code in codes:
                dossier = Dossier.objects.get(code=code)
                results.dossier_attach_result(
                    dossier=dossier, actor=leaders[dossier.agency_id], result_name="Giấy chứng nhận",
                    result_file=SimpleUploadedFile(f"{code}.pdf", signed, content_type="application/pdf"))
        signer = signing.get_cookie_signer(salt=lookup.UNLOCK_COOKIE + lookup.UNLOCK_SALT)
        clients = []
        for n in range(self.concurrency):
            mine = codes[n * self.results_a_client:(n + 1) * self.results_a_client]
            client = self._client(cookies={lookup.UNLOCK_COOKIE: signer.sign(",".join(mine))})
            client.extra["paths"] = [f"/tra-cuu/{code}/ket-qua/1/" for code in mine]
            clients.append(client)
        rng = self.rng

        async def step(client: Client):
            response = await client.request("GET", rng.choice(client.extra["paths"]))
            return response.status, response.status == 200 and response.body.startswith(b"%PDF"), ""
        return Scenario("eresult", "Tải kết quả điện tử có chữ ký số (người dân, sau tra cứu)", clients, step)

    def not_built(self, key: str, label: str, issue: int) -> Scenario:
        """A row of the issue's table whose page does not exist yet: shown, not measured."""
        return Scenario(key, label, [], None, missing=f"chưa xây dựng (issue {issue})")
