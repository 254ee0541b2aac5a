"""The one place where the leaders' reports compose SQL by hand, and why: Django's ORM joins no
derived table and has no UNION-then-GROUP-BY. The reports build each part as a queryset (so the
ORM still writes every WHERE and GROUP BY), compile it, and only the glue is written here:

- `figures_sums`: a period read from a summary table is one to three pieces (dossiers.figures.
  pieces), each read by its own index range; their sums are added over a UNION ALL. The pieces
  OR'd in one WHERE could only be read through a bitmap, and PostgreSQL read the whole table.
- `labelled`: groups counted by a key alone, then joined to their names. Grouping by the names too
  made PostgreSQL join the named tables to every counted row and hash their text.
- `officers_sql`: the officers joined to their summed steps, to their overdue desks and to the
  dossiers they received, summed before the join for the same reason.
"""

from collections.abc import Callable

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, Q

from dossiers.figures import pieces

from .periods import Period


def fetch(sql: str, params) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def figures_sums(model, where: Q, period: Period, key: str, sums: dict, by=None) -> tuple[str, tuple]:
    """The SQL and parameters of `sums` per `key` over the rows of a summary table under `where` for
    the period: one GROUP BY per piece, added up over their UNION ALL when there are several. `by`:
    an expression to group by, named `key` (else the field `key`)."""
    group = {key: by} if by is not None else {}
    parts = [model.objects.filter(where, piece).order_by().values(*([] if group else [key]), **group)
             .annotate(**sums).query.sql_with_params() for piece in pieces(period.start, period.end)]
    if len(parts) == 1:
        return parts[0]
    quote = connection.ops.quote_name
    # A sum of integers is a numeric on PostgreSQL: cast back, or the driver returns Decimals.
    totals = ", ".join(f"CAST(SUM({quote(name)}) AS bigint) AS {quote(name)}" for name in sums)
    union = " UNION ALL ".join(f"SELECT * FROM ({sql}) piece{n}" for n, (sql, _) in enumerate(parts))
    return (f"SELECT {quote(key)}, {totals} FROM ({union}) pieces GROUP BY {quote(key)}",
            tuple(param for _, params in parts for param in params))


def labelled(totals: Callable[[], tuple[str, tuple]], model, label_fields: tuple[str, ...], key: str) -> list[dict]:
    """One query: the compiled groups (`totals`, one row per `key`) joined to the label fields of
    `model` (as label_0, label_1, …), or the groups alone when `model` is None."""
    try:
        totals_sql, totals_params = totals()
    except EmptyResultSet:  # filtered on an agency outside the scope: no unit, nothing to ask
        return []
    if model is None:
        return fetch(totals_sql, totals_params)
    labels = model.objects.order_by().values(label_key=F("pk"),
                                             **{f"label_{n}": F(path) for n, path in enumerate(label_fields)})
    labels_sql, labels_params = labels.query.sql_with_params()
    return fetch(f"SELECT t.*, l.* FROM ({totals_sql}) t LEFT JOIN ({labels_sql}) l "
                 f"ON l.label_key = t.{connection.ops.quote_name(key)}", (*totals_params, *labels_params))


def officers_sql(people, steps: tuple[str, tuple], desk, intake) -> list[dict]:
    """One query: each of `people` (a values() queryset with id) with its step sums (`steps`, the
    compiled sums per officer_id), its dossiers overdue now (`desk`, counted per holder_id) and the
    dossiers it received in the period (`intake`: received, digitised per to_user_id)."""
    (people_sql, people_params), (desk_sql, desk_params), (intake_sql, intake_params) = (
        q.query.sql_with_params() for q in (people, desk, intake))
    steps_sql, steps_params = steps
    # Each part keeps its own parameters, in the order its placeholders appear.
    return fetch(f"SELECT o.*, t.steps, t.late_steps, t.late_seconds, d.n AS overdue_now, i.received, i.digitised "
                 f"FROM ({people_sql}) o "
                 f"LEFT JOIN ({steps_sql}) t ON t.officer_id = o.id LEFT JOIN ({desk_sql}) d ON d.holder_id = o.id "
                 f"LEFT JOIN ({intake_sql}) i ON i.to_user_id = o.id "
                 f"ORDER BY o.id", (*people_params, *steps_params, *desk_params, *intake_params))


def grouped(queryset, model, label_fields: tuple[str, ...], key: str, **aggregates) -> list[dict]:
    """One query: the queryset's aggregates grouped by `key` alone, joined to their labels (`labelled`)."""
    totals = queryset.order_by().values(key).annotate(**aggregates)
    return labelled(lambda: totals.query.sql_with_params(), model, label_fields, key)
