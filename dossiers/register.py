"""The numbers the counter gives (Circular 01/2018, 03/2025): the dossier code's sequence per agency and
day, and the register's entries (Sổ theo dõi hồ sơ, Mẫu 07) per agency and year. Mẫu 07 is the book
of the desk that received the dossier; the competent agency books a dossier taken in from another desk
in its own (register_book_transfer)."""

import datetime as dt

from django.db import connection
from django.utils import timezone

from .models import Dossier, RegisterCounter


def next_number(counter, agency_id: int, period_column: str, period) -> int:
    """The counter row's next number (CodeCounter per day, RegisterCounter per year); the upsert
    holds the row's lock until commit, so concurrent intakes at one agency get distinct numbers."""
    table = counter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, {period_column}, last) VALUES (%s, %s, 1) "
            f"ON CONFLICT (agency_id, {period_column}) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [agency_id, period],
        )
        return cursor.fetchone()[0]


# What register_book_transfer sets, for the caller's save.
AGENCY_REGISTER_FIELDS = ("agency_register_year", "agency_register_number", "agency_booked_at")


def register_book_transfer(dossier: Dossier, now: dt.datetime) -> None:
    """The competent agency's counter takes in a dossier received at another agency's desk: its entry in
    the agency's own register (Mẫu 07) for the year of the take-in, numbered by the agency's counter
    in the caller's transaction (which holds the dossier's lock and saves AGENCY_REGISTER_FIELDS); once."""
    if dossier.agency_register_number is not None or dossier.desk_id in (None, dossier.agency_id):
        return
    dossier.agency_register_year, dossier.agency_booked_at = timezone.localdate(now).year, now
    dossier.agency_register_number = next_number(RegisterCounter, dossier.agency_id, "year",
                                                 dossier.agency_register_year)
