"""`python -m bench seed --dossiers N`: the bench data set (bench/data.py) in the bench database."""

import time

from django.db import connection, transaction

from . import data


class SeedError(Exception):
    """Refused: the message says why, in Vietnamese, as the command prints it."""


def seed_database(*, dossiers: int, years: int | None = None, communes: int = data.DEFAULT_COMMUNES, seed: int = 2026,
         chunk: int = 20_000, force: bool = False, reset: bool = False, vacuum: bool = True, out=print) -> None:
    if connection.vendor != "postgresql":
        raise SeedError("Dữ liệu đo tải cần PostgreSQL (COPY).")
    if dossiers < 1:
        raise SeedError("--dossiers phải lớn hơn 0.")
    if not 1 <= communes <= 999:
        raise SeedError("--communes phải từ 1 đến 999.")
    if data.foreign_dossiers() and not force:
        raise SeedError("Cơ sở dữ liệu đã có hồ sơ không phải dữ liệu đo tải; dùng --force nếu chắc chắn.")
    if data.bench_dossiers():
        if not reset:
            raise SeedError("Đã có dữ liệu đo tải; dùng --reset để tạo lại.")
        out("Xóa dữ liệu đo tải cũ…")
        data.remove_bench_dossiers()
    started = time.monotonic()
    # Indexes are rebuilt after the load only when the tables start empty (faster than maintaining
    # them row by row); the whole load is one transaction, DDL included.
    empty = not data.foreign_dossiers()
    with transaction.atomic():
        report = data.seed(dossiers=dossiers, years=years, communes=communes, seed=seed, chunk=chunk,
                           rebuild_indexes=empty, progress=out)
    analysed = time.monotonic()
    with connection.cursor() as cursor:
        for table in data.bench_tables() + ["dossiers_codecounter"]:
            # An archive in service has been vacuumed (visibility map for index-only scans).
            cursor.execute(f"{'VACUUM ANALYZE' if vacuum else 'ANALYZE'} {table}")
    report.seconds["vacuum_analyze" if vacuum else "analyze"] = time.monotonic() - analysed
    total = time.monotonic() - started
    out(f"{report.dossiers} hồ sơ ({report.open} đang mở), {report.agencies} cơ quan trong {total:.1f} s")
    out("  dòng: " + ", ".join(f"{k} {v}" for k, v in report.rows.items()))
    out("  trạng thái: " + ", ".join(f"{k} {v}" for k, v in report.statuses.most_common()))
    out("  thời gian: " + ", ".join(f"{k} {v:.1f} s" for k, v in report.seconds.items()))


def run(args) -> None:
    try:
        seed_database(dossiers=args.dossiers, years=args.years, communes=args.communes, seed=args.seed,
                      chunk=args.chunk, force=args.force, reset=args.reset, vacuum=not args.no_vacuum)
    except SeedError as error:
        raise SystemExit(str(error)) from error
