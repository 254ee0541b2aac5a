"""The demo's register books in order of receipt. The history replays one dossier at a time from its
intake to its end, on random days, so the counter numbered them in the order they were played, not
received: a register (Mẫu 07) with number 63 above number 3 is not what an officer's book looks like."""

from collections import defaultdict

from django.db import transaction

from ..models import Dossier, RegisterCounter


@transaction.atomic
def order_registers() -> int:
    """Number each agency's book for a year again in order of the entries' moments (its desk's intakes,
    and its take-ins from other desks: one series, as the counter gives them), and set the counter
    to the last; the demo only, right after its history, before any receipt is printed."""
    books: dict[tuple[int, int], list] = defaultdict(list)
    dossiers = list(Dossier.objects.filter(register_number__isnull=False).only(
        "desk_id", "agency_id", "register_year", "register_number", "received_at",
        "agency_register_year", "agency_register_number", "agency_booked_at"))
    for dossier in dossiers:
        books[(dossier.desk_id or dossier.agency_id, dossier.register_year)].append(
            (dossier.received_at, dossier.pk, dossier, "register_number"))
        if dossier.agency_register_number is not None:
            books[(dossier.agency_id, dossier.agency_register_year)].append(
                (dossier.agency_booked_at, dossier.pk, dossier, "agency_register_number"))
    # Out of the way first: the books' unique constraints hold after each statement.
    Dossier.objects.filter(pk__in=[d.pk for d in dossiers]).update(register_number=None, agency_register_number=None)
    for (agency_id, year), entries in books.items():
        for number, (_, _, dossier, field) in enumerate(sorted(entries, key=lambda e: (e[0], e[1])), start=1):
            setattr(dossier, field, number)
        RegisterCounter.objects.update_or_create(agency_id=agency_id, year=year, defaults={"last": len(entries)})
    Dossier.objects.bulk_update(dossiers, ["register_number", "agency_register_number"], batch_size=500)
    return len(dossiers)
