"""`manage.py seed_bench --dossiers N`: the bench data set of issue 7 (dossiers/benchdata.py)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from dossiers import benchdata


class Command(BaseCommand):
    help = "Tạo bộ dữ liệu đo tải (PostgreSQL): tỉnh, trung tâm, các xã, cán bộ, danh mục và N hồ sơ."

    def add_arguments(self, parser):
        parser.add_argument("--dossiers", type=int, required=True, help="số hồ sơ")
        parser.add_argument("--years", type=int, default=None,
                            help="số năm lưu trữ (mặc định: khoảng 500 000 hồ sơ một năm)")
        parser.add_argument("--communes", type=int, default=benchdata.DEFAULT_COMMUNES,
                            help="số xã, phường (mặc định 20, không đổi theo số hồ sơ)")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--chunk", type=int, default=20_000, help="hồ sơ mỗi lần COPY")
        parser.add_argument("--force", action="store_true",
                            help="ghi cả khi cơ sở dữ liệu đã có hồ sơ thật (không phải dữ liệu đo tải)")
        parser.add_argument("--reset", action="store_true", help="xóa dữ liệu đo tải cũ trước khi tạo")
        parser.add_argument("--no-vacuum", action="store_true",
                            help="chỉ ANALYZE, không VACUUM (autovacuum sẽ làm sau)")

    def handle(self, *args, dossiers, years, communes, seed, chunk, force, reset, no_vacuum, **options):
        if connection.vendor != "postgresql":
            raise CommandError("seed_bench cần PostgreSQL (COPY).")
        if dossiers < 1:
            raise CommandError("--dossiers phải lớn hơn 0.")
        if not 1 <= communes <= 999:
            raise CommandError("--communes phải từ 1 đến 999.")
        if benchdata.foreign_dossiers() and not force:
            raise CommandError("Cơ sở dữ liệu đã có hồ sơ không phải dữ liệu đo tải; dùng --force nếu chắc chắn.")
        if benchdata.bench_dossiers():
            if not reset:
                raise CommandError("Đã có dữ liệu đo tải; dùng --reset để tạo lại.")
            self.stdout.write("Xóa dữ liệu đo tải cũ…")
            benchdata.remove_bench_dossiers()
        started = time.monotonic()
        # Indexes are rebuilt after the load only when the tables start empty (faster than
        # maintaining them row by row); the whole load is one transaction, DDL included.
        empty = not benchdata.foreign_dossiers()
        with transaction.atomic():
            report = benchdata.seed(dossiers=dossiers, years=years, communes=communes, seed=seed, chunk=chunk,
                                    rebuild_indexes=empty, progress=self.stdout.write)
        analysed = time.monotonic()
        with connection.cursor() as cursor:
            for table in benchdata.bench_tables() + ["dossiers_codecounter"]:
                # An archive in service has been vacuumed (visibility map for index-only scans).
                cursor.execute(f"{'ANALYZE' if no_vacuum else 'VACUUM ANALYZE'} {table}")
        report.seconds["analyze" if no_vacuum else "vacuum_analyze"] = time.monotonic() - analysed
        total = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(
            f"{report.dossiers} hồ sơ ({report.open} đang mở), {report.agencies} cơ quan trong {total:.1f} s"))
        self.stdout.write("  dòng: " + ", ".join(f"{k} {v}" for k, v in report.rows.items()))
        self.stdout.write("  trạng thái: " + ", ".join(f"{k} {v}" for k, v in report.statuses.most_common()))
        self.stdout.write("  thời gian: " + ", ".join(f"{k} {v:.1f} s" for k, v in report.seconds.items()))
