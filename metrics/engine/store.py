"""Writing computed figures: the periods recomputed are replaced whole, in the caller's
transaction, so a rerun leaves exactly the same rows and a killed run leaves none half-done."""

import io
from datetime import date

from django.db import connection
from django.utils import timezone

from metrics.engine.figures import FigureRow
from metrics.models import MetricFigure
from tenants.db.copy import copy_in
from tenants.models import Tenant

COLUMNS = [
    "tenant_id",
    "grain",
    "period",
    "dimension",
    "key",
    "metric",
    "value",
    "numerator",
    "denominator",
    "computed_at",
]


def figures_replace(*, tenant: Tenant, grain: str, periods: list[date], rows: list[FigureRow]):
    """Delete the tenant's figures of `grain` for `periods` and write `rows` with COPY."""
    table = MetricFigure._meta.db_table
    now = timezone.now().isoformat()
    buffer = io.StringIO()
    for row in rows:
        figure = row.figure
        buffer.write(
            "\t".join(
                [
                    str(tenant.pk),
                    row.grain,
                    row.period.isoformat(),
                    row.dimension,
                    _text(row.key),
                    row.metric,
                    _number(figure.value),
                    _number(figure.numerator),
                    _number(figure.denominator),
                    now,
                ]
            )
            + "\n"
        )
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE tenant_id = %s AND grain = %s AND period = ANY(%s)",  # noqa: S608
            [tenant.pk, grain, list(periods)],
        )
        copy_in(cursor, MetricFigure, COLUMNS, buffer)


def _number(value) -> str:
    return r"\N" if value is None else str(value)


def _text(value: str) -> str:
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )
